using System.Diagnostics;

namespace ClusterState.Replication.Raft;

/// <summary>
/// A node's log: entries <see cref="FirstIndex"/>..<see cref="LastIndex"/> after a snapshot that covers
/// 1..<see cref="SnapshotIndex"/>; of them 1..<see cref="Stabled"/> are persisted, 1..<see cref="Committed"/>
/// known committed and 1..<see cref="Applied"/> handed out to apply.
/// Invariants: <c>SnapshotIndex &lt;= Applied &lt;= Committed &lt;= LastIndex</c>, <c>Applied &lt;= Stabled</c>.
/// </summary>
internal sealed class RaftLog
{
    /// <summary>Entries after the snapshot: entry i is at position i - SnapshotIndex - 1.</summary>
    private readonly List<LogEntry> _entries = [];

    /// <summary>The indexes of the membership entries after the snapshot, ascending.</summary>
    private readonly List<long> _membershipIndexes = [];

    public RaftLog(IEnumerable<LogEntry> persisted, long committed, long snapshotIndex = 0, long snapshotTerm = 0)
    {
        SnapshotIndex = snapshotIndex;
        SnapshotTerm = snapshotTerm;
        _entries.AddRange(persisted.Where(e => e.Index > snapshotIndex));
        _membershipIndexes.AddRange(_entries.Where(e => e.Type == EntryType.Membership).Select(e => e.Index));
        Stabled = LastIndex;
        Committed = Math.Max(committed, snapshotIndex);
        Applied = snapshotIndex;
    }

    /// <summary>The last index the snapshot covers (0: none); entries up to it are gone from the log.</summary>
    public long SnapshotIndex { get; private set; }

    public long SnapshotTerm { get; private set; }

    public long FirstIndex => SnapshotIndex + 1;

    public long LastIndex => SnapshotIndex + _entries.Count;

    public long LastTerm => Term(LastIndex);

    public long Stabled { get; private set; }

    public long Committed { get; private set; }

    public long Applied { get; private set; }

    /// <summary>The index of the last membership entry after the snapshot (0: none).</summary>
    public long LastMembershipIndex => _membershipIndexes.Count > 0 ? _membershipIndexes[^1] : 0;

    /// <summary>The index of the last membership entry at or before <paramref name="index"/> after the snapshot (0: none).</summary>
    public long MembershipIndexAtOrBefore(long index)
    {
        for (var i = _membershipIndexes.Count - 1; i >= 0; i--)
        {
            if (_membershipIndexes[i] <= index)
            {
                return _membershipIndexes[i];
            }
        }

        return 0;
    }

    /// <summary>The entry at <paramref name="index"/> (after the snapshot, within the log).</summary>
    public LogEntry EntryAt(long index) => _entries[(int)(index - FirstIndex)];

    /// <summary>The term of entry <paramref name="index"/>; 0 for index 0, beyond the log, or compacted away.</summary>
    public long Term(long index) =>
        index == SnapshotIndex ? SnapshotTerm
        : index > SnapshotIndex && index <= LastIndex ? _entries[(int)(index - FirstIndex)].Term
        : 0;

    /// <summary>True when entry <paramref name="index"/> was compacted into the snapshot (its term is unknown, but it matches).</summary>
    public bool IsCompacted(long index) => index < SnapshotIndex;

    public bool MatchTerm(long index, long term) =>
        index == 0 ? term == 0 : index >= SnapshotIndex && index <= LastIndex && Term(index) == term;

    /// <summary>True when a log ending at (lastIndex, lastTerm) is at least as up to date as this one (§5.4.1).</summary>
    public bool IsUpToDate(long lastIndex, long lastTerm) => lastTerm > LastTerm || (lastTerm == LastTerm && lastIndex >= LastIndex);

    public void Append(LogEntry entry)
    {
        Debug.Assert(entry.Index == LastIndex + 1, "appends are contiguous");
        _entries.Add(entry);
        if (entry.Type == EntryType.Membership)
        {
            _membershipIndexes.Add(entry.Index);
        }
    }

    /// <summary>
    /// Merges entries received after (prevIndex): existing entries that agree are kept; from the first conflict on,
    /// the log is replaced (§5.3). Entries the snapshot covers are committed and skipped. Returns the index of the
    /// last new entry.
    /// </summary>
    public long MergeAfter(long prevIndex, LogEntry[] entries)
    {
        foreach (var entry in entries)
        {
            if (entry.Index <= SnapshotIndex)
            {
                continue;
            }

            if (entry.Index <= LastIndex)
            {
                if (Term(entry.Index) == entry.Term)
                {
                    continue;
                }

                TruncateFrom(entry.Index);
            }

            Append(entry);
        }

        return prevIndex + entries.Length;
    }

    /// <summary>Drops the entries from <paramref name="index"/> on: they conflict with the leader's (§5.3).</summary>
    private void TruncateFrom(long index)
    {
        // A method of its own: a lambda capturing the loop's entry in MergeAfter made every iteration allocate its closure.
        Debug.Assert(index > Committed, "a committed entry is never replaced");
        var from = (int)(index - FirstIndex);
        _entries.RemoveRange(from, _entries.Count - from);
        _membershipIndexes.RemoveAll(i => i >= index);
        Stabled = Math.Min(Stabled, index - 1);
    }

    /// <summary>
    /// Entries from <paramref name="from"/> (after the snapshot): at most <paramref name="max"/> of them and, past the
    /// first, at most <paramref name="maxBytes"/> of entry data in all.
    /// </summary>
    public LogEntry[] Slice(long from, int max, long maxBytes = long.MaxValue)
    {
        Debug.Assert(from > SnapshotIndex, "compacted entries are sent as a snapshot");
        if (from > LastIndex)
        {
            return [];
        }

        var start = (int)(from - FirstIndex);
        var count = (int)Math.Min(max, LastIndex - from + 1);
        long bytes = _entries[start].Data.Length;
        for (var i = 1; i < count; i++)
        {
            bytes += _entries[start + i].Data.Length;
            if (bytes > maxBytes)
            {
                count = i;
                break;
            }
        }

        return Range(start, count);
    }

    public void CommitTo(long index)
    {
        if (index > Committed)
        {
            Debug.Assert(index <= LastIndex, "commit within the log");
            Committed = index;
        }
    }

    /// <summary>Entries not yet persisted.</summary>
    public LogEntry[] Unstable() => Range((int)(Stabled - SnapshotIndex), (int)(LastIndex - Stabled));

    /// <summary>Committed, persisted entries not yet handed out.</summary>
    public LogEntry[] NextToApply()
    {
        var to = Math.Min(Committed, Stabled);
        return to <= Applied ? [] : Range((int)(Applied - SnapshotIndex), (int)(to - Applied));
    }

    /// <summary>A copy of <paramref name="count"/> entries from position <paramref name="start"/> (one array, none when empty).</summary>
    private LogEntry[] Range(int start, int count)
    {
        if (count == 0)
        {
            return [];
        }

        var range = new LogEntry[count];
        _entries.CopyTo(start, range, 0, count);
        return range;
    }

    /// <summary>Marks entries up to (index, term) persisted, unless the log changed there since the Ready.</summary>
    public void StableTo(long index, long term)
    {
        if (index <= LastIndex && Term(index) == term)
        {
            Stabled = Math.Max(Stabled, index);
        }
    }

    public void AppliedTo(long index) => Applied = Math.Max(Applied, index);

    /// <summary>Drops entries up to <paramref name="index"/> (applied, and captured in a snapshot by the host).</summary>
    public void CompactTo(long index)
    {
        Debug.Assert(index <= Applied, "only applied entries are compacted");
        if (index <= SnapshotIndex)
        {
            return;
        }

        SnapshotTerm = Term(index);
        _entries.RemoveRange(0, (int)(index - SnapshotIndex));
        _membershipIndexes.RemoveAll(i => i <= index);
        SnapshotIndex = index;
    }

    /// <summary>Replaces the whole log with a snapshot received from the leader (the host restores its state from it).</summary>
    public void RestoreSnapshot(long index, long term)
    {
        _entries.Clear();
        _membershipIndexes.Clear();
        SnapshotIndex = index;
        SnapshotTerm = term;
        Committed = index;
        Stabled = index;
        Applied = index;
    }
}
