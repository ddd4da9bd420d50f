namespace ClusterState.Replication;

/// <summary>The commit path of a Raft peer: every write goes through the group's log (see <see cref="RaftPeer"/>).</summary>
internal sealed class ReplicatedCommitPath(RaftPeer peer) : ICommitPath
{
    public RaftPeer Peer => peer;

    public ValueTask<TxnResult> CommitAsync(TxnRequest request, CancellationToken cancellationToken) =>
        new(peer.ProposeAsync(request, cancellationToken));

    public ValueTask<long> ReadBarrierAsync(CancellationToken cancellationToken) => new(peer.ReadIndexAsync(cancellationToken));

    /// <summary>Compaction goes through the log, as in etcd: every peer compacts at the same point.</summary>
    public ValueTask CompactAsync(long revision, CancellationToken cancellationToken) => new(peer.CompactAsync(revision, cancellationToken));

    public Exception? Failure => peer.Failure;

    public void Dispose() => peer.Dispose();
}
