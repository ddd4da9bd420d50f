namespace ClusterState.Replication;

/// <summary>
/// The one path every write takes: a request goes in, is ordered with every other write, applied to the state
/// machine as one revision, and its result comes back. The single-node store applies directly
/// (<see cref="LocalCommitPath"/>); a replicated store orders requests through its consensus log first and applies
/// them on every peer. The store knows replication only through this interface.
/// </summary>
internal interface ICommitPath : IDisposable
{
    /// <summary>Orders and applies <paramref name="request"/>; completes with its result once it is committed.</summary>
    ValueTask<TxnResult> CommitAsync(TxnRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Completes once this store has applied every write committed before the call, with its revision then
    /// (a read barrier: reads at that revision are linearizable).
    /// </summary>
    ValueTask<long> ReadBarrierAsync(CancellationToken cancellationToken);

    /// <summary>Orders and applies a compaction at <paramref name="revision"/>.</summary>
    ValueTask CompactAsync(long revision, CancellationToken cancellationToken);

    /// <summary>Why the path stopped taking writes (its log or its Raft peer failed); null while it works.</summary>
    Exception? Failure { get; }

    /// <summary>Times this path's fsyncs (the write-ahead log's, or the Raft log's); null when it writes no disk.</summary>
    Hosting.DurationRecorder? SyncTimer { get; }
}
