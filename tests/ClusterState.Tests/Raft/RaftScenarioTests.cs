using ClusterState.Replication.Raft;

namespace ClusterState.Tests.Raft;

/// <summary>
/// Scenarios in the style of etcd-io/raft's tests: messages are delivered by hand, so each test sets up exactly the
/// interleaving it is about. Some follow the Raft paper's figures step by step.
/// </summary>
public sealed class RaftScenarioTests
{
    [Test]
    public void A_single_node_elects_itself_and_commits_its_own_proposals()
    {
        var c = new Cluster(1);
        c.TickUntilLeader(1);
        var index = c.Propose(1, "x");
        Assert.That(c[1].Log.Committed, Is.EqualTo(index));
        Assert.That(c.Applied(1).Last(), Is.EqualTo("x"));
    }

    [Test]
    public void Three_nodes_elect_one_leader_and_replicate_to_all()
    {
        var c = new Cluster(3);
        c.TickUntilLeader(1);
        Assert.That(c.Nodes.Count(n => n.Role == RaftRole.Leader), Is.EqualTo(1));
        Assert.That(c.Nodes.Select(n => n.Term).Distinct().Single(), Is.EqualTo(1), "pre-vote does not raise terms");
        c.Propose(1, "a");
        c.Propose(1, "b");
        for (var i = 0; i < 3; i++)
        {
            c.Tick(1);
            c.Deliver();
        }

        foreach (var id in new ulong[] { 1, 2, 3 })
        {
            Assert.That(c.Applied(id), Is.EqualTo(new[] { string.Empty, "a", "b" }), $"node {id}");
        }
    }

    [Test]
    public void A_rejoining_partitioned_node_does_not_disrupt_the_leader_thanks_to_pre_vote()
    {
        var c = new Cluster(3);
        c.TickUntilLeader(1);
        c.Isolate(3);
        for (var i = 0; i < 100; i++)
        {
            c.Tick(3);
            c.Tick(1);
            c.Deliver();
        }

        Assert.That(c[3].Term, Is.EqualTo(1), "pre-vote kept the isolated node's term");
        c.Heal();
        c.Tick(1);
        c.Deliver();
        Assert.That(c[1].Role, Is.EqualTo(RaftRole.Leader));
        Assert.That(c[1].Term, Is.EqualTo(1));
        Assert.That(c[3].Leader, Is.EqualTo(1UL));
    }

    [Test]
    public void A_leader_cut_off_from_the_majority_steps_down_with_check_quorum()
    {
        var c = new Cluster(3);
        c.TickUntilLeader(1);
        c.Isolate(1);
        for (var i = 0; i < 25; i++)
        {
            c.Tick(1);
            c.Deliver();
        }

        Assert.That(c[1].Role, Is.EqualTo(RaftRole.Follower));
    }

    [Test]
    public void A_follower_s_conflicting_uncommitted_entries_are_replaced_by_the_leader_s()
    {
        // Node 2 holds entries of term 2 that never committed; node 1 leads term 3 with different ones (§5.3).
        var c = new Cluster(3, logs: new()
        {
            [1] = (new HardState(3, 0, 0), [E(1, 1), E(3, 2), E(3, 3)]),
            [2] = (new HardState(2, 0, 0), [E(1, 1), E(2, 2), E(2, 3), E(2, 4)]),
            [3] = (new HardState(3, 0, 0), [E(1, 1), E(3, 2)]),
        });
        c.TickUntilLeader(1);
        c.Propose(1, "new");
        for (var i = 0; i < 5; i++)
        {
            c.Tick(1);
            c.Deliver();
        }

        Assert.That(Enumerable.Range(1, (int)c[2].Log.LastIndex).Select(i => c[2].Log.Term(i)), Is.EqualTo(Enumerable.Range(1, (int)c[1].Log.LastIndex).Select(i => c[1].Log.Term(i))));
        Assert.That(c[2].Log.Committed, Is.EqualTo(c[1].Log.LastIndex));
    }

    [Test]
    public void A_follower_catching_up_on_large_entries_gets_appends_bounded_in_bytes()
    {
        // 300 entries of 20 KB would make one 5 MB append of 256 entries; a single entry past the cap still goes
        // (alone), or the follower could never catch up.
        var c = new Cluster(3);
        c.TickUntilLeader(1);
        c.Isolate(3);
        var large = new string('x', 20_000);
        for (var i = 0; i < 300; i++)
        {
            c.Propose(1, $"{i}:{large}");
        }

        c.Propose(1, new string('y', 3 << 20));
        c.Sent.Clear();
        c.Heal();
        for (var i = 0; i < 200 && c.Applied(3).Count < 302; i++)
        {
            c.Tick(1);
            c.Deliver();
        }

        Assert.That(c.Applied(3), Has.Count.EqualTo(302), "the follower caught up (the leader's no-op and 301 entries)");
        Assert.That(c.Applied(3), Is.EqualTo(c.Applied(1)));
        var appends = c.Sent.Where(m => m.Type == MessageType.Append && m.To == 3 && m.Entries.Length > 0).ToList();
        Assert.That(appends, Is.Not.Empty);
        foreach (var append in appends)
        {
            var bytes = append.Entries.Sum(e => (long)e.Data.Length);
            Assert.That(append.Entries.Length == 1 || bytes <= 1 << 20, $"an append of {append.Entries.Length} entries carries {bytes} bytes");
        }
    }

    [Test]
    public void Figure_8_an_entry_from_an_earlier_term_is_not_committed_by_counting_replicas()
    {
        // Raft paper, Figure 8 (c): S1 leads term 4 and holds (2, 2), which S2 and S3 then receive too: a majority
        // of five. It must not commit index 2 until an entry of term 4 is on a majority, because S5 (holding (3, 2))
        // could still be elected and overwrite it, as in (d).
        var c = new Cluster(5, maxEntriesPerMessage: 1, logs: new()
        {
            [1] = (new HardState(3, 0, 0), [E(1, 1), E(2, 2)]),
            [2] = (new HardState(3, 0, 0), [E(1, 1)]),
            [3] = (new HardState(3, 0, 0), [E(1, 1)]),
            [4] = (new HardState(3, 0, 0), [E(1, 1)]),
            [5] = (new HardState(3, 0, 0), [E(1, 1), E(3, 2)]),
        });
        c.Isolate(5);
        c.Isolate(4);
        c.TickUntilLeader(1);
        Assert.That(c[1].Term, Is.EqualTo(4));

        // S2 and S3 get (2, 2) and the term-4 no-op, but their acknowledgements of the no-op are lost: S1 knows
        // only that a majority (S1, S2, S3) holds index 2.
        c.Tick(1);
        c.Deliver(m => !(m.Type == MessageType.AppendResponse && !m.Reject && m.Index >= 3));
        Assert.That(new[] { c[2].Log.Term(2), c[3].Log.Term(2) }, Is.EqualTo(new long[] { 2, 2 }));
        Assert.That(c[1].Log.Committed, Is.LessThan(2), "(2, 2) is on a majority but from an older term");

        // Once S1 learns that the term-4 no-op is on a majority (it probes again after a few heartbeats without
        // acknowledgements), both commit together.
        for (var i = 0; i < 10; i++)
        {
            c.Tick(1);
            c.Deliver();
        }

        Assert.That(c[1].Log.Committed, Is.EqualTo(3));
    }

    [Test]
    public void A_candidate_with_a_stale_log_cannot_win_section_5_4_1()
    {
        var c = new Cluster(3, logs: new()
        {
            [1] = (new HardState(2, 0, 0), [E(1, 1)]),
            [2] = (new HardState(2, 0, 0), [E(1, 1), E(2, 2)]),
            [3] = (new HardState(2, 0, 0), [E(1, 1), E(2, 2)]),
        });
        c.Isolate(2);
        c.Isolate(3);
        for (var i = 0; i < 30; i++)
        {
            c.Tick(1);
        }

        c.Heal();
        c.Deliver();
        Assert.That(c[1].Role, Is.Not.EqualTo(RaftRole.Leader), "node 1 lacks (2, 2), which a majority holds");
    }

    [Test]
    public void A_read_index_is_answered_only_after_a_quorum_confirms_the_leader()
    {
        var c = new Cluster(3);
        c.TickUntilLeader(1);
        c.Propose(1, "a");
        for (var i = 0; i < 3; i++)
        {
            c.Tick(1);
            c.Deliver();
        }

        // From the leader: answered at its commit index once a follower echoes the round.
        Assert.That(c.RequestRead(1, 7), Is.True);
        Assert.That(c.ReadStates(1), Is.Empty, "not before a quorum confirmed");
        c.Deliver();
        Assert.That(c.ReadStates(1), Is.EqualTo(new[] { (7UL, c[1].Log.Committed) }));

        // From a follower: forwarded to the leader, answered with the leader's commit index.
        Assert.That(c.RequestRead(3, 8), Is.True);
        c.Deliver();
        Assert.That(c.ReadStates(3), Is.EqualTo(new[] { (8UL, c[1].Log.Committed) }));

        // A leader cut off from the majority never answers: it cannot know nobody else leads.
        c.Isolate(1);
        c.RequestRead(1, 9);
        c.Deliver();
        Assert.That(c.ReadStates(1).Select(r => r.Context), Does.Not.Contain(9UL));
    }

    [Test]
    public void With_lease_reads_the_leader_answers_at_once_without_a_heartbeat_round()
    {
        var c = new Cluster(3, leaseReads: true);
        c.TickUntilLeader(1);
        c.Propose(1, "a");
        for (var i = 0; i < 3; i++)
        {
            c.Tick(1);
            c.Deliver();
        }

        c.Isolate(2);
        c.Isolate(3);
        Assert.That(c.RequestRead(1, 7), Is.True);
        Assert.That(c.ReadStates(1), Is.EqualTo(new[] { (7UL, c[1].Log.Committed) }), "answered from the lease, no follower heard");

        // Once check-quorum notices the lost majority, the leader steps down and answers no more.
        for (var i = 0; i < 25; i++)
        {
            c.Tick(1);
        }

        Assert.That(c[1].Role, Is.Not.EqualTo(RaftRole.Leader));
        Assert.That(c.RequestRead(1, 8), Is.False);
    }

    [Test]
    public void Leadership_transfers_to_an_up_to_date_follower_past_the_lease()
    {
        var c = new Cluster(3);
        c.TickUntilLeader(1);
        c.Propose(1, "a");
        for (var i = 0; i < 3; i++)
        {
            c.Tick(1);
            c.Deliver();
        }

        // Node 3 lags: it misses an entry, so the leader must bring it up to date before handing over.
        c.Isolate(3);
        c.Propose(1, "b");
        c.Heal();
        Assert.That(c[3].Log.LastIndex, Is.LessThan(c[1].Log.LastIndex));

        Assert.That(c.Transfer(1, 3), Is.True);
        Assert.That(c[1].Propose("refused"u8.ToArray()), Is.Zero, "no proposals while leadership is handed over");
        for (var i = 0; i < 5 && c[3].Role != RaftRole.Leader; i++)
        {
            c.Tick(1);
            c.Deliver();
        }

        Assert.That(c[3].Role, Is.EqualTo(RaftRole.Leader), "node 2 granted its vote although it had just heard from node 1");
        Assert.That(c[3].Term, Is.EqualTo(2));
        Assert.That(c[1].Role, Is.EqualTo(RaftRole.Follower));
        c.Propose(3, "c");
        for (var i = 0; i < 3; i++)
        {
            c.Tick(3);
            c.Deliver();
        }

        Assert.That(c.Applied(2).Where(a => a.Length > 0), Is.EqualTo(new[] { "a", "b", "c" }));
    }

    [Test]
    public void A_transfer_that_does_not_complete_is_abandoned_after_an_election_timeout()
    {
        var c = new Cluster(3);
        c.TickUntilLeader(1);
        c.Isolate(3);
        Assert.That(c.Transfer(1, 3), Is.True);
        for (var i = 0; i < 12; i++)
        {
            c.Tick(1);
            c.Deliver();
        }

        Assert.That(c[1].Role, Is.EqualTo(RaftRole.Leader));
        Assert.That(c[1].Propose("accepted again"u8.ToArray()), Is.Not.Zero);
    }

    [Test]
    public void A_leader_sends_appends_before_persisting_them_and_counts_itself_only_once_they_are_stable()
    {
        var c = new Cluster(3);
        c.TickUntilLeader(1);
        var first = c.Propose(1, "first");
        for (var i = 0; i < 3; i++)
        {
            // Heartbeats end the followers' probing (the election's appends were dropped).
            c.Tick(1);
            c.Deliver();
        }

        var leader = c[1];
        Assert.That(leader.Log.Committed, Is.EqualTo(first));
        var index = leader.Propose("x"u8.ToArray());
        var ready = leader.Ready();
        Assert.That(ready.SendBeforePersist, Is.True, "a leader's appends need nothing of this Ready on disk");
        Assert.That(ready.Entries.Select(e => e.Index), Does.Contain(index));

        // Follower 2 writes the entry and acknowledges it while the leader's own write is still under way.
        var follower = c[2];
        follower.Step(ready.Messages.First(m => m.Type == MessageType.Append && m.To == 2));
        var followerReady = follower.Ready();
        Assert.That(followerReady.SendBeforePersist, Is.False, "a follower acknowledges only what it has persisted");
        follower.Advance(followerReady);
        leader.Step(followerReady.Messages.Single(m => m.To == 1));
        Assert.That(leader.Log.Committed, Is.LessThan(index), "one follower and a leader whose copy is not yet stable are no quorum");

        leader.Advance(ready);
        Assert.That(leader.Log.Committed, Is.EqualTo(index), "the leader's copy counts once it is stable");
    }

    [Test]
    public void A_candidate_persists_its_term_and_vote_before_asking_for_votes()
    {
        var c = new Cluster(3);
        var node = c[1];
        Ready? campaign = null;
        for (var i = 0; i < 100 && campaign is null; i++)
        {
            node.Tick();
            while (node.HasReady())
            {
                var ready = node.Ready();
                if (ready.Messages.Any(m => m.Type == MessageType.PreVote))
                {
                    // Pre-votes change no hard state; grant them by hand so that the real campaign starts.
                    node.Advance(ready);
                    foreach (var id in new ulong[] { 2, 3 })
                    {
                        var request = ready.Messages.First(m => m.To == id);
                        c[id].Step(request);
                        var answer = c[id].Ready();
                        c[id].Advance(answer);
                        node.Step(answer.Messages.Single(m => m.To == 1));
                    }

                    continue;
                }

                if (ready.Messages.Any(m => m.Type == MessageType.Vote))
                {
                    campaign = ready;
                    break;
                }

                node.Advance(ready);
            }
        }

        Assert.That(campaign, Is.Not.Null, "node 1 campaigned");
        Assert.That(campaign!.HardState?.Vote, Is.EqualTo(1UL), "its vote for itself is in the same Ready");
        Assert.That(campaign.SendBeforePersist, Is.False, "vote requests wait for the term and vote to be on disk");
    }

    private static LogEntry E(long term, long index) => new(term, index, []);

    /// <summary>Nodes whose messages wait in a queue until a test delivers them.</summary>
    private sealed class Cluster
    {
        private readonly Dictionary<ulong, RaftNode> _nodes = [];
        private readonly Dictionary<ulong, List<string>> _applied = [];
        private readonly List<RaftMessage> _pending = [];
        private readonly HashSet<ulong> _isolated = [];
        private readonly Dictionary<ulong, List<(ulong, long)>> _readStates = [];

        public Cluster(int size, int maxEntriesPerMessage = 256, Dictionary<ulong, (HardState State, LogEntry[] Log)>? logs = null, bool leaseReads = false, int maxBytesPerMessage = 1 << 20)
        {
            var voters = Enumerable.Range(1, size).Select(i => (ulong)i).ToArray();
            foreach (var id in voters)
            {
                var (state, log) = logs?.GetValueOrDefault(id) ?? (default, []);
                _nodes[id] = new RaftNode(
                    new RaftConfig { Id = id, Voters = voters, Random = new Random((int)id), MaxEntriesPerMessage = maxEntriesPerMessage, MaxBytesPerMessage = maxBytesPerMessage, LeaseReads = leaseReads },
                    state,
                    log);
                _applied[id] = [];
            }
        }

        public RaftNode this[ulong id] => _nodes[id];

        /// <summary>Every message the nodes have sent, in order.</summary>
        public List<RaftMessage> Sent { get; } = [];

        public IEnumerable<RaftNode> Nodes => _nodes.Values;

        public List<string> Applied(ulong id) => _applied[id];

        public bool Transfer(ulong id, ulong target)
        {
            var started = _nodes[id].TransferLeadership(target);
            Pump(id);
            Deliver();
            return started;
        }

        public bool RequestRead(ulong id, ulong context)
        {
            var sent = _nodes[id].RequestReadIndex(context);
            Pump(id);
            return sent;
        }

        public List<(ulong Context, long Index)> ReadStates(ulong id) => _readStates.GetValueOrDefault(id) ?? [];

        public void Isolate(ulong id) => _isolated.Add(id);


        /// <summary>Proposes on <paramref name="id"/> and delivers what follows; returns the entry's index.</summary>
        public long Propose(ulong id, string data)
        {
            var index = _nodes[id].Propose(System.Text.Encoding.UTF8.GetBytes(data));
            Pump(id);
            Deliver();
            return index;
        }

        public void Heal() => _isolated.Clear();

        public void Tick(ulong id)
        {
            _nodes[id].Tick();
            Pump(id);
        }

        /// <summary>Ticks <paramref name="id"/> until it campaigns, delivering messages, until it leads.</summary>
        public void TickUntilLeader(ulong id)
        {
            for (var i = 0; i < 100 && _nodes[id].Role != RaftRole.Leader; i++)
            {
                Tick(id);
                Deliver(m => m.Type != MessageType.Append);
            }

            Assert.That(_nodes[id].Role, Is.EqualTo(RaftRole.Leader), $"node {id} did not win");
        }

        /// <summary>Delivers pending messages (and those they cause) that pass <paramref name="filter"/>; drops the rest.</summary>
        public void Deliver(Func<RaftMessage, bool>? filter = null)
        {
            for (var rounds = 0; rounds < 1000 && _pending.Count > 0; rounds++)
            {
                var batch = _pending.ToList();
                _pending.Clear();
                foreach (var message in batch)
                {
                    if (_isolated.Contains(message.From) || _isolated.Contains(message.To) || (filter is not null && !filter(message)))
                    {
                        continue;
                    }

                    _nodes[message.To].Step(message);
                    Pump(message.To);
                }
            }
        }

        private void Pump(ulong id)
        {
            var node = _nodes[id];
            while (node.HasReady())
            {
                var ready = node.Ready();
                _pending.AddRange(ready.Messages);
                Sent.AddRange(ready.Messages);
                _applied[id].AddRange(ready.CommittedEntries.Select(e => System.Text.Encoding.UTF8.GetString(e.Data)));
                if (ready.ReadStates.Count > 0)
                {
                    (_readStates.TryGetValue(id, out var list) ? list : _readStates[id] = []).AddRange(ready.ReadStates);
                }

                node.Advance(ready);
            }
        }
    }
}
