namespace ClusterState.Storage;

/// <summary>
/// The keys of one kind: a hash table for point reads, and an ordered index (a copy-on-write B+tree) for lists
/// and ranges, changed in O(log n) when a key is added or removed by compaction, not on updates.
/// </summary>
/// <remarks>
/// Keys are added and removed only by the commit path (under the commit lock); readers never lock.
/// </remarks>
internal sealed class ResourceTable
{
    private readonly KeyTable _keys = new();

    /// <summary>The keys in order; changed before the revision that needs a new key is published.</summary>
    private readonly OrderedIndex _index = new();

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

    public KeyHistory? Find(ObjectName name) => _keys.Find(name);

    /// <summary>The key's history, created if new; the caller holds the commit lock.</summary>
    public KeyHistory GetOrAddLocked(ObjectName name)
    {
        if (_keys.Find(name) is { } history)
        {
            return history;
        }

        history = new KeyHistory(name);
        _keys.AddLocked(history);
        _index.InsertLocked(history);
        return history;
    }

    /// <summary>
    /// Adds the keys of <paramref name="histories"/> (sorted by <see cref="OrderedIndex.SortAndFindDuplicate"/>, with
    /// no duplicate) to an empty table at once (a snapshot loaded into an empty store), the ordered index built in one
    /// pass; the caller holds the commit lock.
    /// </summary>
    /// <exception cref="InvalidOperationException">The table is not empty.</exception>
    public void LoadLocked(KeyHistory[] histories)
    {
        if (_keys.Count != 0)
        {
            throw new InvalidOperationException("Only an empty table is loaded at once.");
        }

        _index.BuildLocked(histories);
        foreach (var history in histories)
        {
            _keys.AddLocked(history);
        }
    }

    /// <summary>Removes a key whose history compaction emptied; the caller holds the commit lock.</summary>
    public void RemoveLocked(ObjectName name)
    {
        if (_keys.RemoveLocked(name))
        {
            _index.RemoveLocked(name);
        }
    }

    /// <summary>Every key's history (for compaction); the caller holds the commit lock.</summary>
    public IEnumerable<KeyHistory> AllLocked() => _keys.AllLocked();

    /// <summary>
    /// The keys in order, as one immutable tree. Take it after reading the published revision: every key created at
    /// or before that revision is in it.
    /// </summary>
    public OrderedIndex.Node Ordered => _index.Root;
}
