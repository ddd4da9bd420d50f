using ClusterState.Persistence;
using ClusterState.Storage;

namespace ClusterState.Replication;

/// <summary>
/// The single-node commit path of a store opened on a directory: applies each request under the commit lock
/// without publishing it, queues its batch on the write-ahead log, and acknowledges it once the log's group
/// commit has made it durable (the log publishes it to readers just before). Readers therefore never see a write
/// that a crash could lose.
/// </summary>
internal sealed class DurableCommitPath(MvccStore state, WalWriter wal, Snapshotter snapshotter, CompactionPolicy compaction)
    : SingleNodeCommitPath(state, compaction)
{
    public override Hosting.DurationRecorder SyncTimer => wal.SyncTimer;

    public override async ValueTask<TxnResult> CommitAsync(TxnRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TxnResult result;
        Task durable;
        lock (CommitLock)
        {
            ThrowIfUnavailable();
            result = State.Apply(request, publish: false, out var batch);
            if (batch is null)
            {
                durable = wal.Barrier(State.AppliedRevisionLocked);
            }
            else
            {
                try
                {
                    durable = wal.Append(batch);
                }
                catch
                {
                    // The record could not be built (over the record limit, or an object the encoder cannot
                    // write): nothing of the write may stay applied, and its revision is not used.
                    State.UndoUnpublishedLocked(batch);
                    throw;
                }
            }

            var compacted = State.CompactedRevision;
            Compaction.CompactIfDue(State);
            // Queued after this write's record; if the log fails, the write's own task carries the error.
            _ = RecordCompactionLocked(compacted);
        }

        // The write is applied and queued; cancelling now could not take it back, so wait for it.
        await durable.ConfigureAwait(false);
        snapshotter.MaybeStart();
        return result;
    }

    /// <summary>Compacts, and logs the compaction so that reopening the store keeps it (as etcd keeps its compacted revision).</summary>
    public override async ValueTask CompactAsync(long revision, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Task durable;
        lock (CommitLock)
        {
            ThrowIfUnavailable();
            var compacted = State.CompactedRevision;
            Compaction.Compact(State, revision);
            durable = RecordCompactionLocked(compacted);
        }

        await durable.ConfigureAwait(false);
    }

    /// <summary>Appends a compaction record when the compaction revision moved past <paramref name="before"/>; the caller holds the commit lock.</summary>
    private Task RecordCompactionLocked(long before)
    {
        var now = State.CompactedRevision;
        return now > before ? wal.AppendCompaction(State.AppliedRevisionLocked, now) : Task.CompletedTask;
    }

    /// <summary>Writes a snapshot now (after any background one), so that the log segments it covers are removed.</summary>
    public async Task<long> SnapshotNowAsync(CancellationToken cancellationToken)
    {
        snapshotter.WaitIdle();
        return await snapshotter.TakeAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        base.Dispose();
        snapshotter.WaitIdle();
        wal.Dispose();
    }

    public override Exception? Failure => wal.Failure;

    protected override void ThrowIfUnavailable()
    {
        base.ThrowIfUnavailable();
        if (wal.Failure is { } failure)
        {
            throw new StoreStoppedException($"The write-ahead log failed ({failure.Message}); the store takes no more writes. Reopen it to recover every acknowledged write.", failure);
        }
    }
}
