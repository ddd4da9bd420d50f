namespace ClusterState.Tests.Raft;

/// <summary>A Raft peer logs the leaders it learns of (and losing one), and its membership.</summary>
public sealed class RaftLogMessagesTests
{
    [Test]
    public async Task Peers_log_the_first_leader_and_the_next_one_after_the_leader_is_cut_off()
    {
        var network = new InMemoryRaftNetwork();
        ulong[] voters = [1, 2, 3];
        var logs = voters.ToDictionary(id => id, _ => new ListLogger());
        var peers = voters.Select(id => new ClusterStore(
            new ClusterStoreOptions { Raft = new RaftOptions { NodeId = id, Voters = voters, Transport = network, TickInterval = TimeSpan.FromMilliseconds(10) } },
            loggerFactory: logs[id])).ToArray();
        try
        {
            async Task<ulong> AgreedLeader(IEnumerable<ClusterStore> among, ulong except = 0)
            {
                var group = among.ToArray();
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (group.Any(p => p.Leader == 0 || p.Leader == except || p.Leader != group[0].Leader))
                {
                    Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "a leader is elected");
                    await Task.Delay(10);
                }

                return group[0].Leader;
            }

            var first = await AgreedLeader(peers);
            Assert.That(logs[first].Messages, Has.Some.Contains($"Raft peer {first}: no leader heard from; starting an election in term"), "the winner campaigned");
            foreach (var id in voters)
            {
                Assert.That(logs[id].Messages, Has.Some.Contains($"Raft peer {id}: leader is now {first} in term"), $"peer {id}");
                Assert.That(logs[id].Messages, Has.Some.Contains($"Raft peer {id}: membership is now"), $"peer {id}");
            }

            network.Isolate(first);
            var second = await AgreedLeader(peers.Where(p => p.RaftPeer!.Id != first), except: first);
            Assert.That(second, Is.Not.EqualTo(first));
            foreach (var id in voters.Where(id => id != first))
            {
                Assert.That(logs[id].Messages, Has.Some.Contains($"Raft peer {id}: leader is now {second} in term"), $"peer {id}");
            }
        }
        finally
        {
            foreach (var peer in peers)
            {
                peer.Dispose();
            }
        }
    }
}

/// <summary>A follower cut off while the leader compacts its log catches up from a snapshot: counted, logged, and the drops too.</summary>
public sealed class RaftSnapshotCatchUpTests
{
    [Test]
    public async Task A_follower_behind_the_leader_s_snapshot_installs_it_and_the_counters_and_the_log_say_so()
    {
        var network = new InMemoryRaftNetwork();
        ulong[] voters = [1, 2, 3];
        var logs = voters.ToDictionary(id => id, _ => new ListLogger());
        var peers = voters.Select(id => new ClusterStore(
            new ClusterStoreOptions { Raft = new RaftOptions { NodeId = id, Voters = voters, Transport = network, TickInterval = TimeSpan.FromMilliseconds(10), SnapshotEntries = 20 } },
            loggerFactory: logs[id])).ToArray();
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (peers.Any(p => p.Leader == 0 || p.Leader != peers[0].Leader))
            {
                Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "a leader is elected");
                await Task.Delay(10);
            }

            var leader = peers.Single(p => p.RaftPeer!.IsLeader);
            var follower = peers.First(p => p != leader);
            network.Isolate(follower.RaftPeer!.Id);
            for (var i = 0; i < 60; i++)
            {
                await leader.Services.CreateAsync(Objects.Service($"s{i}", clusterIP: $"10.96.0.{i + 1}"));
            }

            Assert.That(leader.RaftPeer!.DroppedMessages, Is.GreaterThan(0), "messages to the cut-off follower were dropped");
            network.Heal();
            while (follower.Revision < leader.Revision)
            {
                Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the follower catches up");
                await Task.Delay(10);
            }

            Assert.That(leader.RaftPeer.Stats.SnapshotsSent, Is.GreaterThan(0));
            Assert.That(follower.RaftPeer!.Stats.SnapshotsInstalled, Is.EqualTo(1));
            Assert.That(logs[follower.RaftPeer.Id].Messages, Has.Some.Contains($"Raft peer {follower.RaftPeer.Id}: installed the leader's snapshot at log index"));
            Assert.That(follower.Services.List().Items, Has.Count.EqualTo(60));
        }
        finally
        {
            foreach (var peer in peers)
            {
                peer.Dispose();
            }
        }
    }
}
