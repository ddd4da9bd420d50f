using System.Buffers;
using System.Diagnostics;

namespace ClusterState.Replication.Raft;

/// <summary>
/// The Raft consensus core as a deterministic state machine, after etcd-io/raft: no threads, no I/O, no clock.
/// The host feeds it <see cref="Tick"/>, <see cref="Step"/> (messages) and <see cref="Propose"/>, then takes a
/// <see cref="Ready"/>, persists its hard state and entries, sends its messages, applies its committed entries, and
/// calls <see cref="Advance"/>. It implements leader election with randomized timeouts, pre-vote and
/// check-quorum, and log replication with probing, pipelining and flow control; an entry commits when a quorum
/// holds it and it is from the leader's current term (§5.4.2). It knows nothing of what the entries mean.
/// </summary>
[DebuggerDisplay("{Id} {Role} term={Term} last={Log.LastIndex} commit={Log.Committed}")]
internal sealed class RaftNode
{
    private readonly RaftConfig _config;
    private readonly Dictionary<ulong, Progress> _progress = [];
    private readonly Dictionary<ulong, bool> _votes = [];
    private readonly List<RaftMessage> _outbox = [];

    /// <summary>Leader: read requests waiting for a quorum to confirm leadership, oldest first.</summary>
    private readonly List<PendingRead> _reads = [];

    /// <summary>Leader: requests that arrived before the leader committed an entry of its term.</summary>
    private readonly List<(ulong Context, ulong From)> _readsBeforeFirstCommit = [];
    private readonly List<(ulong Context, long Index)> _readStates = [];
    private HardState _persistedHardState;

    /// <summary>Leader: entries were proposed since the last Ready; they go out together in one round of appends.</summary>
    private bool _broadcastPending;

    /// <summary>Leader: the node leadership is being handed to (0: none), and ticks since the transfer began.</summary>
    private ulong _transferee;
    private int _transferElapsed;
    private int _electionElapsed;
    private int _heartbeatElapsed;
    private int _randomizedElectionTimeout;

    /// <summary>The host's latest snapshot (covering 1..Log.SnapshotIndex), sent to followers that need compacted entries.</summary>
    private byte[]? _snapshot;

    /// <summary>Follower: the chunks of an incoming snapshot received so far (for the snapshot at <see cref="_incomingIndex"/>).</summary>
    private ArrayBufferWriter<byte>? _incoming;
    private long _incomingIndex;

    /// <summary>A snapshot received from the leader and not yet handed to the host.</summary>
    private RaftSnapshot? _pendingSnapshot;

    /// <summary>The membership in effect at the snapshot's index (sent with it), or the founding voters.</summary>
    private Membership _snapshotMembership;

    /// <summary>The decoded membership of the entry at <see cref="_cachedMembershipIndex"/>.</summary>
    private Membership? _cachedMembership;
    private long _cachedMembershipIndex;

    /// <summary>
    /// Restarts a node from what it persisted (an empty state for a new node), after its snapshot if it has one.
    /// The membership is the snapshot's, or the configured voters; membership entries change it as they are applied.
    /// </summary>
    public RaftNode(RaftConfig config, HardState state, IEnumerable<LogEntry> entries, RaftSnapshot? snapshot = null)
    {
        _config = config;
        Log = new RaftLog(entries, state.Commit, snapshot?.Index ?? 0, snapshot?.Term ?? 0);
        _snapshot = snapshot?.Data;
        _snapshotMembership = snapshot?.Membership ?? (config.Voters.Contains(config.Id) ? new Membership(config.Voters, [], []) : Membership.Empty);
        Term = state.Term;
        Vote = state.Vote;
        _persistedHardState = state;
        BecomeFollower(Term, 0);
    }

    public ulong Id => _config.Id;

    public long Term { get; private set; }

    /// <summary>Who this node voted for in <see cref="Term"/> (0: nobody).</summary>
    public ulong Vote { get; private set; }

    public RaftRole Role { get; private set; }

    /// <summary>The leader this node follows (0: unknown).</summary>
    public ulong Leader { get; private set; }

    public RaftLog Log { get; }

    /// <summary>
    /// The membership in effect: that of the last membership entry in the log, committed or not (thesis §4.1: a
    /// server uses the latest configuration in its log), else the snapshot's, else the founding voters.
    /// </summary>
    public Membership Membership => MembershipAt(Log.LastIndex);

    /// <summary>True when the entry that set <see cref="Membership"/> is committed.</summary>
    public bool MembershipCommitted => Log.LastMembershipIndex <= Log.Committed;

    /// <summary>The membership in effect at <paramref name="index"/> (an index this node's log still holds or its snapshot covers).</summary>
    public Membership MembershipAt(long index)
    {
        var at = Log.MembershipIndexAtOrBefore(index);
        if (at == 0)
        {
            return _snapshotMembership;
        }

        if (at != _cachedMembershipIndex || _cachedMembership is null)
        {
            _cachedMembership = Membership.Decode(Log.EntryAt(at).Data);
            _cachedMembershipIndex = at;
        }

        return _cachedMembership;
    }

    /// <summary>Heartbeat rounds without progress before a pipelined follower is probed again.</summary>
    private int StallRounds => Math.Max(2, _config.ElectionTicks / (2 * _config.HeartbeatTicks));

    /// <summary>Advances the clock by one tick: heartbeats on a leader, election timeouts elsewhere.</summary>
    public void Tick()
    {
        _electionElapsed++;
        if (Role != RaftRole.Leader)
        {
            if (_electionElapsed >= _randomizedElectionTimeout && Promotable())
            {
                _electionElapsed = 0;
                Campaign();
            }

            return;
        }

        if (_transferee != 0 && ++_transferElapsed >= _config.ElectionTicks)
        {
            // The transferee did not take over within an election timeout: keep leading.
            _transferee = 0;
        }

        if (_electionElapsed >= _config.ElectionTicks)
        {
            _electionElapsed = 0;
            if (_config.CheckQuorum && !QuorumActive())
            {
                BecomeFollower(Term, 0);
                return;
            }
        }

        if (++_heartbeatElapsed >= _config.HeartbeatTicks)
        {
            _heartbeatElapsed = 0;
            foreach (var peer in Peers())
            {
                SendHeartbeat(peer);
            }
        }
    }

    /// <summary>Appends a command to the log if this node leads; returns its index, or 0 when it does not lead.</summary>
    public long Propose(byte[] data)
    {
        if (Role != RaftRole.Leader || _transferee != 0 || !Membership.IsVoter(Id))
        {
            // During a transfer the leader takes no new entries: the transferee must catch up and take over. A leader
            // removed from the voters takes none either: it only sees its removal committed, then steps down.
            return 0;
        }

        return Append(data, EntryType.Normal);
    }

    /// <summary>
    /// Proposes a change of membership to <paramref name="voters"/> and <paramref name="learners"/> on the leader.
    /// A change of voters goes through a joint configuration (old and new majorities both needed), left
    /// automatically once committed; a change of learners alone takes effect directly. A membership takes effect
    /// as soon as its entry is in a log. Returns the entry's index, or 0 when this node does not lead, the previous
    /// change is not committed yet, or the change is not allowed (a voter must not become a learner in one step;
    /// there must be a voter).
    /// </summary>
    public long ProposeMembership(IReadOnlyCollection<ulong> voters, IReadOnlyCollection<ulong> learners)
    {
        if (Role != RaftRole.Leader || _transferee != 0 || !MembershipCommitted || !Membership.IsVoter(Id) || Membership.IsJoint
            || voters.Count == 0 || voters.Intersect(learners).Any() || learners.Any(Membership.Voters.Contains))
        {
            return 0;
        }

        var next = voters.ToHashSet().SetEquals(Membership.Voters)
            ? new Membership(voters, [], learners)
            : Membership.EnterJoint(voters, learners);
        if (next.Equals(Membership))
        {
            return 0;
        }

        return AppendMembership(next);
    }

    /// <summary>Leader: appends a membership entry; it is in effect at once, so replication follows it.</summary>
    private long AppendMembership(Membership next)
    {
        var index = Append(next.Encode(), EntryType.Membership);
        foreach (var gone in _progress.Keys.Where(id => !next.Nodes.Contains(id) && id != Id).ToList())
        {
            _progress.Remove(gone);
        }

        foreach (var node in next.Nodes.Where(id => !_progress.ContainsKey(id)))
        {
            _progress[node] = new Progress { Next = Log.LastIndex, Match = 0, RecentActive = true };
        }

        if (_transferee != 0 && !next.Voters.Contains(_transferee))
        {
            _transferee = 0;
        }

        return index;
    }

    /// <summary>The match index the leader knows for <paramref name="node"/> (0 when it does not lead or does not know it).</summary>
    public long MatchOf(ulong node) => node == Id ? Log.LastIndex : Role == RaftRole.Leader && _progress.TryGetValue(node, out var p) ? p.Match : 0;

    private long Append(byte[] data, EntryType type)
    {
        var entry = new LogEntry(Term, Log.LastIndex + 1, data, type);
        Log.Append(entry);

        // Batching: proposals made before the host takes the next Ready share its append messages.
        _broadcastPending = true;
        return entry.Index;
    }

    /// <summary>
    /// Proposes a command from any node: the leader appends it, a follower forwards it to the leader it knows.
    /// Returns false when there is no leader to take it (the caller retries later).
    /// </summary>
    public bool ProposeOrForward(byte[] data)
    {
        if (Role == RaftRole.Leader)
        {
            return Propose(data) != 0;
        }

        if (Leader == 0)
        {
            return false;
        }

        Send(new RaftMessage { Type = MessageType.Propose, From = Id, To = Leader, Term = Term, Entries = [new LogEntry(0, 0, data)] });
        return true;
    }

    /// <summary>
    /// Asks for a read index (Raft thesis §6.4): the answer arrives as a <see cref="Ready.ReadStates"/> entry with
    /// <paramref name="context"/> once the leader has confirmed with a quorum that it still leads. Returns false
    /// when there is no leader to ask.
    /// </summary>
    public bool RequestReadIndex(ulong context)
    {
        if (Role == RaftRole.Leader)
        {
            ReadOnLeader(context, Id);
            return true;
        }

        if (Leader == 0)
        {
            return false;
        }

        Send(new RaftMessage { Type = MessageType.ReadIndex, From = Id, To = Leader, Term = Term, Context = context });
        return true;
    }

    /// <summary>
    /// Drops log entries up to <paramref name="index"/> (applied by the host), which the host captured in
    /// <paramref name="snapshot"/>: followers that need them get the snapshot instead.
    /// </summary>
    public void Compact(long index, byte[] snapshot)
    {
        if (index <= Log.SnapshotIndex || index > Log.Applied)
        {
            return;
        }

        var membership = MembershipAt(index);
        Log.CompactTo(index);
        _snapshot = snapshot;
        _snapshotMembership = membership;
    }

    /// <summary>The membership at the snapshot's index (the host persists it with the snapshot).</summary>
    public Membership SnapshotMembership => _snapshotMembership;

    /// <summary>
    /// Hands leadership to <paramref name="target"/> (thesis §3.10): stop taking proposals, bring the target's log up
    /// to date, then tell it to campaign at once. Abandoned after an election timeout. Only a leader can transfer.
    /// </summary>
    public bool TransferLeadership(ulong target)
    {
        if (Role != RaftRole.Leader || target == Id || !Membership.Voters.Contains(target))
        {
            return false;
        }

        _transferee = target;
        _transferElapsed = 0;
        if (_progress[target].Match == Log.LastIndex)
        {
            Send(new RaftMessage { Type = MessageType.TimeoutNow, From = Id, To = target, Term = Term });
        }
        else
        {
            SendAppend(target);
        }

        return true;
    }

    /// <summary>Handles a message from another node.</summary>
    public void Step(RaftMessage m)
    {
        if (m.To != Id)
        {
            return;
        }

        if (m.Type == MessageType.ReadIndex)
        {
            if (Role == RaftRole.Leader)
            {
                ReadOnLeader(m.Context, m.From);
            }

            return;
        }

        if (m.Type == MessageType.ReadIndexResponse)
        {
            _readStates.Add((m.Context, m.Index));
            return;
        }

        if (m.Type == MessageType.Propose)
        {
            // Forwarded proposals carry no term of their own: take them if leading, pass them on once otherwise.
            foreach (var entry in m.Entries)
            {
                if (Role == RaftRole.Leader)
                {
                    Propose(entry.Data);
                }
                else if (Leader != 0 && Leader != m.From)
                {
                    Send(m with { From = Id, To = Leader, Term = Term });
                }
            }

            return;
        }

        if (m.Term > Term)
        {
            if (m.Type is MessageType.PreVote or MessageType.Vote)
            {
                // A node that heard from a leader within the election timeout ignores campaigns (check-quorum lease):
                // a partitioned node rejoining cannot depose a healthy leader.
                var inLease = _config.CheckQuorum && Leader != 0 && _electionElapsed < _config.ElectionTicks && !m.LeaderTransfer;
                if (inLease)
                {
                    return;
                }
            }

            var keepTerm = m.Type == MessageType.PreVote || (m.Type == MessageType.PreVoteResponse && !m.Reject);
            if (!keepTerm)
            {
                BecomeFollower(m.Term, m.Type is MessageType.Append or MessageType.Snapshot ? m.From : 0);
            }
        }
        else if (m.Term < Term)
        {
            if (m.Type is MessageType.Append or MessageType.Snapshot)
            {
                // Tell a stale leader about the newer term so that it steps down.
                Send(new RaftMessage { Type = MessageType.AppendResponse, From = Id, To = m.From, Term = Term, Reject = true, RejectHint = Log.LastIndex });
            }
            else if (m.Type == MessageType.PreVote)
            {
                Send(new RaftMessage { Type = MessageType.PreVoteResponse, From = Id, To = m.From, Term = Term, Reject = true });
            }

            return;
        }

        switch (m.Type)
        {
            case MessageType.PreVote:
            case MessageType.Vote:
                HandleVoteRequest(m);
                return;
            case MessageType.Append:
            case MessageType.Snapshot:
                if (Role != RaftRole.Leader)
                {
                    if (Role != RaftRole.Follower)
                    {
                        BecomeFollower(Term, m.From);
                    }

                    Leader = m.From;
                    _electionElapsed = 0;
                    if (m.Type == MessageType.Append)
                    {
                        HandleAppend(m);
                    }
                    else
                    {
                        HandleSnapshot(m);
                    }
                }

                return;
            case MessageType.AppendResponse:
                if (Role == RaftRole.Leader)
                {
                    HandleAppendResponse(m);
                }

                return;
            case MessageType.SnapshotResponse:
                if (Role == RaftRole.Leader && _progress.TryGetValue(m.From, out var sending) && sending.SnapshotIndex == m.Index)
                {
                    sending.RecentActive = true;
                    sending.SnapshotOffset = m.ChunkOffset;
                    sending.ProbeSent = false;
                    SendAppend(m.From);
                }

                return;
            case MessageType.TimeoutNow when Role == RaftRole.Follower && Membership.IsVoter(Id):
                // Told by the leader to take over: campaign at once, without pre-vote, past the voters' lease.
                BecomeCandidate();
                RequestVotes(MessageType.Vote, Term, leaderTransfer: true);
                return;
            case MessageType.PreVoteResponse when Role == RaftRole.PreCandidate:
            case MessageType.VoteResponse when Role == RaftRole.Candidate:
                HandleVoteResponse(m);
                return;
        }
    }

    /// <summary>True when there is something for the host to do.</summary>
    public bool HasReady() =>
        _broadcastPending || _pendingSnapshot is not null || _outbox.Count > 0 || _readStates.Count > 0 || CurrentHardState() != _persistedHardState || Log.Stabled < Log.LastIndex || Math.Min(Log.Committed, Log.Stabled) > Log.Applied;

    /// <summary>Takes what the host must persist, send and apply.</summary>
    public Ready Ready()
    {
        if (_broadcastPending)
        {
            _broadcastPending = false;
            if (Role == RaftRole.Leader)
            {
                BroadcastAppend();
            }
        }

        var hardState = CurrentHardState();
        var ready = new Ready
        {
            HardState = hardState != _persistedHardState ? hardState : null,
            Entries = Log.Unstable(),
            Messages = [.. _outbox],
            CommittedEntries = Log.NextToApply(),
            ReadStates = [.. _readStates],
            Snapshot = _pendingSnapshot,
            SendBeforePersist = Role == RaftRole.Leader && _pendingSnapshot is null && hardState.Term == _persistedHardState.Term && hardState.Vote == _persistedHardState.Vote,
        };
        _pendingSnapshot = null;
        _outbox.Clear();
        _readStates.Clear();
        return ready;
    }

    /// <summary>Acknowledges that the host persisted, sent and applied a <see cref="Ready"/>.</summary>
    public void Advance(Ready ready)
    {
        if (ready.Snapshot is { } snapshot)
        {
            Log.AppliedTo(snapshot.Index);
        }

        if (ready.HardState is { } hardState)
        {
            _persistedHardState = hardState;
        }

        if (ready.Entries.Count > 0)
        {
            var last = ready.Entries[^1];
            Log.StableTo(last.Index, last.Term);
            if (Role == RaftRole.Leader)
            {
                MaybeCommit();
            }
        }

        if (ready.CommittedEntries.Count > 0)
        {
            Log.AppliedTo(ready.CommittedEntries[^1].Index);
        }
    }

    private HardState CurrentHardState() => new(Term, Vote, Log.Committed);

    /// <summary>
    /// Whether this node may campaign: a voter of its latest membership; or a node that membership removes, while
    /// it does not know the removal committed — its log may hold entries the remaining voters need to elect
    /// anyone (their joint configuration may still count its vote), so it must be able to lead long enough to
    /// commit the removal. Learners and nodes that have not joined never campaign.
    /// </summary>
    private bool Promotable()
    {
        var membership = Membership;
        return membership.IsVoter(Id) || (!membership.Learners.Contains(Id) && membership.Voters.Count > 0 && !MembershipCommitted);
    }

    /// <summary>Every other node the leader replicates to: voters (both halves of a joint configuration) and learners.</summary>
    private IEnumerable<ulong> Peers() => Membership.Nodes.Where(v => v != Id);

    private IEnumerable<ulong> OtherVoters() => Membership.Nodes.Where(v => v != Id && Membership.IsVoter(v));

    private void Campaign()
    {
        if (_config.PreVote)
        {
            BecomePreCandidate();
            RequestVotes(MessageType.PreVote, Term + 1);
        }
        else
        {
            BecomeCandidate();
            RequestVotes(MessageType.Vote, Term);
        }
    }

    private void RequestVotes(MessageType type, long term, bool leaderTransfer = false)
    {
        if (Membership.HasQuorum(Granted))
        {
            // A single voter wins at once.
            OnVotesWon(type);
            return;
        }

        foreach (var peer in OtherVoters())
        {
            Send(new RaftMessage { Type = type, From = Id, To = peer, Term = term, Index = Log.LastIndex, LogTerm = Log.LastTerm, LeaderTransfer = leaderTransfer });
        }
    }

    private void HandleVoteRequest(RaftMessage m)
    {
        // Vote again for the same candidate (a retransmission), or for anyone when free; a pre-vote for a later
        // term may be granted whatever this node's vote, since it changes nothing.
        var canVote = Vote == m.From || (Vote == 0 && Leader == 0) || (m.Type == MessageType.PreVote && m.Term > Term);
        var responseType = m.Type == MessageType.PreVote ? MessageType.PreVoteResponse : MessageType.VoteResponse;
        if (canVote && Log.IsUpToDate(m.Index, m.LogTerm))
        {
            Send(new RaftMessage { Type = responseType, From = Id, To = m.From, Term = m.Term });
            if (m.Type == MessageType.Vote)
            {
                _electionElapsed = 0;
                Vote = m.From;
            }
        }
        else
        {
            Send(new RaftMessage { Type = responseType, From = Id, To = m.From, Term = Term, Reject = true });
        }
    }

    private void HandleVoteResponse(RaftMessage m)
    {
        _votes.TryAdd(m.From, !m.Reject);
        if (Membership.HasQuorum(Granted))
        {
            OnVotesWon(m.Type == MessageType.PreVoteResponse ? MessageType.PreVote : MessageType.Vote);
        }
        else if (Membership.QuorumLost(id => _votes.TryGetValue(id, out var granted) && !granted))
        {
            BecomeFollower(Term, 0);
        }
    }

    private void OnVotesWon(MessageType round)
    {
        if (round == MessageType.PreVote)
        {
            BecomeCandidate();
            RequestVotes(MessageType.Vote, Term);
        }
        else
        {
            BecomeLeader();
        }
    }

    private bool Granted(ulong id) => _votes.TryGetValue(id, out var granted) && granted;

    private void HandleAppend(RaftMessage m)
    {
        if (m.Index < Log.Committed)
        {
            // Everything up to our commit index matches any leader's log: acknowledge that much.
            Send(new RaftMessage { Type = MessageType.AppendResponse, From = Id, To = m.From, Term = Term, Index = Log.Committed });
            return;
        }

        if (!Log.MatchTerm(m.Index, m.LogTerm))
        {
            Send(new RaftMessage
            {
                Type = MessageType.AppendResponse, From = Id, To = m.From, Term = Term, Index = m.Index, Reject = true,
                RejectHint = Math.Min(m.Index - 1, Log.LastIndex),
            });
            return;
        }

        var last = Log.MergeAfter(m.Index, m.Entries);
        Log.CommitTo(Math.Min(m.Commit, last));
        Send(new RaftMessage { Type = MessageType.AppendResponse, From = Id, To = m.From, Term = Term, Index = last, Context = m.Context });
    }

    private void HandleSnapshot(RaftMessage m)
    {
        if (m.Index <= Log.Committed)
        {
            _incoming = null;
            Send(new RaftMessage { Type = MessageType.AppendResponse, From = Id, To = m.From, Term = Term, Index = Log.Committed });
            return;
        }

        // Gather the chunks in order; a chunk out of place (lost, repeated or reordered) is answered with the offset
        // this node needs next, and the leader resumes from there.
        if (m.ChunkOffset == 0)
        {
            _incoming = new ArrayBufferWriter<byte>();
            _incomingIndex = m.Index;
        }

        if (_incoming is null || _incomingIndex != m.Index || m.ChunkOffset != _incoming.WrittenCount)
        {
            var next = _incoming is not null && _incomingIndex == m.Index ? _incoming.WrittenCount : 0;
            Send(new RaftMessage { Type = MessageType.SnapshotResponse, From = Id, To = m.From, Term = Term, Index = m.Index, ChunkOffset = next });
            return;
        }

        _incoming.Write(m.Snapshot ?? []);
        if (!m.Done)
        {
            Send(new RaftMessage { Type = MessageType.SnapshotResponse, From = Id, To = m.From, Term = Term, Index = m.Index, ChunkOffset = _incoming.WrittenCount });
            return;
        }

        var data = _incoming.WrittenSpan.ToArray();
        _incoming = null;
        m = m with { Snapshot = data };

        if (Log.MatchTerm(m.Index, m.LogTerm))
        {
            // The log already holds the snapshot's last entry: everything up to it is committed, keep the rest.
            Log.CommitTo(m.Index);
        }
        else
        {
            Log.RestoreSnapshot(m.Index, m.LogTerm);
            _snapshot = m.Snapshot;
            _snapshotMembership = m.Membership ?? _snapshotMembership;
            _pendingSnapshot = new RaftSnapshot(m.Index, m.LogTerm, _snapshotMembership, m.Snapshot ?? []);
        }

        Send(new RaftMessage { Type = MessageType.AppendResponse, From = Id, To = m.From, Term = Term, Index = m.Index });
    }

    private void HandleAppendResponse(RaftMessage m)
    {
        if (!_progress.TryGetValue(m.From, out var progress))
        {
            return;
        }

        progress.RecentActive = true;
        if (m.Context != 0)
        {
            ConfirmReads(m.Context, m.From);
        }

        if (m.Reject)
        {
            // Step back, at once to the follower's last index when it is behind.
            progress.BecomeProbe(Math.Max(1, Math.Min(m.RejectHint + 1, progress.Next - 1)));
            SendAppend(m.From);
            return;
        }

        progress.Acknowledge(m.Index);
        if (m.From == _transferee && m.Index >= Log.LastIndex && m.Index > progress.Match)
        {
            Send(new RaftMessage { Type = MessageType.TimeoutNow, From = Id, To = m.From, Term = Term });
        }

        if (m.Index > progress.Match)
        {
            progress.Match = m.Index;
            progress.Next = Math.Max(progress.Next, m.Index + 1);
            if (progress.Probing)
            {
                progress.BecomeReplicate();
            }

            MaybeCommit();
            if (Role != RaftRole.Leader || !_progress.ContainsKey(m.From))
            {
                // Its own removal committed (it no longer leads), or the follower's (it gets no more entries).
                return;
            }
        }
        else if (progress.Probing)
        {
            progress.ProbeSent = false;
        }

        while (progress.Next <= Log.LastIndex && CanSend(progress))
        {
            SendAppend(m.From);
        }
    }

    private bool CanSend(Progress progress) =>
        progress.Probing ? !progress.ProbeSent : progress.Inflight.Count < _config.MaxInflight;

    private void SendAppend(ulong to)
    {
        var progress = _progress[to];
        if (!CanSend(progress))
        {
            return;
        }

        if (progress.Next <= Log.SnapshotIndex)
        {
            // The entries the follower needs are compacted: send the snapshot, a chunk at a time, each waiting for its
            // answer in probe state.
            var snapshot = _snapshot ?? [];
            if (progress.SnapshotIndex != Log.SnapshotIndex)
            {
                progress.SnapshotIndex = Log.SnapshotIndex;
                progress.SnapshotOffset = 0;
            }

            var offset = Math.Min(progress.SnapshotOffset, snapshot.Length);
            var length = (int)Math.Min(_config.MaxSnapshotChunkBytes, snapshot.Length - offset);
            progress.BecomeProbe(progress.Next);
            progress.ProbeSent = true;
            Send(new RaftMessage
            {
                Type = MessageType.Snapshot, From = Id, To = to, Term = Term, Index = Log.SnapshotIndex, LogTerm = Log.SnapshotTerm,
                Snapshot = snapshot.AsSpan((int)offset, length).ToArray(), ChunkOffset = offset, Done = offset + length >= snapshot.Length,
                Membership = _snapshotMembership,
            });
            return;
        }

        var prev = progress.Next - 1;
        var entries = Log.Slice(progress.Next, _config.MaxEntriesPerMessage, _config.MaxBytesPerMessage);
        Send(new RaftMessage
        {
            Type = MessageType.Append, From = Id, To = to, Term = Term, Index = prev, LogTerm = Log.Term(prev), Entries = entries, Commit = Log.Committed,
        });
        if (progress.Probing)
        {
            progress.ProbeSent = true;
        }
        else if (entries.Length > 0)
        {
            progress.Next = entries[^1].Index + 1;
            progress.Inflight.Enqueue(entries[^1].Index);
        }
    }

    /// <summary>An empty append at the follower's known match: keeps leadership, carries the commit index, never conflicts.</summary>
    private void SendHeartbeat(ulong to)
    {
        var progress = _progress[to];
        if (progress.Probing)
        {
            // A probe that got no answer is retried at heartbeat pace.
            progress.ProbeSent = false;
            SendAppend(to);
            return;
        }

        // Appends in flight whose acknowledgements never come (lost on the way) would stall the follower for good:
        // after a few rounds without progress, fall back to probing from what is known to match.
        progress.StalledRounds = progress.Inflight.Count > 0 && progress.Match == progress.MatchAtLastRound ? progress.StalledRounds + 1 : 0;
        progress.MatchAtLastRound = progress.Match;
        if (progress.StalledRounds >= StallRounds)
        {
            progress.BecomeProbe(progress.Match + 1);
            SendAppend(to);
            return;
        }

        // (A match below the snapshot has no known term: the follower rejects, and the probe that follows sends it
        // the snapshot.)
        Send(new RaftMessage
        {
            Type = MessageType.Append, From = Id, To = to, Term = Term, Index = progress.Match, LogTerm = Log.Term(progress.Match),
            Commit = Math.Min(Log.Committed, progress.Match),
        });
        if (progress.Next <= Log.LastIndex)
        {
            SendAppend(to);
        }
    }

    private void BroadcastAppend()
    {
        foreach (var peer in Peers())
        {
            SendAppend(peer);
        }
    }

    /// <summary>Each voter's match index as the leader knows it (one delegate for the node's life).</summary>
    private Func<ulong, long>? _matchOf;

    private void MaybeCommit()
    {
        var quorumIndex = Membership.CommittedIndex(_matchOf ??= v => v == Id ? Log.Stabled : _progress.TryGetValue(v, out var p) ? p.Match : 0);

        // Only an entry of the current term commits by counting replicas (§5.4.2); earlier ones commit with it.
        if (quorumIndex > Log.Committed && Log.Term(quorumIndex) == Term)
        {
            Log.CommitTo(quorumIndex);
            BroadcastAppend();
            if (MembershipCommitted)
            {
                if (!Membership.IsVoter(Id))
                {
                    // Its removal is committed (and every follower hears so with the appends just sent): the voters
                    // that remain elect a leader among themselves (thesis §4.2.2).
                    BecomeFollower(Term, 0);
                    return;
                }

                if (Membership.IsJoint)
                {
                    // The joint configuration is committed: move on to the new one alone.
                    AppendMembership(Membership.LeaveJoint());
                }
            }

            if (_readsBeforeFirstCommit.Count > 0)
            {
                var waiting = _readsBeforeFirstCommit.ToList();
                _readsBeforeFirstCommit.Clear();
                foreach (var (context, from) in waiting)
                {
                    ReadOnLeader(context, from);
                }
            }
        }
    }

    private bool QuorumActive()
    {
        var active = _progress.Where(p => p.Key == Id || p.Value.RecentActive).Select(p => p.Key).ToHashSet();
        active.Add(Id);
        foreach (var progress in _progress.Values)
        {
            progress.RecentActive = false;
        }

        return Membership.HasQuorum(active.Contains);
    }

    /// <summary>
    /// Records a read at the current commit index and starts a heartbeat round tagged with its context; the read
    /// is answered when a quorum echoes the context. A leader that has not yet committed an entry of its term does
    /// not know the latest commit index, so the read waits for that first commit.
    /// </summary>
    private void ReadOnLeader(ulong context, ulong from)
    {
        if (Log.Term(Log.Committed) != Term)
        {
            _readsBeforeFirstCommit.Add((context, from));
            return;
        }

        if (_config.LeaseReads && _config.CheckQuorum)
        {
            // Lease-based (etcd's ReadOnlyLeaseBased): check-quorum makes this leader step down within an election
            // timeout of losing the majority, and voters grant no vote within that timeout of hearing from it, so no
            // other leader can exist yet — provided the nodes' clocks tick at nearly the same rate.
            AnswerRead(context, from, Log.Committed);
            return;
        }

        var read = new PendingRead(context, from, Log.Committed);
        read.Acks.Add(Id);
        _reads.Add(read);
        if (Membership.HasQuorum(id => id == Id))
        {
            ConfirmReads(context, Id);
            return;
        }

        foreach (var peer in Peers())
        {
            var progress = _progress[peer];
            Send(new RaftMessage
            {
                Type = MessageType.Append, From = Id, To = peer, Term = Term, Index = progress.Match, LogTerm = Log.Term(progress.Match),
                Commit = Math.Min(Log.Committed, progress.Match), Context = context,
            });
        }
    }

    /// <summary>Counts <paramref name="from"/>'s confirmation of the round for <paramref name="context"/>; releases every read up to it once a quorum confirmed.</summary>
    private void ConfirmReads(ulong context, ulong from)
    {
        var at = _reads.FindIndex(r => r.Context == context);
        if (at < 0)
        {
            return;
        }

        _reads[at].Acks.Add(from);
        if (!Membership.HasQuorum(_reads[at].Acks.Contains))
        {
            return;
        }

        // A quorum confirmed leadership after every read up to this one was recorded: answer them all.
        foreach (var read in _reads.Take(at + 1))
        {
            AnswerRead(read.Context, read.From, read.Index);
        }

        _reads.RemoveRange(0, at + 1);
    }

    private void AnswerRead(ulong context, ulong from, long index)
    {
        if (from == Id)
        {
            _readStates.Add((context, index));
        }
        else
        {
            Send(new RaftMessage { Type = MessageType.ReadIndexResponse, From = Id, To = from, Term = Term, Context = context, Index = index });
        }
    }

    private void BecomeFollower(long term, ulong leader)
    {
        _transferee = 0;
        _reads.Clear();
        _readsBeforeFirstCommit.Clear();
        if (term != Term)
        {
            Term = term;
            Vote = 0;
        }

        Role = RaftRole.Follower;
        Leader = leader;
        ResetTimers();
    }

    private void BecomePreCandidate()
    {
        Role = RaftRole.PreCandidate;
        Leader = 0;
        _votes.Clear();
        _votes[Id] = true;
    }

    private void BecomeCandidate()
    {
        Term++;
        Vote = Id;
        Role = RaftRole.Candidate;
        Leader = 0;
        _votes.Clear();
        _votes[Id] = true;
        ResetTimers();
    }

    private void BecomeLeader()
    {
        _transferee = 0;
        Role = RaftRole.Leader;
        Leader = Id;
        ResetTimers();
        _progress.Clear();
        foreach (var node in Membership.Nodes)
        {
            _progress[node] = new Progress { Next = Log.LastIndex + 1, Match = 0 };
        }


        // A no-op of the new term lets earlier entries commit as soon as it does (§5.4.2, §8).
        Log.Append(new LogEntry(Term, Log.LastIndex + 1, []));
        BroadcastAppend();
    }

    private void ResetTimers()
    {
        _electionElapsed = 0;
        _heartbeatElapsed = 0;
        _randomizedElectionTimeout = _config.ElectionTicks + _config.Random.Next(_config.ElectionTicks);
    }

    private void Send(RaftMessage message) => _outbox.Add(message);

    /// <summary>A read waiting for leadership to be confirmed: the leader itself counts as the first acknowledgement.</summary>
    private sealed class PendingRead(ulong context, ulong from, long index)
    {
        public ulong Context { get; } = context;

        public ulong From { get; } = from;

        public long Index { get; } = index;

        public HashSet<ulong> Acks { get; } = [];
    }
}
