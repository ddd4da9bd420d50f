using ClusterState.Replication.Raft;

namespace ClusterState.Tests.Raft;

/// <summary>
/// A deterministic simulation of a Raft cluster: seeded randomness, virtual time in ticks, a network that drops,
/// delays, duplicates and reorders messages and can be partitioned, and nodes that crash and restart from what
/// they persisted. After every step it checks Raft's safety properties and throws
/// <see cref="SafetyViolation"/> naming the seed.
/// </summary>
internal sealed class RaftSimulation
{
    private readonly Random _random;
    private readonly Node[] _nodes;
    private readonly PriorityQueue<RaftMessage, (long Time, long Order)> _network = new();
    private readonly HashSet<(ulong, ulong)> _cut = [];
    private readonly Dictionary<long, ulong> _leaders = [];
    private readonly List<(LogEntry Entry, long LeaderTermFloor)> _committed = [];
    private readonly Dictionary<long, LogEntry[]> _snapshots = [];
    private long _now;
    private long _order;
    private int _proposals;

    /// <summary>
    /// A cluster whose first <paramref name="size"/> nodes are the founding voters; nodes up to
    /// <paramref name="pool"/> start outside the group and can be added by membership changes.
    /// </summary>
    public RaftSimulation(int seed, int size, int? pool = null)
    {
        Seed = seed;
        _random = new Random(seed);
        var voters = Enumerable.Range(1, size).Select(i => (ulong)i).ToArray();
        _nodes = [.. Enumerable.Range(1, pool ?? size).Select(i => new Node((ulong)i, i <= size ? voters : [], seed))];
    }

    /// <summary>The share of ticks at which the leader proposes a random membership change (0: never).</summary>
    public double MembershipChangeRate { get; set; }

    /// <summary>Membership changes that were applied by their leader.</summary>
    public int MembershipChangesApplied { get; private set; }

    public int Seed { get; }

    public double DropRate { get; set; } = 0.05;

    public double DuplicateRate { get; set; } = 0.02;

    public int MaxDelay { get; set; } = 3;

    /// <summary>The share of a leader's Ready at which it crashes after sending its appends, before persisting them.</summary>
    public double CrashBeforePersistRate { get; set; } = 0.002;

    /// <summary>How many times a leader crashed between sending its appends and persisting them.</summary>
    public int CrashesBeforePersist { get; private set; }

    /// <summary>How many snapshots leaders sent that followers restored from.</summary>
    public int SnapshotsInstalled { get; private set; }

    /// <summary>A node compacts its log once it has applied this many entries past its last snapshot (0: never).</summary>
    public int CompactEvery { get; set; }

    public IReadOnlyList<(LogEntry Entry, long LeaderTermFloor)> Committed => _committed;

    /// <summary>Runs <paramref name="ticks"/> ticks with random faults: partitions, crashes, restarts, proposals.</summary>
    public void RunChaos(int ticks)
    {
        for (var t = 0; t < ticks; t++)
        {
            var roll = _random.NextDouble();
            if (roll < 0.01)
            {
                Partition();
            }
            else if (roll < 0.02)
            {
                _cut.Clear();
            }
            else if (roll < 0.025)
            {
                Crash(_nodes[_random.Next(_nodes.Length)]);
            }
            else if (roll < 0.04)
            {
                foreach (var node in _nodes.Where(n => !n.Up))
                {
                    Restart(node);
                }
            }

            if (_random.NextDouble() < 0.3)
            {
                ProposeAnywhere();
            }

            if (_random.NextDouble() < MembershipChangeRate)
            {
                ChangeMembership();
            }

            Step();
        }
    }

    /// <summary>Heals every fault, then checks that a leader emerges and a new proposal commits on every node.</summary>
    public void CheckProgressAfterHealing(int maxTicks = 400)
    {
        _cut.Clear();
        DropRate = 0;
        DuplicateRate = 0;
        CrashBeforePersistRate = 0;
        foreach (var node in _nodes.Where(n => !n.Up))
        {
            Restart(node);
        }

        var proposed = -1L;
        byte[]? marker = null;
        for (var t = 0; t < maxTicks; t++)
        {
            Step();
            var leader = _nodes.FirstOrDefault(n => n.Raft.Role == RaftRole.Leader && !_nodes.Any(o => o.Raft.Term > n.Raft.Term));

            // Like a client, propose again when the leader changed and the proposal was lost with the old one.
            if (leader is not null && (marker is null || Lost(leader.Raft.Log, proposed, marker)))
            {
                marker = Data($"final{t}");
                proposed = leader.Raft.Propose(marker);
                Pump(leader);
            }

            // Every member of the leader's configuration (removed nodes are out of the group) applies it.
            if (marker is not null && leader is not null && !leader.Raft.Membership.IsJoint
                && _nodes.Where(n => leader.Raft.Membership.Nodes.Contains(n.Id)).All(n => n.Applied.Any(e => e.Data.AsSpan().SequenceEqual(marker))))
            {
                return;
            }
        }

        throw new SafetyViolation(Seed, $"no progress within {maxTicks} ticks after healing (proposed at {proposed}): {Describe()}");
    }

    /// <summary>True when the leader refused the proposal (0: mid-transfer), or its log no longer holds it (compacted means committed: not lost).</summary>
    private static bool Lost(RaftLog log, long index, byte[] data) =>
        index == 0 || index > log.SnapshotIndex && (index > log.LastIndex || !log.Slice(index, 1)[0].Data.AsSpan().SequenceEqual(data));

    private void Step()
    {
        _now++;
        foreach (var node in _nodes.Where(n => n.Up))
        {
            node.Raft.Tick();
            Pump(node);
        }

        while (_network.TryPeek(out _, out var when) && when.Time <= _now)
        {
            var message = _network.Dequeue();
            var target = _nodes[(int)message.To - 1];
            if (target.Up)
            {
                target.Raft.Step(message);
                Pump(target);
            }
        }

        CheckSafety();
    }

    private void Pump(Node node)
    {
        while (node.Raft.HasReady())
        {
            var ready = node.Raft.Ready();
            if (ready.SendBeforePersist)
            {
                // A leader sends its appends while it writes them (as RaftPeer does); it may crash in between,
                // losing entries that followers already have.
                foreach (var message in ready.Messages)
                {
                    Send(message);
                }

                if (_random.NextDouble() < CrashBeforePersistRate)
                {
                    CrashesBeforePersist++;
                    Crash(node);
                    return;
                }
            }

            if (ready.HardState is { } hardState)
            {
                node.HardState = hardState;
            }

            if (ready.Snapshot is { } snapshot)
            {
                // Restore the state machine from the leader's snapshot: it must agree with what was applied here.
                SnapshotsInstalled++;
                node.Snapshot = snapshot;
                node.Persisted.RemoveAll(e => e.Index <= snapshot.Index);
                var entries = _snapshots[BitConverter.ToInt64(snapshot.Data)];
                for (var i = node.Applied.Count; i < entries.Length; i++)
                {
                    Apply(node, entries[i]);
                }
            }

            if (ready.Entries.Count > 0)
            {
                var first = ready.Entries[0].Index;
                node.Persisted.RemoveAll(e => e.Index >= first);
                node.Persisted.AddRange(ready.Entries);
            }

            if (!ready.SendBeforePersist)
            {
                foreach (var message in ready.Messages)
                {
                    Send(message);
                }
            }

            foreach (var entry in ready.CommittedEntries)
            {
                Apply(node, entry);
                if (entry.Type == EntryType.Membership && node.Raft.Role == RaftRole.Leader)
                {
                    MembershipChangesApplied++;
                }
            }

            node.Raft.Advance(ready);
        }

        var log = node.Raft.Log;
        if (CompactEvery > 0 && log.Applied - log.SnapshotIndex >= CompactEvery)
        {
            var id = _snapshots.Count + 1L;
            _snapshots[id] = [.. node.Applied.Take((int)log.Applied)];
            var data = BitConverter.GetBytes(id);
            var term = log.Term(log.Applied);
            node.Raft.Compact(log.Applied, data);
            node.Snapshot = new RaftSnapshot(log.SnapshotIndex, term, node.Raft.SnapshotMembership, data);
            node.Persisted.RemoveAll(e => e.Index <= log.SnapshotIndex);
        }
    }

    private void Send(RaftMessage message)
    {
        if (_cut.Contains((message.From, message.To)) || _random.NextDouble() < DropRate)
        {
            return;
        }

        _network.Enqueue(message, (_now + _random.Next(1, MaxDelay + 1), _order++));
        if (_random.NextDouble() < DuplicateRate)
        {
            _network.Enqueue(message, (_now + _random.Next(1, MaxDelay + 1), _order++));
        }
    }

    private void Apply(Node node, LogEntry entry)
    {
        if (entry.Index != node.Applied.Count + 1)
        {
            throw new SafetyViolation(Seed, $"node {node.Id} applied index {entry.Index} after {node.Applied.Count}");
        }

        node.Applied.Add(entry);
        if (entry.Index <= _committed.Count)
        {
            var known = _committed[(int)entry.Index - 1].Entry;
            if (known.Term != entry.Term || !known.Data.AsSpan().SequenceEqual(entry.Data))
            {
                throw new SafetyViolation(Seed, $"state machine safety: node {node.Id} applied ({entry.Term}, {entry.Index}) where another applied ({known.Term}, {known.Index})");
            }
        }
        else
        {
            // Any leader of a term at or above every term that exists now must hold this entry.
            _committed.Add((entry, _nodes.Max(n => n.Raft.Term)));
        }
    }

    private void CheckSafety()
    {
        foreach (var node in _nodes.Where(n => n.Up && n.Raft.Role == RaftRole.Leader))
        {
            // Election safety: at most one leader per term.
            if (_leaders.TryGetValue(node.Raft.Term, out var other) && other != node.Id)
            {
                throw new SafetyViolation(Seed, $"election safety: nodes {other} and {node.Id} both lead term {node.Raft.Term}");
            }

            _leaders[node.Raft.Term] = node.Id;

            // Leader completeness.
            foreach (var (entry, floor) in _committed)
            {
                // An entry inside the leader's snapshot is committed there by construction.
                if (node.Raft.Term >= floor && !node.Raft.Log.IsCompacted(entry.Index) && node.Raft.Log.Term(entry.Index) != entry.Term)
                {
                    throw new SafetyViolation(Seed, $"leader completeness: leader {node.Id} of term {node.Raft.Term} lacks committed ({entry.Term}, {entry.Index})");
                }
            }
        }

        if (_now % 10 != 0)
        {
            return;
        }

        // Log matching: where two logs hold an entry of the same index and term, they agree up to it.
        for (var a = 0; a < _nodes.Length; a++)
        {
            for (var b = a + 1; b < _nodes.Length; b++)
            {
                var la = _nodes[a].Raft.Log;
                var lb = _nodes[b].Raft.Log;
                var last = Math.Min(la.LastIndex, lb.LastIndex);
                var floor = Math.Max(la.SnapshotIndex, lb.SnapshotIndex);
                var agreeFrom = 0L;
                for (var i = last; i > floor; i--)
                {
                    if (la.Term(i) == lb.Term(i))
                    {
                        agreeFrom = i;
                        break;
                    }
                }

                for (var i = floor + 1; i <= agreeFrom; i++)
                {
                    if (la.Term(i) != lb.Term(i))
                    {
                        throw new SafetyViolation(Seed, $"log matching: nodes {_nodes[a].Id} and {_nodes[b].Id} agree at {agreeFrom} but differ at {i}");
                    }
                }
            }
        }
    }

    /// <summary>The leader proposes adding, promoting or removing a random node of the pool.</summary>
    private void ChangeMembership()
    {
        var leader = _nodes.FirstOrDefault(n => n.Up && n.Raft.Role == RaftRole.Leader);
        if (leader is null)
        {
            return;
        }

        var current = leader.Raft.Membership;
        var voters = current.Voters.ToHashSet();
        var learners = current.Learners.ToHashSet();
        var node = _nodes[_random.Next(_nodes.Length)].Id;
        if (voters.Contains(node))
        {
            if (voters.Count == 1)
            {
                return;
            }

            voters.Remove(node);
        }
        else if (learners.Remove(node))
        {
            if (_random.Next(3) > 0)
            {
                voters.Add(node);
            }
        }
        else if (_random.Next(2) == 0)
        {
            learners.Add(node);
        }
        else
        {
            voters.Add(node);
        }

        if (leader.Raft.ProposeMembership(voters, learners) > 0)
        {
            _membershipProposals++;
        }

        Pump(leader);
    }

    private int _membershipProposals;

    /// <summary>Membership changes leaders proposed.</summary>
    public int MembershipProposals => _membershipProposals;

    private void ProposeAnywhere()
    {
        var leader = _nodes.FirstOrDefault(n => n.Up && n.Raft.Role == RaftRole.Leader);
        if (leader is not null)
        {
            leader.Raft.Propose(Data($"p{_proposals++}"));
            Pump(leader);
        }
    }

    private void Partition()
    {
        _cut.Clear();
        var isolated = _nodes[_random.Next(_nodes.Length)].Id;
        foreach (var node in _nodes.Where(n => n.Id != isolated))
        {
            _cut.Add((isolated, node.Id));
            _cut.Add((node.Id, isolated));
        }
    }

    private static void Crash(Node node)
    {
        node.Up = false;
    }

    private void Restart(Node node)
    {
        node.Up = true;
        node.Applied.Clear();
        if (node.Snapshot is { } snapshot)
        {
            node.Applied.AddRange(_snapshots[BitConverter.ToInt64(snapshot.Data)]);
        }

        node.Raft = node.NewRaft();
    }

    private byte[] Data(string text) => System.Text.Encoding.UTF8.GetBytes($"{Seed}:{text}");

    private string Describe() => string.Join("; ", _nodes.Select(n => $"{n.Id}:{(n.Up ? n.Raft.Role.ToString() : "down")} t{n.Raft.Term} last{n.Raft.Log.LastIndex} c{n.Raft.Log.Committed} a{n.Raft.Log.Applied} {n.Raft.Membership}"));

    private sealed class Node
    {
        private readonly IReadOnlyList<ulong> _voters;
        private readonly int _seed;

        public Node(ulong id, IReadOnlyList<ulong> voters, int seed)
        {
            Id = id;
            _voters = voters;
            _seed = seed;
            Raft = NewRaft();
        }

        public ulong Id { get; }

        public bool Up { get; set; } = true;

        public RaftNode Raft { get; set; }

        public HardState HardState { get; set; }

        public List<LogEntry> Persisted { get; } = [];

        /// <summary>
        /// A seed for the node's own randomness from the run's seed, the node and its restart point. Deterministic
        /// across processes (unlike HashCode, which is randomized per process), so a seed replays exactly.
        /// </summary>
        private static int Mix(int seed, ulong id, int restart) =>
            unchecked((int)((((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ (id * 0xBF58476D1CE4E5B9UL) ^ ((ulong)(uint)restart * 0x94D049BB133111EBUL)) >> 17));

        /// <summary>The last snapshot this node persisted (taken itself, or received from a leader).</summary>
        public RaftSnapshot? Snapshot { get; set; }

        /// <summary>What this incarnation applied (restarted nodes apply again from 1).</summary>
        public List<LogEntry> Applied { get; } = [];

        public RaftNode NewRaft() => new(
            new RaftConfig { Id = Id, Voters = _voters, Random = new Random(Mix(_seed, Id, Persisted.Count)), MaxSnapshotChunkBytes = 3 },
            HardState,
            [.. Persisted],
            Snapshot);
    }
}

/// <summary>A broken Raft guarantee, with the seed that reproduces it.</summary>
internal sealed class SafetyViolation(int seed, string message) : Exception($"seed {seed}: {message}");
