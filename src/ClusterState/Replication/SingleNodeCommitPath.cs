using ClusterState.Storage;

namespace ClusterState.Replication;

/// <summary>
/// What the single-node commit paths share: one lock that serializes every mutation of the state, the compaction
/// policy, disposal, and reads that need no barrier (every acknowledged write is already published). The
/// subclasses differ in how a write becomes durable.
/// </summary>
internal abstract class SingleNodeCommitPath(MvccStore state, CompactionPolicy compaction) : ICommitPath
{
    private volatile bool _disposed;

    /// <summary>Guards every mutation of <see cref="State"/>. Readers never take it.</summary>
    protected Lock CommitLock { get; } = new();

    protected MvccStore State { get; } = state;

    protected CompactionPolicy Compaction { get; } = compaction;

    public abstract ValueTask<TxnResult> CommitAsync(TxnRequest request, CancellationToken cancellationToken);

    /// <summary>Every acknowledged write is published here already.</summary>
    public ValueTask<long> ReadBarrierAsync(CancellationToken cancellationToken) => ValueTask.FromResult(State.Revision);

    public virtual ValueTask CompactAsync(long revision, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        try
        {
            lock (CommitLock)
            {
                ThrowIfUnavailable();
                Compaction.Compact(State, revision);
            }

            return ValueTask.CompletedTask;
        }
        catch (Exception ex)
        {
            return ValueTask.FromException(ex);
        }
    }

    public virtual void Dispose()
    {
        lock (CommitLock)
        {
            _disposed = true;
        }
    }

    /// <summary>Throws when the path takes no more writes; the caller holds <see cref="CommitLock"/>.</summary>
    public virtual Exception? Failure => null;

    public virtual Hosting.DurationRecorder? SyncTimer => null;

    protected virtual void ThrowIfUnavailable()
    {
        if (_disposed)
        {
            throw new StoreStoppedException("The store has been disposed and takes no more writes.");
        }
    }
}
