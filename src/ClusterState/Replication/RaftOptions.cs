namespace ClusterState;

/// <summary>
/// Makes a store one peer of a Raft group: writes are ordered through the group's replicated log and applied on
/// every peer; every peer serves reads and watches. Set as <see cref="ClusterStoreOptions.Raft"/>.
/// </summary>
public sealed class RaftOptions
{
    /// <summary>This peer's id (non-zero, unique in the group).</summary>
    public required ulong NodeId { get; init; }

    /// <summary>
    /// The voters the group starts with, this peer's id included; the same on every founding peer. A peer that
    /// joins a running group (see <see cref="ClusterStore.AddLearnerAsync"/>) starts with none and learns the
    /// membership from the leader. Membership changes, once applied, override this.
    /// </summary>
    public required IReadOnlyList<ulong> Voters { get; init; }

    /// <summary>How this peer reaches the others: an <see cref="InMemoryRaftNetwork"/> shared by peers in one process, or this process's <see cref="TcpRaftTransport"/>.</summary>
    public required RaftTransport Transport { get; init; }

    /// <summary>The Raft clock's tick. Default: 50 ms.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Ticks without a leader before a peer campaigns (randomized up to twice this). Default: 10.</summary>
    public int ElectionTicks { get; init; } = 10;

    /// <summary>
    /// True (the default): a write on a follower is forwarded to the leader. False: it fails at once with
    /// <see cref="NotLeaderException"/> naming the leader, for callers that route writes themselves.
    /// </summary>
    public bool ForwardWritesToLeader { get; init; } = true;

    /// <summary>
    /// The peer snapshots its state and drops its Raft log up to the snapshot every this many applied entries;
    /// followers that fall further behind catch up from the leader's snapshot. Default: 10,000.
    /// </summary>
    public int SnapshotEntries { get; init; } = 10_000;

    /// <summary>The most snapshot bytes per message: a larger snapshot goes to a lagging follower in chunks. Default: 1 MiB.</summary>
    public int MaxSnapshotChunkBytes { get; init; } = 1 << 20;

    /// <summary>
    /// The most entry bytes the leader sends a follower in one append message (an entry larger than this goes alone).
    /// Keeps a follower that is catching up on large transactions within the transport's frame limit. Default: 1 MiB.
    /// </summary>
    public int MaxAppendBytes { get; init; } = 1 << 20;

    /// <summary>
    /// False (the default): <see cref="ClusterStore.SyncAsync"/> confirms leadership with a round of heartbeats to
    /// a quorum (ReadIndex). True: the leader answers from its lease (it steps down within an election timeout of
    /// losing the majority, and voters refuse other candidates within that timeout), saving the round trip; correct
    /// only while the peers' clocks run at nearly the same rate (etcd's lease-based reads make the same assumption).
    /// </summary>
    public bool LeaseReads { get; init; }

    /// <summary>How long a write waits to be committed before it fails with <see cref="CommitOutcomeUnknownException"/> (it may still commit). Default: 10 s.</summary>
    public TimeSpan CommitTimeout { get; init; } = TimeSpan.FromSeconds(10);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfZero(NodeId, nameof(NodeId));
        ArgumentNullException.ThrowIfNull(Voters, nameof(Voters));
        if (Voters.Count > 0 && !Voters.Contains(NodeId))
        {
            throw new ArgumentException($"Voters must include this peer's id {NodeId}, or be empty for a peer joining a running group.", nameof(Voters));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(TickInterval, TimeSpan.Zero, nameof(TickInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(ElectionTicks, 2, nameof(ElectionTicks));
        ArgumentOutOfRangeException.ThrowIfLessThan(SnapshotEntries, 1, nameof(SnapshotEntries));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSnapshotChunkBytes, 1, nameof(MaxSnapshotChunkBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAppendBytes, 1, nameof(MaxAppendBytes));
    }
}
