using System.Threading.Channels;
using ClusterState.Persistence;
using ClusterState.Replication.Raft;
using ClusterState.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterState.Replication;

/// <summary>
/// Hosts one <see cref="RaftNode"/>: a single loop owns the node and the store's state, takes messages, ticks and
/// proposals from a queue, and after each input persists the node's hard state and entries, sends its messages
/// and applies its committed entries to the state, in that order. A write waits until its entry is applied here,
/// which gives the same result as on every other peer; a follower forwards it to the leader.
/// </summary>
internal sealed class RaftPeer : IDisposable
{
    private readonly RaftNode _node;
    private readonly MvccStore _state;
    private readonly RaftOptions _options;
    private readonly CompactionPolicy _compaction;

    /// <summary>Where leader changes, membership changes and snapshot installs are logged.</summary>
    private readonly ILogger _logger;

    /// <summary>Where the peer persists its log (null: in memory only, lost when the process ends).</summary>
    private readonly RaftDiskStorage? _storage;

    /// <summary>The last term this peer logged a campaign in (loop only).</summary>
    private long _campaignTerm;

    /// <summary>Times the fsyncs of this peer's Raft log; null for a peer in memory.</summary>
    public Hosting.DurationRecorder? SyncTimer => _storage?.SyncTimer;

    /// <summary>The snapshot being built off the loop, if any (set and cleared by the loop).</summary>
    private Task<RaftSnapshot>? _snapshotting;

    /// <summary>A snapshot built off the loop, to take at the end of the next pump (loop only).</summary>
    private RaftSnapshot? _snapshotBuilt;

    /// <summary>Strings of decoded entries, shared across versions (used by the loop only).</summary>
    private readonly StringCache _strings = new(65_536);
    private readonly Channel<object> _inputs = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Writes proposed here and not yet applied, by sequence, with their deadlines; touched only by the loop.</summary>
    private readonly Dictionary<ulong, (TaskCompletionSource<TxnResult> Done, long Deadline, TxnRequest Request, byte[] Data)> _waiting = [];

    /// <summary>Compactions proposed here and not yet applied, by sequence; touched only by the loop.</summary>
    private readonly Dictionary<ulong, (TaskCompletionSource Done, long Deadline)> _compacting = [];

    /// <summary>Ticks since the peer started: the clock of write deadlines.</summary>
    private long _ticks;
    /// <summary>Read-index requests sent and not yet answered, by context; touched only by the loop.</summary>
    private readonly Dictionary<ulong, (TaskCompletionSource<long> Done, long Deadline)> _reads = [];

    /// <summary>Answered reads waiting for this peer to apply up to their index; touched only by the loop.</summary>
    private readonly List<(long Index, TaskCompletionSource<long> Done)> _readsApplying = [];
    /// <summary>Inputs handled between two pumps, so that a flood of proposals cannot starve sending.</summary>
    private const int MaxInputsPerRound = 1024;

    private readonly ITimer _ticker;
    private readonly Task _loop;
    /// <summary>
    /// Numbers this peer's proposals; starts at the clock's ticks so that a restarted peer never reuses a sequence of
    /// its previous life (its old entries may still be applied after it restarts).
    /// </summary>
    private long _sequence = DateTime.UtcNow.Ticks;

    /// <summary>
    /// Starts the peer: with <paramref name="storage"/>, from what it persisted (its snapshot restored into
    /// <paramref name="state"/> and the committed entries after it applied before this returns).
    /// </summary>
    public RaftPeer(RaftOptions options, MvccStore state, CompactionPolicy compaction, TimeProvider time, RaftDiskStorage? storage = null, ILogger? logger = null)
    {
        _logger = logger ?? NullLogger.Instance;
        _options = options;
        _state = state;
        _compaction = compaction;
        _storage = storage;
        var persisted = storage?.Load() ?? new RaftDiskStorage.State(default, [], null);
        if (persisted.Snapshot is { } snapshot)
        {
            InstallSnapshot(snapshot.Data);
        }

        _node = new RaftNode(
            new RaftConfig
            {
                Id = options.NodeId, Voters = options.Voters, ElectionTicks = options.ElectionTicks, MaxSnapshotChunkBytes = options.MaxSnapshotChunkBytes,
                MaxBytesPerMessage = options.MaxAppendBytes,
                LeaseReads = options.LeaseReads, Random = new Random(),
            },
            persisted.HardState,
            persisted.Entries,
            persisted.Snapshot);

        // Catch the state up with the entries known committed before the restart, before anyone reads it.
        Pump();
        _membership = _node.Membership;
        options.Transport.Register(options.NodeId, m => _inputs.Writer.TryWrite(m));
        _loop = Task.Run(RunAsync);
        _ticker = time.CreateTimer(static s => ((RaftPeer)s!)._inputs.Writer.TryWrite(Tick.Instance), this, options.TickInterval, options.TickInterval);
    }

    public ulong Id => _options.NodeId;

    /// <summary>What the loop last published about the node (term, leader, indexes, proposals), for metrics.</summary>
    public RaftPeerStats Stats { get; } = new();

    /// <summary>The leader this peer knows (0: none yet).</summary>
    public ulong Leader => Stats.Leader;

    public bool IsLeader => Leader == Id;

    public Task<TxnResult> ProposeAsync(TxnRequest request, CancellationToken cancellationToken)
    {
        var sequence = (ulong)Interlocked.Increment(ref _sequence);
        var done = new TaskCompletionSource<TxnResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_inputs.Writer.TryWrite(new Proposal(sequence, TxnRequestCodec.Encode(Id, sequence, request, _state.Kinds), request, done)))
        {
            return Task.FromException<TxnResult>(Stopped("takes no more writes"));
        }

        // The loop fails writes that outlive their deadline (one sweep per tick, no timer per write); a token that
        // cannot cancel needs no wrapper around the loop's task.
        return cancellationToken.CanBeCanceled ? done.Task.WaitAsync(cancellationToken) : done.Task;
    }

    /// <summary>
    /// Waits until this peer has applied everything committed before the call (a ReadIndex round through the
    /// leader) and returns its revision: reads at it are linearizable.
    /// </summary>
    public async Task<long> ReadIndexAsync(CancellationToken cancellationToken)
    {
        var context = (ulong)Interlocked.Increment(ref _sequence);
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_inputs.Writer.TryWrite(new ReadRequest(context, done)))
        {
            throw Stopped("serves no more requests");
        }

        // The loop fails reads that outlive their deadline, as it does writes.
        return await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks this peer, if it leads, to hand leadership to <paramref name="target"/>; true once the target leads.</summary>
    public async Task<bool> TransferLeadershipAsync(ulong target, CancellationToken cancellationToken)
    {
        _inputs.Writer.TryWrite(new Transfer(target));
        var deadline = DateTime.UtcNow + _options.CommitTimeout;
        while (Leader != target)
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(_options.TickInterval, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>The membership in effect on this peer.</summary>
    public Membership Membership => Volatile.Read(ref _membership);

    private Membership _membership = Membership.Empty;

    /// <summary>
    /// On the leader: changes the membership as <paramref name="change"/> describes and completes once the final
    /// (non-joint) membership is committed.
    /// </summary>
    public async Task ChangeMembershipAsync(MembershipChange change, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_inputs.Writer.TryWrite(new MembershipRequest(change, done)))
        {
            throw Stopped("serves no more requests");
        }

        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Compacts history below <paramref name="revision"/> on every peer, as etcd does: the compaction goes through the
    /// log and is applied in order with the writes; errors (already compacted, future revision) come from applying it.
    /// </summary>
    public async Task CompactAsync(long revision, CancellationToken cancellationToken)
    {
        var sequence = (ulong)Interlocked.Increment(ref _sequence);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_inputs.Writer.TryWrite(new Compaction(sequence, TxnRequestCodec.EncodeCompaction(Id, sequence, revision), done)))
        {
            throw Stopped("serves no more requests");
        }

        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _ticker.Dispose();
        _options.Transport.Unregister(Id);
        _inputs.Writer.TryComplete();
        _loop.Wait(TimeSpan.FromSeconds(10));

        // A snapshot still being written must not write into a directory its owner is about to reuse or delete.
        try
        {
            _snapshotting?.Wait(TimeSpan.FromSeconds(30));
        }
        catch (AggregateException)
        {
            // It failed; there is nothing left to stop.
        }

        _storage?.Dispose();
    }

    private async Task RunAsync()
    {
        Exception? failure = null;
        try
        {
            while (await _inputs.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                // Take everything queued before pumping once: proposals that arrive together share one round of
                // appends and one apply pass.
                for (var taken = 0; taken < MaxInputsPerRound && _inputs.Reader.TryRead(out var input); taken++)
                {
                    Handle(input);
                }

                Pump();
            }
        }
        catch (Exception ex)
        {
            // The loop owns the node and the state; without it the peer can do nothing more.
            failure = ex;
            _failure = ex;
            _inputs.Writer.TryComplete(ex);
        }
        finally
        {
            // Whatever ended the loop (disposal or a fault), nobody is left waiting on it.
            FailPending(failure);
        }
    }

    /// <summary>Why the loop stopped when it failed (an entry this peer cannot apply, such as a kind it was not given); null while it runs or after a disposal.</summary>
    private volatile Exception? _failure;

    /// <summary>Why the loop stopped (an entry it could not apply, a storage failure); null while it runs.</summary>
    public Exception? Failure => _failure;

    private StoreStoppedException Stopped(string what) => _failure is { } failure
        ? new StoreStoppedException($"The Raft peer stopped and {what}: {failure.Message}", failure)
        : new StoreStoppedException($"The store has been disposed and {what}.");

    /// <summary>Fails every write and read still waiting on the loop; called by the loop as it ends.</summary>
    private void FailPending(Exception? failure)
    {
        var message = failure is null ? "The store has been disposed." : $"The Raft peer stopped ({failure.Message}).";
        foreach (var (done, _, _, _) in _waiting.Values)
        {
            done.TrySetException(new StoreStoppedException(message, failure));
        }

        foreach (var (done, _) in _reads.Values)
        {
            done.TrySetException(new StoreStoppedException(message, failure));
        }

        foreach (var (_, done) in _readsApplying)
        {
            done.TrySetException(new StoreStoppedException(message, failure));
        }

        foreach (var (_, done, _) in _membershipWaits)
        {
            done.TrySetException(new StoreStoppedException(message, failure));
        }

        foreach (var (done, _) in _compacting.Values)
        {
            done.TrySetException(new StoreStoppedException(message, failure));
        }

        _compacting.Clear();

        _membershipWaits.Clear();
        _waiting.Clear();
        _reads.Clear();
        _readsApplying.Clear();
    }

    private void Handle(object input)
    {
        switch (input)
        {
            case RaftMessage message:
                _node.Step(message);
                break;
            case Tick:
                _ticks++;
                _node.Tick();
                ExpireWrites();
                break;
            case Proposal proposal:
                if (!_options.ForwardWritesToLeader && _node.Role != RaftRole.Leader)
                {
                    proposal.Done.TrySetException(new NotLeaderException(Id, _node.Leader));
                }
                else if (_node.ProposeOrForward(proposal.Data))
                {
                    Stats.Proposed(forwarded: _node.Role != RaftRole.Leader);
                    _waiting[proposal.Sequence] = (proposal.Done, _ticks + CommitTimeoutTicks, proposal.Request, proposal.Data);
                }
                else
                {
                    proposal.Done.TrySetException(new NoLeaderException("There is no leader to take the write yet (an election is under way); retry."));
                }

                break;
            case ReadRequest read:
                if (_node.RequestReadIndex(read.Context))
                {
                    _reads[read.Context] = (read.Done, _ticks + CommitTimeoutTicks);
                }
                else
                {
                    read.Done.TrySetException(new NoLeaderException("There is no leader to confirm a read yet (an election is under way); retry."));
                }

                break;
            case MembershipRequest request:
                ProposeMembership(request);
                break;
            case Transfer transfer:
                _node.TransferLeadership(transfer.Target);
                break;
            case SnapshotDone done:
                _snapshotting = null;

                // A snapshot that could not be written stops the peer, as any failure of its storage does.
                _snapshotBuilt = done.Snapshot.GetAwaiter().GetResult();
                break;
            case Compaction compaction:
                if (!_options.ForwardWritesToLeader && _node.Role != RaftRole.Leader)
                {
                    compaction.Done.TrySetException(new NotLeaderException(Id, _node.Leader));
                }
                else if (_node.ProposeOrForward(compaction.Data))
                {
                    Stats.Proposed(forwarded: _node.Role != RaftRole.Leader);
                    _compacting[compaction.Sequence] = (compaction.Done, _ticks + CommitTimeoutTicks);
                }
                else
                {
                    compaction.Done.TrySetException(new NoLeaderException("There is no leader to take the compaction yet (an election is under way); retry."));
                }

                break;
        }
    }

    private void Pump()
    {
        while (_node.HasReady())
        {
            var ready = _node.Ready();

            // Persist before sending (a vote or an acknowledgement must survive a crash of this peer), except a
            // leader's appends: followers write them while the leader does.
            if (ready.SendBeforePersist)
            {
                Send(ready.Messages);
            }

            if (ready.Snapshot is { } received)
            {
                _storage?.SaveSnapshot(received, []);
            }

            _storage?.Save(ready.HardState, ready.Entries);
            if (!ready.SendBeforePersist)
            {
                Send(ready.Messages);
            }

            if (ready.Snapshot is { } snapshot)
            {
                using (var activity = Hosting.StoreActivities.Start("clusterstate.raft.snapshot.install", ClusterStateInstrumentation.RaftNodeTag, (long)Id))
                {
                    activity?.SetTag("clusterstate.raft.index", snapshot.Index);
                    InstallSnapshot(snapshot.Data);
                    activity?.SetTag("clusterstate.revision", _state.Revision);
                }

                Stats.SnapshotInstalled();
                Log.SnapshotInstalled(_logger, Id, snapshot.Index, _state.Revision);
            }

            foreach (var entry in ready.CommittedEntries)
            {
                Apply(entry);
            }

            foreach (var (context, index) in ready.ReadStates)
            {
                if (_reads.Remove(context, out var read))
                {
                    _readsApplying.Add((index, read.Done));
                }
            }

            _node.Advance(ready);
            if (_readsApplying.Count > 0)
            {
                CompleteAppliedReads();
            }
        }

        // An election this peer starts: once per term it campaigns in.
        if (_node.Role == RaftRole.Candidate && _node.Term != _campaignTerm)
        {
            _campaignTerm = _node.Term;
            Log.Campaigning(_logger, Id, _node.Term);
        }

        // Logged before it is published, so that whoever sees the new leader finds the line written.
        if (_node.Leader != Stats.Leader)
        {
            Log.LeaderChanged(_logger, Id, _node.Leader, _node.Term);
        }

        Stats.Publish(_node.Term, _node.Leader, _node.Log.Committed, _node.Log.Applied);
        var membership = _node.Membership;
        if (!membership.Equals(_membership))
        {
            Log.MembershipChanged(_logger, Id, membership);
            Volatile.Write(ref _membership, membership);
        }

        if (_membershipWaits.Count > 0 && _node.MembershipCommitted)
        {
            _membershipWaits.RemoveAll(wait =>
            {
                if (!membership.Equals(wait.Target))
                {
                    return false;
                }

                wait.Done.TrySetResult();
                return true;
            });
        }

        CompactLogIfDue();
    }

    /// <summary>Answers the reads whose index this peer has now applied.</summary>
    private void CompleteAppliedReads() => _readsApplying.RemoveAll(read =>
    {
        if (read.Index > _node.Log.Applied)
        {
            return false;
        }

        read.Done.TrySetResult(_state.Revision);
        return true;
    });

    private void Send(IReadOnlyList<RaftMessage> messages)
    {
        foreach (var message in messages)
        {
            if (message.Type == MessageType.Snapshot)
            {
                Stats.SnapshotSent();
            }

            _options.Transport.Send(message);
        }
    }

    /// <summary>Messages from this peer its transport dropped.</summary>
    public long DroppedMessages => _options.Transport.DroppedFrom(Id);

    /// <summary>Entries in this peer's Raft log (bounded by snapshots).</summary>
    public long LogEntries => Volatile.Read(ref _logEntries);

    private long _logEntries;

    /// <summary>
    /// Every <see cref="RaftOptions.SnapshotEntries"/> applied entries, snapshots the state and drops the Raft log up
    /// to the applied index. The loop only captures the objects at the current revision (references to immutable
    /// records, which reflect every applied entry); encoding them and writing the file happen off the loop, so a
    /// large state does not hold up heartbeats, acknowledgements and writes. The finished snapshot comes back as an
    /// input and is taken here, at the end of a pump, when everything the node asked to persist is persisted.
    /// </summary>
    private void CompactLogIfDue()
    {
        var log = _node.Log;
        if (_snapshotBuilt is { } built)
        {
            _snapshotBuilt = null;
            if (built.Index > log.SnapshotIndex)
            {
                _node.Compact(built.Index, built.Data);
                _storage?.RollOver(built.Index, built.Term, log.Slice(built.Index + 1, int.MaxValue));
            }
            else
            {
                // A newer snapshot (installed from the leader) made this one useless.
                _storage?.DeleteSnapshotFile(built.Index);
            }
        }

        if (_snapshotting is null && log.Applied - log.SnapshotIndex >= _options.SnapshotEntries)
        {
            var revision = _state.Revision;
            var image = _state.CaptureAt(revision);
            var index = log.Applied;
            var term = log.Term(index);
            var membership = _node.MembershipAt(index);
            var storage = _storage;
            var id = (long)Id;
            _snapshotting = Task.Run(() =>
            {
                using var activity = Hosting.StoreActivities.Start("clusterstate.raft.snapshot.write", ClusterStateInstrumentation.RaftNodeTag, id);
                activity?.SetTag("clusterstate.raft.index", index);
                activity?.SetTag("clusterstate.revision", revision);
                using var buffer = new MemoryStream();
                SnapshotFile.WriteAsync(buffer, image, _state.Kinds, DateTimeOffset.UnixEpoch, CancellationToken.None).GetAwaiter().GetResult();
                var snapshot = new RaftSnapshot(index, term, membership, buffer.ToArray());
                storage?.WriteSnapshotFile(snapshot);
                return snapshot;
            });
            _snapshotting.ContinueWith(static (task, state) => ((RaftPeer)state!)._inputs.Writer.TryWrite(new SnapshotDone(task)), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        Volatile.Write(ref _logEntries, log.LastIndex - log.SnapshotIndex);
    }

    /// <summary>Catches the state up from the leader's snapshot (a follower that fell behind the leader's log).</summary>
    private void InstallSnapshot(byte[] data)
    {
        _state.InstallSnapshot(SnapshotFile.Read(data, _state.Kinds, "raft snapshot").Image);
    }

    private void Apply(LogEntry entry)
    {
        if (entry.Data.Length == 0 || entry.Type != EntryType.Normal)
        {
            // A leader's no-op, or a membership change (the node applies those itself).
            return;
        }

        // The peer that proposed the write still holds the request: when the entry's bytes are the ones it
        // proposed, skip decoding them.
        var (origin, sequence) = TxnRequestCodec.ReadOrigin(entry.Data, "a raft log entry");
        if (TxnRequestCodec.IsCompaction(entry.Data))
        {
            ApplyCompaction(origin, sequence, TxnRequestCodec.DecodeCompaction(entry.Data, "a raft log entry"));
            return;
        }

        TxnRequest request;
        if (origin == Id && _waiting.TryGetValue(sequence, out var proposed)
            && (ReferenceEquals(proposed.Data, entry.Data) || proposed.Data.AsSpan().SequenceEqual(entry.Data)))
        {
            request = proposed.Request;
        }
        else
        {
            (_, _, request) = TxnRequestCodec.Decode(entry.Data, _state.Kinds, "a raft log entry", _strings);
        }

        TxnResult? result = null;
        Exception? error = null;
        try
        {
            result = _state.Apply(request);
            _compaction.CompactIfDue(_state);
        }
        catch (ClusterStateException ex)
        {
            // The same request fails the same way on every peer: nothing changed anywhere.
            error = ex;
        }

        if (origin == Id && _waiting.Remove(sequence, out var waiting))
        {
            var done = waiting.Done;
            if (error is null)
            {
                done.TrySetResult(result!);
            }
            else
            {
                done.TrySetException(error);
            }
        }
    }

    /// <summary>Compacts the state as every peer does at this point of the log; reports the outcome to the peer that asked.</summary>
    private void ApplyCompaction(ulong origin, ulong sequence, long revision)
    {
        Exception? error = null;
        try
        {
            _compaction.Compact(_state, revision);
        }
        catch (ClusterStateException ex)
        {
            // Already compacted, or a future revision: the same on every peer, and nothing changed.
            error = ex;
        }

        if (origin == Id && _compacting.Remove(sequence, out var waiting))
        {
            if (error is null)
            {
                waiting.Done.TrySetResult();
            }
            else
            {
                waiting.Done.TrySetException(error);
            }
        }
    }

    /// <summary>Membership changes proposed here, waiting for their final membership to be in effect; touched only by the loop.</summary>
    private readonly List<(Membership Target, TaskCompletionSource Done, long Deadline)> _membershipWaits = [];

    /// <summary>The share of the leader's log a learner must hold before it can be promoted to voter (etcd's rule).</summary>
    private const double PromotableShare = 0.9;

    private void ProposeMembership(MembershipRequest request)
    {
        var (change, done) = (request.Change, request.Done);
        if (_node.Role != RaftRole.Leader)
        {
            done.TrySetException(new NotLeaderException(Id, _node.Leader));
            return;
        }

        var current = _node.Membership;
        var voters = current.Voters.ToHashSet();
        var learners = current.Learners.ToHashSet();
        var node = change.NodeId;
        switch (change.Kind)
        {
            case MembershipChangeKind.AddLearner when voters.Contains(node):
                done.TrySetException(new InvalidOperationException($"Node {node} is a voter: a voter cannot become a learner."));
                return;
            case MembershipChangeKind.AddLearner:
                learners.Add(node);
                break;
            case MembershipChangeKind.AddVoter when learners.Contains(node) && _node.MatchOf(node) < _node.Log.LastIndex * PromotableShare:
                done.TrySetException(new InvalidOperationException(
                    $"Learner {node} is not in sync with the leader yet (it holds the log up to {_node.MatchOf(node)} of {_node.Log.LastIndex}); retry once it has caught up."));
                return;
            case MembershipChangeKind.AddVoter:
                learners.Remove(node);
                voters.Add(node);
                break;
            case MembershipChangeKind.Remove when !voters.Contains(node) && !learners.Contains(node):
                done.TrySetException(new InvalidOperationException($"Node {node} is not a member."));
                return;
            case MembershipChangeKind.Remove when voters.Count == 1 && voters.Contains(node):
                done.TrySetException(new InvalidOperationException($"Node {node} is the last voter."));
                return;
            case MembershipChangeKind.Remove:
                voters.Remove(node);
                learners.Remove(node);
                break;
        }

        var target = new Membership(voters, [], learners);
        if (target.Equals(current))
        {
            done.TrySetResult();
            return;
        }

        if (_node.ProposeMembership(voters, learners) == 0)
        {
            done.TrySetException(new StoreUnavailableException("Another membership change is in progress (or leadership is moving); retry once it completes."));
            return;
        }

        _membershipWaits.Add((target, done, _ticks + CommitTimeoutTicks));
    }

    private long CommitTimeoutTicks => Math.Max(1, (long)Math.Ceiling(_options.CommitTimeout / _options.TickInterval));

    /// <summary>
    /// Fails writes (and reads) whose deadline passed: lost with a leader change, or stuck without a quorum. Their outcome is
    /// unknown (a write cut off from the majority may still commit later), and they leave the table, so lost
    /// proposals cannot pile up.
    /// </summary>
    private void ExpireWrites()
    {
        List<ulong>? expired = null;
        foreach (var (sequence, (done, deadline, _, _)) in _waiting)
        {
            if (deadline <= _ticks)
            {
                (expired ??= []).Add(sequence);
                done.TrySetException(new CommitOutcomeUnknownException(
                    $"The write was not committed within {_options.CommitTimeout} (leader: {(Leader == 0 ? "none" : Leader)}); it may still commit later.",
                    new TimeoutException()));
            }
        }

        expired?.ForEach(sequence => _waiting.Remove(sequence));

        List<ulong>? expiredReads = null;
        foreach (var (context, (done, deadline)) in _reads)
        {
            if (deadline <= _ticks)
            {
                (expiredReads ??= []).Add(context);
                done.TrySetException(new NoLeaderException($"No leader confirmed a read index within {_options.CommitTimeout} (leader: {(Leader == 0 ? "none" : Leader)})."));
            }
        }

        expiredReads?.ForEach(context => _reads.Remove(context));

        foreach (var sequence in _compacting.Where(c => c.Value.Deadline <= _ticks).Select(c => c.Key).ToList())
        {
            _compacting.Remove(sequence, out var expiredCompaction);
            expiredCompaction.Done.TrySetException(new CommitOutcomeUnknownException($"The compaction was not committed within {_options.CommitTimeout}; it may still happen later.", new TimeoutException()));
        }

        _membershipWaits.RemoveAll(wait =>
        {
            if (wait.Deadline > _ticks)
            {
                return false;
            }

            wait.Done.TrySetException(new CommitOutcomeUnknownException($"The membership change did not complete within {_options.CommitTimeout}; it may still complete later.", new TimeoutException()));
            return true;
        });
    }

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }

    private sealed record Proposal(ulong Sequence, byte[] Data, TxnRequest Request, TaskCompletionSource<TxnResult> Done);

    private sealed record Compaction(ulong Sequence, byte[] Data, TaskCompletionSource Done);

    private sealed record ReadRequest(ulong Context, TaskCompletionSource<long> Done);

    private sealed record Transfer(ulong Target);

    private sealed record SnapshotDone(Task<RaftSnapshot> Snapshot);

    private sealed record MembershipRequest(MembershipChange Change, TaskCompletionSource Done);
}
