using System.Diagnostics;

namespace ClusterState.Replication.Raft;

/// <summary>
/// A node's log: entries 1..<see cref="LastIndex"/>, of which 1..<see cref="Stabled"/> are persisted,
/// 1..<see cref="Committed"/> known committed and 1..<see cref="Applied"/> handed out to apply.
/// Invariants: <c>Applied &lt;= Committed</c>, <c>Applied &lt;= Stabled</c>, <c>Committed &lt;= LastIndex</c>.
/// </summary>
internal sealed class RaftLog
{
    private readonly List<LogEntry> _entries = [];

    public RaftLog(IEnumerable<LogEntry> persisted, long committed)
    {
        _entries.AddRange(persisted);
        Stabled = LastIndex;
        Committed = committed;
        Applied = 0;
    }

    public long LastIndex => _entries.Count;

    public long LastTerm => Term(LastIndex);

    public long Stabled { get; private set; }

    public long Committed { get; private set; }

    public long Applied { get; private set; }

    /// <summary>The term of entry <paramref name="index"/>; 0 for index 0 or beyond the log.</summary>
    public long Term(long index) => index >= 1 && index <= LastIndex ? _entries[(int)index - 1].Term : 0;

    public bool MatchTerm(long index, long term) => index == 0 ? term == 0 : index <= LastIndex && Term(index) == term;

    /// <summary>True when a log ending at (lastIndex, lastTerm) is at least as up to date as this one (§5.4.1).</summary>
    public bool IsUpToDate(long lastIndex, long lastTerm) => lastTerm > LastTerm || (lastTerm == LastTerm && lastIndex >= LastIndex);

    public void Append(LogEntry entry)
    {
        Debug.Assert(entry.Index == LastIndex + 1, "appends are contiguous");
        _entries.Add(entry);
    }

    /// <summary>
    /// Merges entries received after (prevIndex): existing entries that agree are kept; from the first conflict on,
    /// the log is replaced (§5.3). Returns the index of the last new entry.
    /// </summary>
    public long MergeAfter(long prevIndex, LogEntry[] entries)
    {
        foreach (var entry in entries)
        {
            if (entry.Index <= LastIndex)
            {
                if (Term(entry.Index) == entry.Term)
                {
                    continue;
                }

                Debug.Assert(entry.Index > Committed, "a committed entry is never replaced");
                _entries.RemoveRange((int)entry.Index - 1, (int)(LastIndex - entry.Index + 1));
                Stabled = Math.Min(Stabled, entry.Index - 1);
            }

            _entries.Add(entry);
        }

        return prevIndex + entries.Length;
    }

    public LogEntry[] Slice(long from, int max)
    {
        if (from > LastIndex)
        {
            return [];
        }

        var count = (int)Math.Min(max, LastIndex - from + 1);
        return _entries.GetRange((int)from - 1, count).ToArray();
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
    public List<LogEntry> Unstable() => _entries.GetRange((int)Stabled, (int)(LastIndex - Stabled));

    /// <summary>Committed, persisted entries not yet handed out.</summary>
    public List<LogEntry> NextToApply()
    {
        var to = Math.Min(Committed, Stabled);
        return to <= Applied ? [] : _entries.GetRange((int)Applied, (int)(to - Applied));
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
}
