namespace ClusterState.Replication.Raft;

/// <summary>
/// What a leader knows of one follower's log (etcd-io/raft's <c>Progress</c>). In probe state it sends one append
/// at a time until it finds where the logs match; in replicate state it pipelines appends, at most
/// <see cref="RaftConfig.MaxInflight"/> unacknowledged at once (flow control).
/// </summary>
internal sealed class Progress
{
    /// <summary>The highest index known to match the leader's log.</summary>
    public long Match { get; set; }

    /// <summary>The next index to send.</summary>
    public long Next { get; set; }

    public bool Probing { get; set; } = true;

    /// <summary>In probe state: an append is out and unanswered; wait for the answer or the next heartbeat.</summary>
    public bool ProbeSent { get; set; }

    /// <summary>The last index of each unacknowledged append in replicate state, oldest first.</summary>
    public Queue<long> Inflight { get; } = new();

    /// <summary>Heartbeat rounds in a row in which <see cref="Match"/> did not move while appends were in flight.</summary>
    public int StalledRounds { get; set; }

    /// <summary><see cref="Match"/> at the previous heartbeat round.</summary>
    public long MatchAtLastRound { get; set; }

    /// <summary>Snapshot bytes the follower has acknowledged, for the snapshot at <see cref="SnapshotIndex"/>.</summary>
    public long SnapshotOffset { get; set; }

    /// <summary>The index of the snapshot being sent (0: none).</summary>
    public long SnapshotIndex { get; set; }

    /// <summary>Heard from since the last check-quorum round.</summary>
    public bool RecentActive { get; set; }

    public void BecomeProbe(long next)
    {
        Probing = true;
        ProbeSent = false;
        StalledRounds = 0;
        Inflight.Clear();
        Next = Math.Max(Match + 1, next);
    }

    public void BecomeReplicate()
    {
        Probing = false;
        Inflight.Clear();
        Next = Match + 1;
    }

    /// <summary>Frees the in-flight slots an acknowledgement up to <paramref name="index"/> covers.</summary>
    public void Acknowledge(long index)
    {
        while (Inflight.Count > 0 && Inflight.Peek() <= index)
        {
            Inflight.Dequeue();
        }
    }
}
