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
