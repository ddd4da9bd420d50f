using ClusterState.Storage;

namespace ClusterState.Replication;

/// <summary>
/// The in-memory single-node commit path: applies each write to the state machine on the caller's thread under
/// the commit lock, then runs automatic compaction when the retained history passes its limit.
/// </summary>
internal sealed class LocalCommitPath(MvccStore state, CompactionPolicy compaction) : SingleNodeCommitPath(state, compaction)
{
    public override ValueTask<TxnResult> CommitAsync(TxnRequest request, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<TxnResult>(cancellationToken);
        }

        try
        {
            lock (CommitLock)
            {
                ThrowIfUnavailable();
                var result = State.Apply(request);
                Compaction.CompactIfDue(State);
                return ValueTask.FromResult(result);
            }
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<TxnResult>(ex);
        }
    }
}
