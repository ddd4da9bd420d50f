namespace ClusterState.Replication;

/// <summary>The commit path of a Raft peer: every write goes through the group's log (see <see cref="RaftPeer"/>).</summary>
internal sealed class ReplicatedCommitPath(RaftPeer peer) : ICommitPath
{
    public RaftPeer Peer => peer;

    public ValueTask<TxnResult> CommitAsync(TxnRequest request, CancellationToken cancellationToken) =>
        new(Hosting.StoreActivities.HasListeners ? TracedAsync(request, cancellationToken) : peer.ProposeAsync(request, cancellationToken));

    /// <summary>The proposal as a <c>clusterstate.raft.propose</c> span, current in this method only.</summary>
    private async Task<TxnResult> TracedAsync(TxnRequest request, CancellationToken cancellationToken)
    {
        var activity = Hosting.StoreActivities.Start("clusterstate.raft.propose", ClusterStateInstrumentation.RaftNodeTag, (long)peer.Id);
        activity?.SetTag("clusterstate.raft.leader", (long)peer.Stats.Leader);
        return await Hosting.StoreActivities.TraceAsync(activity, peer.ProposeAsync(request, cancellationToken)).ConfigureAwait(false);
    }

    public ValueTask<long> ReadBarrierAsync(CancellationToken cancellationToken) => new(peer.ReadIndexAsync(cancellationToken));

    /// <summary>Compaction goes through the log, as in etcd: every peer compacts at the same point.</summary>
    public ValueTask CompactAsync(long revision, CancellationToken cancellationToken) => new(peer.CompactAsync(revision, cancellationToken));

    public Exception? Failure => peer.Failure;

    public Hosting.DurationRecorder? SyncTimer => peer.SyncTimer;

    public void Dispose() => peer.Dispose();
}
