using System.Diagnostics.Metrics;

namespace ClusterState.Tests.Hosting;

/// <summary>Every measurement is tagged with its store (and Raft node), so stores in one process report apart.</summary>
public sealed class TaggedMetricsTests
{
    /// <summary>The last value of each instrument, by instrument name and store name and node tags.</summary>
    private static (MeterListener Listener, Dictionary<(string Instrument, string? Store, long? Node), long> Values) Listen()
    {
        var values = new Dictionary<(string, string?, long?), long>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ClusterStateInstrumentation.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        void Record(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? store = null;
            long? node = null;
            foreach (var tag in tags)
            {
                if (tag.Key == ClusterStateInstrumentation.StoreTag)
                {
                    store = (string?)tag.Value;
                }
                else if (tag.Key == ClusterStateInstrumentation.RaftNodeTag)
                {
                    node = (long?)tag.Value;
                }
            }

            lock (values)
            {
                values[(instrument.Name, store, node)] = value;
            }
        }

        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();
        return (listener, values);
    }

    [Test]
    public async Task Two_stores_in_one_process_report_apart()
    {
        var (listener, values) = Listen();
        using (listener)
        {
            using var a = new ClusterStore(new ClusterStoreOptions { Name = "orders" });
            using var b = new ClusterStore(new ClusterStoreOptions { Name = "billing" });
            await a.Services.CreateAsync(Objects.Service("one", clusterIP: "10.96.0.1"));
            await a.Services.CreateAsync(Objects.Service("two", clusterIP: "10.96.0.2"));
            await b.Services.CreateAsync(Objects.Service("one", clusterIP: "10.96.0.1"));
            listener.RecordObservableInstruments();
            Assert.That(values[("clusterstate.store.revision", "orders", null)], Is.EqualTo(2));
            Assert.That(values[("clusterstate.store.revision", "billing", null)], Is.EqualTo(1));
            Assert.That(values[("clusterstate.store.commits", "orders", null)], Is.EqualTo(2));
            Assert.That(values.Keys.Where(k => k.Store is null), Is.Empty, "every measurement names its store");
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => new ClusterStoreOptions { Name = " " }.Validate());
    }

    [Test]
    public async Task Raft_peers_report_term_leader_indexes_and_proposals_tagged_with_their_node()
    {
        var (listener, values) = Listen();
        using (listener)
        {
            var network = new InMemoryRaftNetwork();
            ulong[] voters = [1, 2, 3];
            var peers = voters.Select(id => new ClusterStore(new ClusterStoreOptions
            {
                Name = "group",
                Raft = new RaftOptions { NodeId = id, Voters = voters, Transport = network, TickInterval = TimeSpan.FromMilliseconds(10) },
            })).ToArray();
            try
            {
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (peers.Any(p => p.Leader == 0 || p.Leader != peers[0].Leader))
                {
                    Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "a leader is elected");
                    await Task.Delay(10);
                }

                var leaderId = peers[0].Leader;
                var follower = peers.First(p => p.RaftPeer!.Id != leaderId);
                await follower.Services.CreateAsync(Objects.Service());
                await peers.First(p => p.RaftPeer!.Id == leaderId).Services.CreateAsync(Objects.Service("api", clusterIP: "10.96.0.11"));
                while (peers.Any(p => p.Revision < 2))
                {
                    await Task.Delay(10);
                }

                await Task.Delay(100);
                listener.RecordObservableInstruments();
                foreach (var id in voters)
                {
                    Assert.That(values[("clusterstate.raft.term", "group", (long)id)], Is.GreaterThanOrEqualTo(1), $"node {id}");
                    Assert.That(values[("clusterstate.raft.leader", "group", (long)id)], Is.EqualTo((long)leaderId), $"node {id}");
                    Assert.That(values[("clusterstate.raft.leader_changes", "group", (long)id)], Is.GreaterThanOrEqualTo(1), $"node {id}");
                    Assert.That(values[("clusterstate.raft.applied_index", "group", (long)id)], Is.GreaterThanOrEqualTo(3), $"node {id}: a no-op and two writes");
                    Assert.That(values[("clusterstate.raft.commit_index", "group", (long)id)], Is.GreaterThanOrEqualTo(values[("clusterstate.raft.applied_index", "group", (long)id)]));
                    Assert.That(values[("clusterstate.store.revision", "group", (long)id)], Is.EqualTo(2));
                }

                var followerId = (long)follower.RaftPeer!.Id;
                Assert.That(values[("clusterstate.raft.proposals", "group", followerId)], Is.EqualTo(1));
                Assert.That(values[("clusterstate.raft.forwarded", "group", followerId)], Is.EqualTo(1), "a follower forwards its write");
                Assert.That(values[("clusterstate.raft.forwarded", "group", (long)leaderId)], Is.Zero);
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
}
