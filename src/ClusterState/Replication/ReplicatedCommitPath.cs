namespace ClusterState.Replication;

/// <summary>The commit path of a Raft peer: every write goes through the group's log (see <see cref="RaftPeer"/>).</summary>
internal sealed class ReplicatedCommitPath(RaftPeer peer) : ICommitPath
{
    public RaftPeer Peer => peer;

    public ValueTask<TxnResult> CommitAsync(TxnRequest request, CancellationToken cancellationToken) =>
        new(peer.ProposeAsync(request, cancellationToken));

    public ValueTask<long> ReadBarrierAsync(CancellationToken cancellationToken) => new(peer.ReadIndexAsync(cancellationToken));

    /// <summary>Compaction is local to each peer: each keeps the history it wants.</summary>
    public ValueTask CompactAsync(long revision, CancellationToken cancellationToken) => new(peer.CompactAsync(revision));

    public void Dispose() => peer.Dispose();
}
