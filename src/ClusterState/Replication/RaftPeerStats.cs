namespace ClusterState.Replication;

/// <summary>
/// What a <see cref="RaftPeer"/>'s loop last published about its node, for metrics and health checks: written only by
/// the loop (after each round), read from any thread.
/// </summary>
internal sealed class RaftPeerStats
{
    private long _term;
    private long _leader;
    private long _leaderChanges;
    private long _commitIndex;
    private long _appliedIndex;
    private long _proposals;
    private long _forwarded;
    private long _snapshotsSent;
    private long _snapshotsInstalled;

    public long Term => Volatile.Read(ref _term);

    public ulong Leader => (ulong)Volatile.Read(ref _leader);

    public long LeaderChanges => Volatile.Read(ref _leaderChanges);

    public long CommitIndex => Volatile.Read(ref _commitIndex);

    public long AppliedIndex => Volatile.Read(ref _appliedIndex);

    public long Proposals => Volatile.Read(ref _proposals);

    public long Forwarded => Volatile.Read(ref _forwarded);

    /// <summary>Snapshot messages (chunks) this peer sent as leader to followers that needed compacted entries.</summary>
    public long SnapshotsSent => Volatile.Read(ref _snapshotsSent);

    /// <summary>Snapshots this peer installed from a leader.</summary>
    public long SnapshotsInstalled => Volatile.Read(ref _snapshotsInstalled);

    /// <summary>Counts a snapshot chunk sent. Loop only.</summary>
    public void SnapshotSent() => Volatile.Write(ref _snapshotsSent, _snapshotsSent + 1);

    /// <summary>Counts a snapshot installed. Loop only.</summary>
    public void SnapshotInstalled() => Volatile.Write(ref _snapshotsInstalled, _snapshotsInstalled + 1);

    /// <summary>Publishes the node's state after a round, counting a change of leader; the caller is the peer's loop.</summary>
    public void Publish(long term, ulong leader, long commitIndex, long appliedIndex)
    {
        Volatile.Write(ref _term, term);
        Volatile.Write(ref _commitIndex, commitIndex);
        Volatile.Write(ref _appliedIndex, appliedIndex);
        if ((long)leader != _leader)
        {
            Volatile.Write(ref _leaderChanges, _leaderChanges + 1);
            Volatile.Write(ref _leader, (long)leader);
        }
    }

    /// <summary>Counts a proposal taken by the loop, forwarded to the leader or not; the caller is the peer's loop.</summary>
    public void Proposed(bool forwarded)
    {
        Volatile.Write(ref _proposals, _proposals + 1);
        if (forwarded)
        {
            Volatile.Write(ref _forwarded, _forwarded + 1);
        }
    }
}
