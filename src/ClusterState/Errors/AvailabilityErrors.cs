namespace ClusterState;

/// <summary>
/// The store could not take the request now; the message says why. The derived types tell a retry policy what to
/// do: <see cref="NoLeaderException"/> is transient (retry), <see cref="CommitOutcomeUnknownException"/> is
/// indeterminate (the write may still commit: check before retrying a write that is not idempotent),
/// <see cref="StoreStoppedException"/> and <see cref="DataDirectoryLockedException"/> are permanent for this store
/// instance. The base type alone covers the rest (a data directory that cannot be opened, a restore into a
/// directory that holds a store).
/// </summary>
public class StoreUnavailableException : ClusterStateException
{
    /// <summary>Creates the exception.</summary>
    public StoreUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A Raft peer knows no leader to take the request (an election is under way, or the peer is cut off from the
/// majority). Nothing was proposed: retrying, after a short delay, is safe.
/// </summary>
public sealed class NoLeaderException : StoreUnavailableException
{
    /// <summary>Creates the exception.</summary>
    public NoLeaderException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A write (or a compaction, or a membership change) was proposed but not seen committed in time, typically because
/// leadership moved or the majority was unreachable. It may still commit later, or never: read the state before
/// retrying a write that is not idempotent (a conditional update on the resourceVersion is safe to retry: a second
/// application fails with a conflict).
/// </summary>
public sealed class CommitOutcomeUnknownException : StoreUnavailableException
{
    /// <summary>Creates the exception.</summary>
    public CommitOutcomeUnknownException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The store takes no more requests: it was disposed, or it stopped after a failure of its storage or of its Raft
/// peer (then <see cref="Exception.InnerException"/> is that failure). Permanent for this instance: open the store
/// again (from its data directory, which holds every write it acknowledged).
/// </summary>
public sealed class StoreStoppedException : StoreUnavailableException
{
    /// <summary>Creates the exception.</summary>
    public StoreStoppedException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The data directory is in use by another store (in this process or another one): its lock file is held. Permanent
/// while that store is open.
/// </summary>
public sealed class DataDirectoryLockedException : StoreUnavailableException
{
    /// <summary>Creates the exception.</summary>
    public DataDirectoryLockedException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
