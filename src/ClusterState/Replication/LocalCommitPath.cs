using ClusterState.Storage;
using Microsoft.Extensions.Logging;

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
    private readonly long? _retention;
    private readonly long _compactionStep;
    private readonly ILogger _logger;
    private volatile bool _disposed;

    public LocalCommitPath(MvccStore state, long? retention, ILogger logger)
    {
        _state = state;
        _retention = retention;
        _compactionStep = retention is { } r ? Math.Max(1, r / 8) : 0;
        _logger = logger;
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
                CompactIfDueLocked(result.Revision);
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
                var removed = _state.Compact(revision);
                Log.Compacted(_logger, revision, removed);
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

    private void CompactIfDueLocked(long revision)
    {
        if (_retention is not { } retention || revision - _state.CompactedRevision < retention + _compactionStep)
        {
            return;
        }

        var target = revision - retention;
        var removed = _state.Compact(target);
        Log.Compacted(_logger, target, removed);
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw new StoreUnavailableException("The store has been disposed and takes no more writes.");
        }
    }
}
