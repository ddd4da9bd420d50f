using ClusterState.Storage;

namespace ClusterState.Replication;

/// <summary>
/// The single-node commit path: serializes writes on one lock and applies each to the state machine on the
/// caller's thread, then runs automatic compaction when the retained history passes its limit.
/// </summary>
internal sealed class LocalCommitPath : ICommitPath
{
    /// <summary>Guards every mutation of <see cref="_state"/>. Readers never take it.</summary>
    private readonly Lock _lock = new();
    private readonly MvccStore _state;
    private readonly CompactionPolicy _compaction;
    private volatile bool _disposed;

    public LocalCommitPath(MvccStore state, CompactionPolicy compaction)
    {
        _state = state;
        _compaction = compaction;
    }

    public ValueTask<TxnResult> CommitAsync(TxnRequest request, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<TxnResult>(cancellationToken);
        }

        try
        {
            lock (_lock)
            {
                ThrowIfDisposed();
                var result = _state.Apply(request);
                _compaction.CompactIfDue(_state);
                return ValueTask.FromResult(result);
            }
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<TxnResult>(ex);
        }
    }

    /// <summary>Every acknowledged write is published here already.</summary>
    public ValueTask<long> ReadBarrierAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_state.Revision);

    public ValueTask CompactAsync(long revision, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        try
        {
            lock (_lock)
            {
                ThrowIfDisposed();
                _compaction.Compact(_state, revision);
            }

            return ValueTask.CompletedTask;
        }
        catch (Exception ex)
        {
            return ValueTask.FromException(ex);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw new StoreUnavailableException("The store has been disposed and takes no more writes.");
        }
    }
}
