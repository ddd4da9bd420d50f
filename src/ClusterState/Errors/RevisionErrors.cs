namespace ClusterState;

/// <summary>
/// A read or watch asked for a revision whose history compaction dropped. A controller re-lists at the current
/// revision and watches again from there.
/// </summary>
public sealed class RevisionCompactedException : ClusterStateException
{
    /// <summary>Creates the exception.</summary>
    public RevisionCompactedException(long requestedRevision, long compactedRevision)
        : base($"revision {requestedRevision} has been compacted: the oldest revision still available is {compactedRevision}")
    {
        RequestedRevision = requestedRevision;
        CompactedRevision = compactedRevision;
    }

    /// <summary>The revision asked for.</summary>
    public long RequestedRevision { get; }

    /// <summary>The compaction revision: reads at it and later still work.</summary>
    public long CompactedRevision { get; }
}

/// <summary>A read asked for a revision the store has not reached yet.</summary>
public sealed class FutureRevisionException : ClusterStateException
{
    /// <summary>Creates the exception.</summary>
    public FutureRevisionException(long requestedRevision, long currentRevision)
        : base($"revision {requestedRevision} is in the future: the current revision is {currentRevision}")
    {
        RequestedRevision = requestedRevision;
        CurrentRevision = currentRevision;
    }

    /// <summary>The revision asked for.</summary>
    public long RequestedRevision { get; }

    /// <summary>The store's revision when the read ran.</summary>
    public long CurrentRevision { get; }
}

/// <summary>A request passed one of the store's documented limits (object size, operations per transaction).</summary>
public sealed class LimitExceededException : ClusterStateException
{
    /// <summary>Creates the exception.</summary>
    public LimitExceededException(string limit, long actual, long maximum, string subject)
        : base($"{subject}: {limit} is {actual}, above the limit of {maximum}")
    {
        Limit = limit;
        Actual = actual;
        Maximum = maximum;
    }

    /// <summary>The limit's name, e.g. <c>object size (bytes)</c>.</summary>
    public string Limit { get; }

    /// <summary>The request's value.</summary>
    public long Actual { get; }

    /// <summary>The limit.</summary>
    public long Maximum { get; }
}
