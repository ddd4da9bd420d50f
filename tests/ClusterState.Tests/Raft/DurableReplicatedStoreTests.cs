using ClusterState.Tests.Persistence;

namespace ClusterState.Tests.Raft;

/// <summary>Three Raft peers that keep their logs and snapshots on disk, stopped and restarted.</summary>
public sealed class DurableReplicatedStoreTests
{
    private static readonly ulong[] Voters = [1, 2, 3];
    private TempDirectory _directory = null!;
    private InMemoryRaftNetwork _network = null!;
    private ClusterStore?[] _peers = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = new TempDirectory();
        _network = new InMemoryRaftNetwork();
        _peers = new ClusterStore?[Voters.Length];
    }

    [TearDown]
    public void TearDown()
    {
        foreach (var peer in _peers)
        {
            peer?.Dispose();
        }

        _directory.Dispose();
    }

    private ClusterStore Start(int i, int snapshotEntries = 10_000) => _peers[i] = new ClusterStore(new ClusterStoreOptions
    {
        DataDirectory = _directory.Sub($"peer{Voters[i]}"),
        Durability = DurabilityMode.None,
        Raft = new RaftOptions
        {
            NodeId = Voters[i], Voters = Voters, Transport = _network, SnapshotEntries = snapshotEntries,
            TickInterval = TimeSpan.FromMilliseconds(20), CommitTimeout = TimeSpan.FromSeconds(5),
        },
    });

    private void Stop(int i)
    {
        _peers[i]!.Dispose();
        _peers[i] = null;
    }

    private ClusterStore[] Running => [.. _peers.OfType<ClusterStore>()];

    private async Task<ClusterStore> Leader()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var running = Running;
            var leader = running.FirstOrDefault(p => p.RaftPeer!.IsLeader && running.All(o => o.RaftPeer!.Leader == p.RaftPeer.Id));
            if (leader is not null)
            {
                return leader;
            }

            await Task.Delay(10);
        }

        Assert.Fail("no leader was elected");
        return null!;
    }

    private static async Task WaitForRevision(ClusterStore store, long revision)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (store.Revision < revision)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"revision {revision} did not reach the peer (at {store.Revision})");
            await Task.Delay(5);
        }
    }

    private static async Task<long> WriteServices(ClusterStore store, int from, int count)
    {
        long revision = 0;
        for (var i = from; i < from + count; i++)
        {
            var created = await store.Services.CreateAsync(Objects.Service($"svc-{i}", clusterIP: $"10.96.{i / 250}.{(i % 250) + 1}"));
            revision = created.Metadata.ResourceVersion;
        }

        return revision;
    }

    [Test]
    public async Task Every_peer_restarts_from_its_own_log_with_the_same_state()
    {
        for (var i = 0; i < Voters.Length; i++)
        {
            Start(i);
        }

        var revision = await WriteServices(await Leader(), 0, 40);
        foreach (var peer in Running)
        {
            await WaitForRevision(peer, revision);
        }

        var before = Running.Select(p => p.Services.List().Items).ToArray();
        for (var i = 0; i < Voters.Length; i++)
        {
            Stop(i);
        }

        for (var i = 0; i < Voters.Length; i++)
        {
            var peer = Start(i);

            // The committed entries the peer had applied are applied again before its constructor returns... at
            // least up to what it knew to be committed: a follower learns the last commit index with the next message.
            Assert.That(peer.Revision, Is.GreaterThan(1));
        }

        foreach (var peer in Running)
        {
            await WaitForRevision(peer, revision);
            Assert.That(peer.Services.List().Items, Is.EqualTo(before[0]), "same objects, uids and revisions after the restart");
        }

        var next = await (await Leader()).Services.CreateAsync(Objects.Service("after-restart", clusterIP: "10.96.9.9"));
        Assert.That(next.Metadata.ResourceVersion, Is.EqualTo(revision + 1), "the revision sequence continues where it stopped");
        Assert.That(before, Has.All.EqualTo(before[0]));
    }

    [Test]
    public async Task A_peer_that_was_down_while_the_log_was_compacted_catches_up_from_a_snapshot_and_keeps_it()
    {
        for (var i = 0; i < Voters.Length; i++)
        {
            Start(i, snapshotEntries: 20);
        }

        var leader = await Leader();
        var down = Array.FindIndex(_peers, p => p != leader);
        Stop(down);
        var revision = await WriteServices(leader, 0, 100);

        var restarted = Start(down, snapshotEntries: 20);
        await WaitForRevision(restarted, revision);
        Assert.That(restarted.Services.List().Items, Is.EqualTo(leader.Services.List().Items));
        var raftDirectory = Path.Combine(_directory.Sub($"peer{Voters[down]}"), "raft");
        Assert.That(Directory.GetFiles(raftDirectory, "*.rsnap"), Has.Length.EqualTo(1), "the installed snapshot is kept on disk");

        // Stopped again, it restarts from the snapshot it installed and the entries after it.
        Stop(down);
        var more = await WriteServices(await Leader(), 100, 5);
        restarted = Start(down, snapshotEntries: 20);
        Assert.That(restarted.Revision, Is.GreaterThanOrEqualTo(revision - 20), "restored from its own snapshot before hearing from the leader");
        await WaitForRevision(restarted, more);
        Assert.That(restarted.Services.List().Items, Has.Count.EqualTo(105));
    }
}
