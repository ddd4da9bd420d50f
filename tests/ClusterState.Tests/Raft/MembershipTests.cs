using ClusterState.Tests.Persistence;

namespace ClusterState.Tests.Raft;

/// <summary>Adding learners, promoting them, and removing voters (the leader included) on running stores.</summary>
public sealed class MembershipTests
{
    private static readonly ulong[] Founders = [1, 2, 3];
    private readonly Dictionary<ulong, ClusterStore> _peers = [];
    private TempDirectory _directory = null!;
    private InMemoryRaftNetwork _network = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = new TempDirectory();
        _network = new InMemoryRaftNetwork();
        foreach (var id in Founders)
        {
            Start(id, Founders);
        }
    }

    [TearDown]
    public void TearDown()
    {
        foreach (var peer in _peers.Values)
        {
            peer.Dispose();
        }

        _peers.Clear();
        _directory.Dispose();
    }

    private ClusterStore Start(ulong id, ulong[] voters) => _peers[id] = new ClusterStore(new ClusterStoreOptions
    {
        DataDirectory = _directory.Sub($"peer{id}"),
        Durability = DurabilityMode.None,
        Raft = new RaftOptions
        {
            NodeId = id, Voters = voters, Transport = _network, SnapshotEntries = 30,
            TickInterval = TimeSpan.FromMilliseconds(20), CommitTimeout = TimeSpan.FromSeconds(5),
        },
    });

    private async Task<ClusterStore> Leader()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var voters = _peers.Values.Where(p => p.Membership!.Voters.Contains(p.RaftPeer!.Id)).ToList();
            var leader = voters.FirstOrDefault(p => p.RaftPeer!.IsLeader && voters.All(o => o.Leader == p.RaftPeer.Id));
            if (leader is not null)
            {
                return leader;
            }

            await Task.Delay(10);
        }

        Assert.Fail("no leader was elected: " + string.Join("; ", _peers.Values.Select(p => $"{p.RaftPeer!.Id}: leader {p.Leader} {p.Membership}")));
        return null!;
    }

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), what);
            await Task.Delay(10);
        }
    }

    private static async Task<long> Write(ClusterStore store, int from, int count)
    {
        long revision = 0;
        for (var i = from; i < from + count; i++)
        {
            revision = (await store.Services.CreateAsync(Objects.Service($"svc-{i}", clusterIP: $"10.96.{i / 250}.{(i % 250) + 1}"))).Metadata.ResourceVersion;
        }

        return revision;
    }

    [Test]
    public async Task A_learner_joins_catches_up_by_snapshot_is_promoted_and_the_leader_removes_itself()
    {
        var leader = await Leader();
        var revision = await Write(leader, 0, 80);

        // Node 4 starts knowing no voters; the leader adds it as a learner and it catches up from a snapshot.
        var joining = Start(4, []);
        Assert.That(joining.Membership!.Voters, Is.Empty);
        await leader.AddLearnerAsync(4);
        Assert.That(leader.Membership!.Learners, Is.EquivalentTo(new ulong[] { 4 }));
        await Eventually(() => joining.Revision >= revision, "the learner catches up");
        Assert.That(joining.Services.List().Items, Is.EqualTo(leader.Services.List().Items));
        Assert.That(joining.Membership!.Learners, Is.EquivalentTo(new ulong[] { 4 }), "it learned the membership from the leader");

        // Promoted, it votes: the group now needs three of four.
        await leader.AddVoterAsync(4);
        Assert.That(leader.Membership!.Voters, Is.EquivalentTo(new ulong[] { 1, 2, 3, 4 }));
        Assert.That(leader.Membership.OutgoingVoters, Is.Empty, "the joint configuration was left");
        Assert.That(leader.Membership.Learners, Is.Empty);

        // The leader removes itself: it steps down once that is committed, and the others elect a leader.
        var oldLeader = leader.RaftPeer!.Id;
        await leader.RemoveMemberAsync(oldLeader);
        _peers.Remove(oldLeader);
        leader.Dispose();
        var next = await Leader();
        Assert.That(next.RaftPeer!.Id, Is.Not.EqualTo(oldLeader));
        Assert.That(next.Membership!.Voters, Does.Not.Contain(oldLeader).And.Count.EqualTo(3));
        var more = await Write(next, 80, 5);
        await Eventually(() => _peers.Values.All(p => p.Revision >= more), "every remaining peer applies new writes");

        // Restarted, the joined peer knows the membership from its own log and snapshot.
        _peers[4].Dispose();
        var restarted = Start(4, []);
        Assert.That(restarted.Membership!.Voters, Does.Contain(4UL).And.Not.Contain(oldLeader));
    }

    [Test]
    public async Task Changes_are_refused_on_a_follower_for_a_lagging_learner_and_for_the_last_voter()
    {
        var leader = await Leader();
        var follower = _peers.Values.First(p => p != leader);
        var notLeader = Assert.ThrowsAsync<NotLeaderException>(() => follower.AddLearnerAsync(5));
        Assert.That(notLeader!.LeaderId, Is.EqualTo(leader.RaftPeer!.Id));

        // A learner cut off from the group falls behind and cannot be promoted.
        Start(5, []);
        _network.Isolate(5);
        await leader.AddLearnerAsync(5);
        await Write(leader, 0, 40);
        Assert.ThrowsAsync<InvalidOperationException>(() => leader.AddVoterAsync(5));
        Assert.ThrowsAsync<InvalidOperationException>(() => leader.AddLearnerAsync(leader.RaftPeer!.Id), "a voter cannot be made a learner");
        Assert.ThrowsAsync<InvalidOperationException>(() => leader.RemoveMemberAsync(42), "not a member");

        // Once it is back, it catches up and can be promoted.
        _network.Heal();
        await Eventually(() => _peers[5].Revision >= leader.Revision, "the learner catches up after the partition heals");
        await leader.AddVoterAsync(5);
        Assert.That(leader.Membership!.Voters, Has.Count.EqualTo(4));
    }
}
