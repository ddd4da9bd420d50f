using System.Collections.Concurrent;

namespace ClusterState.Storage;

/// <summary>
/// The keys of one kind: a concurrent map for point reads, and a sorted array of the keys for ordered lists that
/// is rebuilt only when the key set changes (a new key, or one removed by compaction), not on updates.
/// </summary>
/// <remarks>
/// Keys are added and removed only by the commit path (under the commit lock); readers never lock.
/// </remarks>
internal sealed class ResourceTable
{
    private readonly ConcurrentDictionary<ObjectName, KeyHistory> _keys = new();

    /// <summary>Bumped (under the commit lock) after every key added or removed, before the revision that needs it is published.</summary>
    private long _keySetGeneration;

    /// <summary>The keys in order as of some generation; replaced, never mutated.</summary>
    private volatile SortedKeys _sorted = new(0, []);

    /// <summary>
    /// The highest revision, among the batches compaction dropped from the revision log, of one that changed a key of
    /// this kind (0 when none): a watch of this kind that has not read past it has missed events. Written by the commit
    /// path before the batches leave the log.
    /// </summary>
    private long _lastDroppedWrite;

    public long LastDroppedWrite => Volatile.Read(ref _lastDroppedWrite);

    /// <summary>Raises <see cref="LastDroppedWrite"/> to <paramref name="revision"/>; the caller holds the commit lock.</summary>
    public void MarkDroppedLocked(long revision)
    {
        if (revision > _lastDroppedWrite)
        {
            Volatile.Write(ref _lastDroppedWrite, revision);
        }
    }

    /// <summary>How many keys the table holds (live or tombstoned but not yet compacted).</summary>
    public int KeyCount => _keys.Count;

    public KeyHistory? Find(ObjectName name) => _keys.GetValueOrDefault(name);

    /// <summary>The key's history, created if new; the caller holds the commit lock.</summary>
    public KeyHistory GetOrAddLocked(ObjectName name)
    {
        if (_keys.TryGetValue(name, out var history))
        {
            return history;
        }

        history = new KeyHistory(name);
        _keys[name] = history;
        Interlocked.Increment(ref _keySetGeneration);
        return history;
    }

    /// <summary>Removes a key whose history compaction emptied; the caller holds the commit lock.</summary>
    public void RemoveLocked(ObjectName name)
    {
        if (_keys.TryRemove(name, out _))
        {
            Interlocked.Increment(ref _keySetGeneration);
        }
    }

    /// <summary>Every key's history (for compaction); the caller holds the commit lock.</summary>
    public IEnumerable<KeyHistory> AllLocked() => _keys.Values;

    /// <summary>
    /// The keys in order. Call after reading the published revision: every key created at or before it is in the
    /// result (its generation bump happened before the revision was published).
    /// </summary>
    public KeyHistory[] Sorted()
    {
        var generation = Interlocked.Read(ref _keySetGeneration);
        var sorted = _sorted;
        if (sorted.Generation == generation)
        {
            return sorted.Keys;
        }

        var keys = new List<KeyHistory>(_keys.Count);
        foreach (var pair in _keys)
        {
            keys.Add(pair.Value);
        }

        var array = keys.ToArray();
        Array.Sort(array, static (a, b) => a.Name.CompareTo(b.Name));

        // Publish unless a newer array is already there; a lost race only costs a rebuild.
        if (sorted.Generation < generation)
        {
            Interlocked.CompareExchange(ref _sorted, new SortedKeys(generation, array), sorted);
        }

        return array;
    }

    /// <summary>The index of the first key of <paramref name="ns"/> in <paramref name="keys"/>.</summary>
    public static int LowerBound(KeyHistory[] keys, string ns)
    {
        int lo = 0, hi = keys.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (string.CompareOrdinal(keys[mid].Name.Namespace, ns) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private sealed record SortedKeys(long Generation, KeyHistory[] Keys);
}
