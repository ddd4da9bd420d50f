using System.Diagnostics;

namespace ClusterState.Storage;

/// <summary>
/// The key histories of one kind by name, for point reads: an open-addressing hash table (linear probing) written by
/// one thread and read by any number without locks.
/// </summary>
/// <remarks>
/// <para>Ownership: only the commit path adds and removes keys (under the commit lock). Readers take the published
/// <see cref="Slots"/> once and probe it; a slot is filled by writing its hash, then publishing its entry with a
/// release write, so a reader that sees an entry sees its hash. A removed key leaves a tombstone that probes step
/// over (a later insert may reuse it); the table is rebuilt, and the new one published whole, when live keys and
/// tombstones fill more than <see cref="MaxLoadPercent"/> percent of it.</para>
/// <para>A reader that read the store's revision first finds every key added at or before that revision: keys are
/// added before the revision that needs them is published, and a rebuild copies every key before it is published.</para>
/// <para>Memory: one reference and one hash per slot, 12 bytes, at a load between 35 and 70 percent (17 to 34 bytes
/// per key), against a 56-byte node per key and a bucket array in <c>ConcurrentDictionary</c>.</para>
/// </remarks>
internal sealed class KeyTable
{
    /// <summary>The most a table is filled (live keys and tombstones) before it is rebuilt.</summary>
    internal const int MaxLoadPercent = 70;

    private const int MinCapacity = 16;

    /// <summary>Marks a removed key: probes step over it, inserts may reuse it.</summary>
    private static readonly KeyHistory Removed = new(new ObjectName(string.Empty, string.Empty));

    private volatile Slots _slots = new(MinCapacity);

    /// <summary>How many keys the table holds. Safe to read from any thread.</summary>
    public int Count => Volatile.Read(ref _count);

    private int _count;

    /// <summary>Slots in use, live keys and tombstones (the writer's own count).</summary>
    private int _used;

    /// <summary>The capacity of the published table (for tests).</summary>
    internal int Capacity => _slots.Entries.Length;

    /// <summary>The history of <paramref name="name"/>, or null; never blocks.</summary>
    public KeyHistory? Find(ObjectName name)
    {
        var slots = _slots;
        var entries = slots.Entries;
        var hashes = slots.Hashes;
        var hash = Hash(name);
        var mask = entries.Length - 1;
        for (var i = hash & mask; ; i = (i + 1) & mask)
        {
            var entry = Volatile.Read(ref entries[i]);
            if (entry is null)
            {
                return null;
            }

            if (hashes[i] == hash && !ReferenceEquals(entry, Removed) && entry.Name.Equals(name))
            {
                return entry;
            }
        }
    }

    /// <summary>Adds <paramref name="history"/>, whose key is not in the table; the caller holds the commit lock.</summary>
    public void AddLocked(KeyHistory history)
    {
        Debug.Assert(Find(history.Name) is null, "the key is new");
        if ((_used + 1) * 100L > _slots.Entries.Length * (long)MaxLoadPercent)
        {
            Rebuild();
        }

        var slots = _slots;
        var hash = Hash(history.Name);
        var mask = slots.Entries.Length - 1;
        var i = hash & mask;
        while (slots.Entries[i] is { } entry && !ReferenceEquals(entry, Removed))
        {
            i = (i + 1) & mask;
        }

        if (slots.Entries[i] is null)
        {
            _used++;
        }

        slots.Hashes[i] = hash;
        Volatile.Write(ref slots.Entries[i], history);
        Volatile.Write(ref _count, _count + 1);
    }

    /// <summary>Removes the key <paramref name="name"/>; returns false when it was not there. The caller holds the commit lock.</summary>
    public bool RemoveLocked(ObjectName name)
    {
        var slots = _slots;
        var hash = Hash(name);
        var mask = slots.Entries.Length - 1;
        for (var i = hash & mask; slots.Entries[i] is { } entry; i = (i + 1) & mask)
        {
            if (slots.Hashes[i] == hash && !ReferenceEquals(entry, Removed) && entry.Name.Equals(name))
            {
                Volatile.Write(ref slots.Entries[i], Removed);
                Volatile.Write(ref _count, _count - 1);
                return true;
            }
        }

        return false;
    }

    /// <summary>Every key's history, in no order (a view of the table at the call); the caller holds the commit lock.</summary>
    public IEnumerable<KeyHistory> AllLocked()
    {
        foreach (var entry in _slots.Entries)
        {
            if (entry is not null && !ReferenceEquals(entry, Removed))
            {
                yield return entry;
            }
        }
    }

    /// <summary>
    /// Copies the live keys into a new table and publishes it: tombstones go, and the capacity is the least power of
    /// two that the keys fill at most half of (double the old one when the table was full of live keys).
    /// </summary>
    private void Rebuild()
    {
        var capacity = MinCapacity;
        while ((_count + 1) * 2L > capacity)
        {
            capacity *= 2;
        }

        var old = _slots;
        var slots = new Slots(capacity);
        var mask = capacity - 1;
        for (var j = 0; j < old.Entries.Length; j++)
        {
            if (old.Entries[j] is { } entry && !ReferenceEquals(entry, Removed))
            {
                var i = old.Hashes[j] & mask;
                while (slots.Entries[i] is not null)
                {
                    i = (i + 1) & mask;
                }

                slots.Hashes[i] = old.Hashes[j];
                slots.Entries[i] = entry;
            }
        }

        _used = _count;
        _slots = slots;
    }

    /// <summary>A non-negative hash of the key.</summary>
    private static int Hash(ObjectName name) => HashCode.Combine(name.Namespace, name.Name) & int.MaxValue;

    /// <summary>One table: a power-of-two number of slots, each an entry (null when never used) and its key's hash.</summary>
    private sealed class Slots(int capacity)
    {
        public readonly KeyHistory?[] Entries = new KeyHistory?[capacity];

        public readonly int[] Hashes = new int[capacity];
    }
}
