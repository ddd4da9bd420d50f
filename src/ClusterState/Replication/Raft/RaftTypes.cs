namespace ClusterState.Replication.Raft;

/// <summary>The role a Raft node plays.</summary>
internal enum RaftRole
{
    Follower,
    PreCandidate,
    Candidate,
    Leader,
}

/// <summary>The kinds of Raft message.</summary>
internal enum MessageType
{
    /// <summary>"Would you vote for me at Term?", sent without raising the sender's term (pre-vote, thesis 9.6).</summary>
    PreVote,
    PreVoteResponse,
    Vote,
    VoteResponse,

    /// <summary>Entries after (Index, LogTerm), and the leader's commit index; empty entries make a heartbeat.</summary>
    Append,

    /// <summary>Success: Index is the follower's last matching index. Reject: RejectHint is its last index.</summary>
    AppendResponse,

    /// <summary>A proposal forwarded by a follower to its leader: Entries carry the commands (terms and indexes unset).</summary>
    Propose,

    /// <summary>A follower asks its leader for a read index; Context identifies the request.</summary>
    ReadIndex,

    /// <summary>The leader's answer: Index is the read index for the request in Context.</summary>
    ReadIndexResponse,

    /// <summary>Leadership transfer: the leader tells an up-to-date follower to campaign now (thesis §3.10).</summary>
    TimeoutNow,

    /// <summary>
    /// A chunk of the leader's snapshot for a follower that needs compacted entries: the snapshot covers 1..Index
    /// (term LogTerm); Snapshot holds its bytes from ChunkOffset; Done marks the last chunk.
    /// </summary>
    Snapshot,

    /// <summary>A follower's answer to a snapshot chunk that is not the last: ChunkOffset is the next byte it needs.</summary>
    SnapshotResponse,
}

/// <summary>What a log entry carries.</summary>
internal enum EntryType
{
    /// <summary>A command for the host's state machine (empty: the no-op a new leader appends).</summary>
    Normal,

    /// <summary>A new <see cref="Raft.Membership"/> (encoded), in effect once the entry is applied.</summary>
    Membership,
}

/// <summary>One entry of the replicated log.</summary>
/// <param name="Term">The term in which a leader created it.</param>
/// <param name="Index">Its position, from 1.</param>
/// <param name="Data">The command; empty for the no-op a new leader appends.</param>
/// <param name="Type">A command, or a configuration change.</param>
internal readonly record struct LogEntry(long Term, long Index, byte[] Data, EntryType Type = EntryType.Normal);

/// <summary>A snapshot of the host's state machine covering the log up to Index, with the membership in effect there.</summary>
internal sealed record RaftSnapshot(long Index, long Term, Membership Membership, byte[] Data);

/// <summary>What a node must persist before it sends the messages that depend on it.</summary>
internal readonly record struct HardState(long Term, ulong Vote, long Commit);

/// <summary>A message between nodes. Fields are used as <see cref="MessageType"/> describes.</summary>
internal sealed record RaftMessage
{
    public required MessageType Type { get; init; }

    public required ulong From { get; init; }

    public required ulong To { get; init; }

    public required long Term { get; init; }

    /// <summary>Append: the index before the entries. Vote: the candidate's last index. AppendResponse: the match index.</summary>
    public long Index { get; init; }

    /// <summary>Append: the term at <see cref="Index"/>. Vote: the candidate's last term.</summary>
    public long LogTerm { get; init; }

    public LogEntry[] Entries { get; init; } = [];

    /// <summary>Snapshot messages: a chunk of the state machine's snapshot, as the host made it.</summary>
    public byte[]? Snapshot { get; init; }

    /// <summary>Snapshot messages: the membership in effect at the snapshot's index.</summary>
    public Membership? Membership { get; init; }

    /// <summary>Snapshot messages: where the chunk starts. SnapshotResponse: the next byte needed.</summary>
    public long ChunkOffset { get; init; }

    /// <summary>Snapshot messages: the chunk is the last one.</summary>
    public bool Done { get; init; }

    /// <summary>Append: the leader's commit index.</summary>
    public long Commit { get; init; }

    public bool Reject { get; init; }

    /// <summary>AppendResponse with Reject: the follower's last index, so the leader can skip back at once.</summary>
    public long RejectHint { get; init; }

    /// <summary>ReadIndex rounds: the request's context, echoed by heartbeat responses that confirm leadership.</summary>
    public ulong Context { get; init; }

    /// <summary>A vote request of a leadership transfer: voters grant it even within the leader lease.</summary>
    public bool LeaderTransfer { get; init; }
}

/// <summary>
/// What a node asks its host to do, in order: persist <see cref="HardState"/> and <see cref="Entries"/>, send
/// <see cref="Messages"/>, apply <see cref="CommittedEntries"/>, then call <see cref="RaftNode.Advance"/>.
/// </summary>
internal sealed class Ready
{
    /// <summary>The new hard state, when it changed.</summary>
    public HardState? HardState { get; init; }

    /// <summary>Entries to persist; they replace any persisted entries from the first one's index on.</summary>
    public required IReadOnlyList<LogEntry> Entries { get; init; }

    public required IReadOnlyList<RaftMessage> Messages { get; init; }

    /// <summary>Entries committed by the cluster and persisted here, to apply in order.</summary>
    public required IReadOnlyList<LogEntry> CommittedEntries { get; init; }

    /// <summary>A snapshot received from the leader, covering 1..Index: restore the state machine from it before applying <see cref="CommittedEntries"/>.</summary>
    public RaftSnapshot? Snapshot { get; init; }

    /// <summary>Answered read requests: once this node has applied up to Index, a read is linearizable.</summary>
    public IReadOnlyList<(ulong Context, long Index)> ReadStates { get; init; } = [];

    /// <summary>
    /// True when <see cref="Messages"/> depend on nothing this Ready asks to persist, so the host may send them
    /// before (or while) it writes <see cref="Entries"/>: they are a leader's, in a term and with a vote already
    /// persisted. The leader may write its log in parallel with replicating it (Raft thesis §10.2.1) because it
    /// counts itself towards a commit only for entries the host has reported stable through
    /// <see cref="RaftNode.Advance"/>. Otherwise everything must be persisted first.
    /// </summary>
    public bool SendBeforePersist { get; init; }
}

/// <summary>A node's settings. Times are in ticks: the host calls <see cref="RaftNode.Tick"/> at a fixed rate.</summary>
internal sealed class RaftConfig
{
    public required ulong Id { get; init; }

    /// <summary>
    /// The voters the group starts with, this node's included. A node joining a running group starts with none
    /// and learns the membership from the leader (conf change entries and snapshots override this).
    /// </summary>
    public required IReadOnlyList<ulong> Voters { get; init; }

    /// <summary>Ticks without a leader before a follower campaigns; randomized in [ElectionTicks, 2 × ElectionTicks).</summary>
    public int ElectionTicks { get; init; } = 10;

    public int HeartbeatTicks { get; init; } = 1;

    public bool PreVote { get; init; } = true;

    /// <summary>A leader that has not heard from a quorum for an election timeout steps down.</summary>
    public bool CheckQuorum { get; init; } = true;

    /// <summary>
    /// Read indexes are answered by the leader at once from its lease (check-quorum), without a heartbeat round.
    /// Correct only while the nodes' clocks tick at nearly the same rate.
    /// </summary>
    public bool LeaseReads { get; init; }

    /// <summary>Append messages in flight to one follower before the leader waits for acknowledgements.</summary>
    public int MaxInflight { get; init; } = 64;

    /// <summary>The most snapshot bytes per message; larger snapshots go in chunks, one at a time.</summary>
    public int MaxSnapshotChunkBytes { get; init; } = 1 << 20;

    /// <summary>Entries per append message.</summary>
    public int MaxEntriesPerMessage { get; init; } = 256;

    /// <summary>
    /// Entry bytes per append message (an entry larger than this goes alone), so that an append stays far below the
    /// transport's frame limit however large the entries are.
    /// </summary>
    public int MaxBytesPerMessage { get; init; } = 1 << 20;

    /// <summary>The randomness for election timeouts (seed it for deterministic runs).</summary>
    public required Random Random { get; init; }
}
