using ClusterState.Model;
using ClusterState.Tests.Watch;

namespace ClusterState.Tests.Raft;

/// <summary>Three stores as peers of one Raft group over the in-memory network.</summary>
public sealed class ReplicatedStoreTests
{
    private InMemoryRaftNetwork _network = null!;
    private ClusterStore[] _peers = null!;

    [SetUp]
    public void SetUp()
    {
        _network = new InMemoryRaftNetwork();
        ulong[] voters = [1, 2, 3];
        _peers = [.. voters.Select(id => new ClusterStore(new ClusterStoreOptions
        {
            Raft = new RaftOptions
            {
                NodeId = id, Voters = voters, Transport = _network,
                TickInterval = TimeSpan.FromMilliseconds(20), CommitTimeout = TimeSpan.FromSeconds(2),
            },
        }))];
    }

    [TearDown]
    public void TearDown()
    {
        foreach (var peer in _peers)
        {
            peer.Dispose();
        }
    }

    private async Task<ClusterStore> Leader(params ClusterStore[] among)
    {
        var candidates = among.Length == 0 ? _peers : among;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var leader = candidates.FirstOrDefault(p => p.RaftPeer!.IsLeader && candidates.All(o => o.RaftPeer!.Leader == p.RaftPeer.Id));
            if (leader is not null)
            {
                return leader;
            }

            await Task.Delay(10);
        }

        Assert.Fail("no leader was elected");
        return null!;
    }

    [Test]
    public async Task A_follower_s_versions_share_unchanged_parts_and_strings_though_each_is_decoded_anew()
    {
        var leader = await Leader();
        var follower = _peers.First(p => p != leader);
        await leader.Services.CreateAsync(Objects.Service());
        var second = await leader.Services.UpdateUnconditionallyAsync(Objects.Service() with { Metadata = Objects.Service().Metadata with { Labels = StringMap.Of(("app", "web"), ("v", "2")) } });
        await WaitForRevision(follower, second.Metadata.ResourceVersion);

        var versions = new[] { second.Metadata.ResourceVersion - 1, second.Metadata.ResourceVersion }.Select(r => follower.Services.Get("default", "web", r)!).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(versions[1], Is.EqualTo(second));
            Assert.That(versions[1].Spec, Is.SameAs(versions[0].Spec), "the unchanged spec is one instance on the follower");
            Assert.That(versions[1].Metadata.Name, Is.SameAs(versions[0].Metadata.Name));
            Assert.That(versions[1].Metadata.Labels, Is.Not.EqualTo(versions[0].Metadata.Labels), "the labels changed");
            Assert.That(versions[1].Metadata.Labels["app"], Is.SameAs(versions[0].Metadata.Labels["app"]), "a string decoded again is the pooled instance");
        });
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

    [Test]
    public async Task A_write_on_the_leader_is_applied_identically_on_every_peer()
    {
        var leader = await Leader();
        var created = await leader.Services.CreateAsync(Objects.Service());
        foreach (var peer in _peers)
        {
            await WaitForRevision(peer, created.Metadata.ResourceVersion);
            Assert.That(peer.Services.Get("default", "web"), Is.EqualTo(created), "same uid, revisions and time on every peer");
        }
    }

    [Test]
    public async Task A_write_on_a_follower_is_forwarded_and_a_follower_s_watch_sees_it()
    {
        var leader = await Leader();
        var follower = _peers.First(p => p != leader);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var watched = follower.Services.WatchAsync(cancellationToken: cts.Token).TakeAsync(2);
        var created = await follower.Services.CreateAsync(Objects.Service());
        var updated = await follower.Services.UpdateAsync(created with { Spec = created.Spec with { PublishNotReadyAddresses = true } });
        var events = await watched;
        Assert.That(events.Select(e => e.Object), Is.EqualTo(new[] { created, updated }));
        await WaitForRevision(leader, updated.Metadata.ResourceVersion);
        Assert.That(leader.Services.Get("default", "web"), Is.EqualTo(updated));
    }

    [Test]
    public async Task Errors_are_the_same_on_every_peer_and_change_nothing()
    {
        var leader = await Leader();
        var follower = _peers.First(p => p != leader);
        var created = await leader.Services.CreateAsync(Objects.Service());
        Assert.ThrowsAsync<AlreadyExistsException>(async () => await follower.Services.CreateAsync(Objects.Service()));
        var conflict = Assert.ThrowsAsync<ConflictException>(async () => await follower.Services.UpdateAsync(created with { Metadata = created.Metadata with { ResourceVersion = 99 } }));
        Assert.That(conflict!.ActualResourceVersion, Is.EqualTo(created.Metadata.ResourceVersion));
        foreach (var peer in _peers)
        {
            await WaitForRevision(peer, created.Metadata.ResourceVersion);
        }

        // The failed writes used no revision anywhere (a peer applies every entry in order, so a later write would
        // already show).
        await leader.NetworkPolicies.CreateAsync(Objects.Policy());
        foreach (var peer in _peers)
        {
            await WaitForRevision(peer, created.Metadata.ResourceVersion + 1);
            Assert.That(peer.Revision, Is.EqualTo(created.Metadata.ResourceVersion + 1));
        }
    }

    [Test]
    public async Task A_follower_serves_a_linearizable_read_after_a_sync_and_a_cut_off_leader_cannot()
    {
        var leader = await Leader();
        var followers = _peers.Where(p => p != leader).ToArray();

        // The first follower hears nothing from the leader while the write commits with the second.
        _network.Cut(leader.RaftPeer!.Id, followers[0].RaftPeer!.Id);
        var written = await leader.Services.CreateAsync(Objects.Service());
        Assert.That(followers[0].Services.Get("default", "web"), Is.Null, "a serializable read may be behind");
        _network.Heal();

        var revision = await followers[0].SyncAsync();
        Assert.That(revision, Is.GreaterThanOrEqualTo(written.Metadata.ResourceVersion));
        Assert.That(followers[0].Services.Get("default", "web", revision), Is.EqualTo(written));

        _network.Isolate(leader.RaftPeer.Id);
        Assert.ThrowsAsync<NoLeaderException>(async () => await leader.SyncAsync(), "a cut-off leader cannot confirm a read: transient, retry");
    }

    [Test]
    public async Task Leadership_can_be_handed_to_another_peer_and_writes_go_on()
    {
        var leader = await Leader();
        var target = _peers.First(p => p != leader);
        await leader.Services.CreateAsync(Objects.Service());
        Assert.That(await leader.TransferLeadershipAsync(target.RaftPeer!.Id), Is.True);
        Assert.That(await Leader(), Is.SameAs(target));
        var next = await leader.Services.CreateAsync(Objects.Service("api", clusterIP: "10.96.0.11"));
        await WaitForRevision(target, next.Metadata.ResourceVersion);
        Assert.That(target.Services.List().Items, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Without_forwarding_a_follower_refuses_writes_naming_the_leader()
    {
        var network = new InMemoryRaftNetwork();
        ulong[] voters = [1, 2, 3];
        var peers = voters.Select(id => new ClusterStore(new ClusterStoreOptions
        {
            Raft = new RaftOptions { NodeId = id, Voters = voters, Transport = network, TickInterval = TimeSpan.FromMilliseconds(20), ForwardWritesToLeader = false },
        })).ToArray();
        try
        {
            var leader = await Leader(peers);
            var follower = peers.First(p => p != leader);
            var error = Assert.ThrowsAsync<NotLeaderException>(async () => await follower.Services.CreateAsync(Objects.Service()));
            Assert.That(error!.LeaderId, Is.EqualTo(leader.RaftPeer!.Id));
            Assert.That(error.NodeId, Is.EqualTo(follower.RaftPeer!.Id));
            var created = await leader.Services.CreateAsync(Objects.Service());
            Assert.That(created.Metadata.ResourceVersion, Is.EqualTo(1), "the refused write never reached the log");
        }
        finally
        {
            foreach (var peer in peers)
            {
                peer.Dispose();
            }
        }
    }

    [Test]
    public async Task A_follower_far_behind_catches_up_from_the_leader_s_snapshot_and_logs_stay_bounded()
    {
        var network = new InMemoryRaftNetwork();
        ulong[] voters = [1, 2, 3];
        var peers = voters.Select(id => new ClusterStore(new ClusterStoreOptions
        {
            Raft = new RaftOptions { NodeId = id, Voters = voters, Transport = network, TickInterval = TimeSpan.FromMilliseconds(20), SnapshotEntries = 20, MaxSnapshotChunkBytes = 256 },
        })).ToArray();
        try
        {
            var leader = await Leader(peers);
            var lagging = peers.First(p => p != leader);
            await leader.Services.CreateAsync(Objects.Service("gone", clusterIP: "10.96.1.1"));
            await WaitForRevision(lagging, 1);
            var watch = lagging.Services.WatchAsync(new WatchOptions { StartRevision = 2 });

            network.Isolate(lagging.RaftPeer!.Id);
            var svc = await leader.Services.CreateAsync(Objects.Service());
            for (var i = 0; i < 100; i++)
            {
                svc = await leader.Services.UpdateAsync(svc);
            }

            await leader.Services.DeleteAsync("default", "gone");
            network.Heal();
            await WaitForRevision(lagging, leader.Revision);

            Assert.That(lagging.Services.List().Items, Is.EqualTo(leader.Services.List().Items));
            Assert.That(lagging.Services.Get("default", "gone"), Is.Null, "deleted while it was away");
            Assert.That(lagging.CompactedRevision, Is.GreaterThan(1), "it skipped history: restored from a snapshot");
            var error = Assert.ThrowsAsync<RevisionCompactedException>(async () => await watch.TakeAsync(1));
            Assert.That(error!.RequestedRevision, Is.EqualTo(2));
            Assert.That(peers.Select(p => p.RaftPeer!.LogEntries), Is.All.LessThan(40), "logs are trimmed by snapshots");

            var next = await lagging.Services.UpdateAsync(lagging.Services.Get("default", "web")!);
            Assert.That(next.Metadata.Version, Is.EqualTo(102));
        }
        finally
        {
            foreach (var peer in peers)
            {
                peer.Dispose();
            }
        }
    }

    [Test]
    public async Task Disposing_a_peer_fails_its_pending_reads_and_writes_instead_of_leaving_them_waiting()
    {
        var leader = await Leader();
        var follower = _peers.First(p => p != leader);
        _network.Isolate(follower.RaftPeer!.Id);
        var read = follower.SyncAsync();
        var write = follower.Services.CreateAsync(Objects.Service()).AsTask();
        await Task.Delay(50);
        follower.Dispose();
        Assert.ThrowsAsync<StoreStoppedException>(async () => await read.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.ThrowsAsync<StoreStoppedException>(async () => await write.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public async Task When_the_leader_is_cut_off_the_others_elect_a_new_one_and_the_old_one_catches_up()
    {
        var old = await Leader();
        var first = await old.Services.CreateAsync(Objects.Service());
        _network.Isolate(old.RaftPeer!.Id);

        var rest = _peers.Where(p => p != old).ToArray();
        var successor = await Leader(rest);
        Assert.That(successor, Is.Not.SameAs(old));
        var second = await successor.Services.CreateAsync(Objects.Service("api", clusterIP: "10.96.0.11"));
        Assert.That(second.Metadata.ResourceVersion, Is.EqualTo(first.Metadata.ResourceVersion + 1));

        // The cut-off leader cannot commit: its write times out (proposed, outcome unknown) or, once check-quorum
        // has made it step down, is refused for want of a leader (nothing proposed). It is never applied anywhere.
        var lost = Assert.CatchAsync<StoreUnavailableException>(async () => await old.Services.CreateAsync(Objects.Service("lost", clusterIP: "10.96.0.12")));
        Assert.That(lost, Is.TypeOf<CommitOutcomeUnknownException>().Or.TypeOf<NoLeaderException>());

        _network.Heal();
        await WaitForRevision(old, second.Metadata.ResourceVersion);
        Assert.That(old.Services.Get("default", "api"), Is.EqualTo(second));
        Assert.That(old.Services.Get("default", "lost"), Is.Null);
    }
}
