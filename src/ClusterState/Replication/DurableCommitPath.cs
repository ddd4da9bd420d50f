using ClusterState.Persistence;
using ClusterState.Storage;

namespace ClusterState.Replication;

/// <summary>
/// The single-node commit path of a store opened on a directory: applies each request under the commit lock
/// without publishing it, queues its batch on the write-ahead log, and acknowledges it once the log's group
/// commit has made it durable (the log publishes it to readers just before). Readers therefore never see a write
/// that a crash could lose.
/// </summary>
internal sealed class DurableCommitPath : ICommitPath
{
    /// <summary>Guards every mutation of <see cref="_state"/> and the order of appends to <see cref="_wal"/>.</summary>
    private readonly Lock _lock = new();
    private readonly MvccStore _state;
    private readonly WalWriter _wal;
    private readonly CompactionPolicy _compaction;
    private readonly Snapshotter _snapshotter;
    private volatile bool _disposed;

    public DurableCommitPath(MvccStore state, WalWriter wal, Snapshotter snapshotter, CompactionPolicy compaction)
    {
        _state = state;
        _wal = wal;
        _snapshotter = snapshotter;
        _compaction = compaction;
    }

    public async ValueTask<TxnResult> CommitAsync(TxnRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TxnResult result;
        Task durable;
        lock (_lock)
        {
            ThrowIfUnavailable();
            result = _state.Apply(request, publish: false, out var batch);
            durable = batch is null ? _wal.Barrier(_state.AppliedRevisionLocked) : _wal.Append(batch);
            _compaction.CompactIfDue(_state);
        }

        // The write is applied and queued; cancelling now could not take it back, so wait for it.
        await durable.ConfigureAwait(false);
        _snapshotter.MaybeStart();
        return result;
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
                ThrowIfUnavailable();
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

        _snapshotter.WaitIdle();
        _wal.Dispose();
    }

    private void ThrowIfUnavailable()
    {
        if (_disposed)
        {
            throw new StoreUnavailableException("The store has been disposed and takes no more writes.");
        }

        if (_wal.Failure is { } failure)
        {
            throw new StoreUnavailableException($"The write-ahead log failed ({failure.Message}); the store takes no more writes. Reopen it to recover every acknowledged write.", failure);
        }
    }
}
