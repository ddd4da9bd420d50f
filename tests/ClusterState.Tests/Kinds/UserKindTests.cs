using ClusterState.Model;
using ClusterState.Tests.Persistence;
using ClusterState.Tests.Watch;
using Microsoft.Extensions.DependencyInjection;

namespace ClusterState.Tests.Kinds;

/// <summary>A kind registered by a program goes everywhere the built-in kinds go.</summary>
public sealed class UserKindTests
{
    private static readonly ResourceKind GatewayKind = ResourceKind.Of<Gateway>();

    private TempDirectory _directory = null!;

    [SetUp]
    public void SetUp() => _directory = new TempDirectory();

    [TearDown]
    public void TearDown() => _directory.Dispose();

    [Test]
    public void The_kind_is_read_from_its_declaration()
    {
        Assert.That(GatewayKind.Group, Is.EqualTo("gateway.example.com"));
        Assert.That(GatewayKind.ApiVersion, Is.EqualTo("gateway.example.com/v1"));
        Assert.That(GatewayKind.Plural, Is.EqualTo("gateways"));
        Assert.That(GatewayKind.QualifiedName, Is.EqualTo("Gateway.gateway.example.com"));
        Assert.That(GatewayKind.IsNamespaced, Is.True);
        Assert.That(ResourceKind.Of<Tenant>().IsNamespaced, Is.False);
        Assert.That(Gateway.Create().Kind, Is.EqualTo(GatewayKind));
        Assert.That(ResourceKind.EndpointSlice.ApiVersion, Is.EqualTo("discovery.k8s.io/v1"));
        Assert.Throws<UnknownKindException>(() => ResourceKind.Of<Undeclared>());
        Assert.Throws<ArgumentException>(() => _ = new ResourceKind("Bad_Group", "v1", "Thing", "things", namespaced: true));
        Assert.Throws<ArgumentException>(() => _ = new ResourceKind("example.com", "v1", "thing", "things", namespaced: true));
    }

    [Test]
    public async Task In_memory_it_has_every_capability_of_a_built_in_kind()
    {
        using var store = new ClusterStore(UserKinds.Register(new ClusterStoreOptions()));
        var gateways = store.Collection<Gateway>();
        var created = await gateways.CreateAsync(Gateway.Create());
        Assert.That(created.Metadata.ResourceVersion, Is.EqualTo(1));
        Assert.That(created.Metadata.Uid, Is.Not.EqualTo(Guid.Empty));
        Assert.That(created.Spec, Is.EqualTo(Gateway.Create().Spec));

        var updated = await gateways.UpdateAsync(created with { Spec = created.Spec with { Port = 8443 } });
        Assert.That(updated.Metadata.Generation, Is.EqualTo(2));
        var same = await gateways.UpdateAsync(updated with { Metadata = updated.Metadata with { Labels = StringMap.Of(("tier", "edge"), ("x", "y")) } });
        Assert.That(same.Metadata.Generation, Is.EqualTo(2), "a metadata-only change keeps the generation");
        await gateways.CreateAsync(Gateway.Create("inner") with { Metadata = new() { Namespace = "default", Name = "inner", Labels = StringMap.Of(("tier", "inner")) } });

        Assert.That(gateways.Get("default", "edge", revision: 1)!.Spec.Port, Is.EqualTo(443), "a read at a past revision");
        Assert.That(gateways.List(new ListOptions { LabelSelector = LabelSelector.Parse("tier=edge") }).Items.Select(g => g.Metadata.Name), Is.EqualTo(new[] { "edge" }));
        Assert.That(gateways.List(new ListOptions { Namespace = "other" }).Items, Is.Empty);

        var stale = Assert.ThrowsAsync<ConflictException>(async () => await gateways.UpdateAsync(created));
        Assert.That(stale!.Kind, Is.EqualTo(GatewayKind));
        Assert.ThrowsAsync<AlreadyExistsException>(async () => await gateways.CreateAsync(Gateway.Create()));

        using var cts = new CancellationTokenSource(TaskTimeouts.Long);
        var watched = gateways.WatchAsync(new WatchOptions { StartRevision = 1 }, cts.Token).TakeAsync(4);
        await gateways.DeleteAsync("default", "edge");
        Assert.That((await watched).Select(e => e.Type), Is.EqualTo(new[] { WatchEventType.Added, WatchEventType.Modified, WatchEventType.Modified, WatchEventType.Added }));
        Assert.That(gateways.Get("default", "edge"), Is.Null);

        var tenant = await store.Collection<Tenant>().CreateAsync(new Tenant { Metadata = new() { Name = "acme" }, Owner = "ops" });
        Assert.That(tenant.Metadata.Namespace, Is.Empty);
        Assert.That(store.Kinds, Does.Contain(GatewayKind).And.Contain(ResourceKind.Of<Tenant>()).And.Contain(ResourceKind.Service));
    }

    [Test]
    public async Task A_hand_written_serializer_serves_a_kind_as_well()
    {
        using var directory = new TempDirectory();
        var options = new ClusterStoreOptions { DataDirectory = directory.Path }.AddKind(new TenantCodec());
        using (var store = new ClusterStore(options))
        {
            await store.Collection<Tenant>().CreateAsync(new Tenant { Metadata = new() { Name = "acme" }, Owner = "ops team ✓" });
        }

        using var reopened = new ClusterStore(options);
        Assert.That(reopened.Collection<Tenant>().Get(string.Empty, "acme")!.Owner, Is.EqualTo("ops team ✓"));
    }

    /// <summary>A serializer of a program's own: the owner as UTF-8 bytes.</summary>
    private sealed class TenantCodec : KindSerializer<Tenant>
    {
        public override void Serialize(Tenant value, System.Buffers.IBufferWriter<byte> destination) =>
            System.Text.EncodingExtensions.GetBytes(System.Text.Encoding.UTF8, value.Owner, destination);

        public override Tenant Deserialize(ReadOnlySpan<byte> source) =>
            new() { Metadata = null!, Owner = System.Text.Encoding.UTF8.GetString(source) };
    }

    [Test]
    public async Task The_container_registers_it_beside_the_store()
    {
        await using var provider = new ServiceCollection()
            .AddClusterState()
            .AddClusterStateKind(KindSerializer.Json<Gateway>(UserKindsJson.Default), Gateway.Validate)
            .BuildServiceProvider();
        var store = provider.GetRequiredService<IClusterStore>();
        var created = await store.Collection<Gateway>().CreateAsync(Gateway.Create());
        Assert.That(store.Collection<Gateway>().Get("default", "edge"), Is.EqualTo(created));
        Assert.ThrowsAsync<ValidationException>(async () => await store.Collection<Gateway>().CreateAsync(Gateway.Create("bad", port: 0)));
    }

    [Test]
    public void Its_validator_the_metadata_rules_and_the_size_limit_apply()
    {
        using var store = new ClusterStore(UserKinds.Register(new ClusterStoreOptions { MaxObjectBytes = 4096 }));
        var gateways = store.Collection<Gateway>();
        var invalid = Assert.ThrowsAsync<ValidationException>(async () => await gateways.CreateAsync(Gateway.Create(port: 70000) with
        {
            Spec = Gateway.Create().Spec with { Port = 70000, ClassName = string.Empty },
        }));
        Assert.That(invalid!.Errors.Select(e => e.Field), Is.EquivalentTo(new[] { "spec.port", "spec.className" }));

        var badName = Assert.ThrowsAsync<ValidationException>(async () => await gateways.CreateAsync(Gateway.Create("Not_A_Name")));
        Assert.That(badName!.Errors.Select(e => e.Field), Does.Contain("metadata.name"));
        var scoped = Assert.ThrowsAsync<ValidationException>(async () => await store.Collection<Tenant>().CreateAsync(new Tenant { Metadata = new() { Namespace = "default", Name = "acme" } }));
        Assert.That(scoped!.Errors.Select(e => e.Field), Does.Contain("metadata.namespace"));

        var huge = Gateway.Create() with { Spec = Gateway.Create().Spec with { Options = StringMap.Of(("blob", new string('x', 8000))) } };
        var tooBig = Assert.ThrowsAsync<LimitExceededException>(async () => await gateways.CreateAsync(huge));
        Assert.That(tooBig!.Maximum, Is.EqualTo(4096));
        Assert.That(store.Revision, Is.Zero, "nothing was written");
    }

    [Test]
    public void An_object_its_serializer_cannot_read_back_is_refused_at_write_time()
    {
        using var store = new ClusterStore(new ClusterStoreOptions().AddKind(KindSerializer.Json<Lossy>(UserKindsJson.Default)));
        var error = Assert.ThrowsAsync<ValidationException>(async () => await store.Collection<Lossy>().CreateAsync(new Lossy
        {
            Metadata = new() { Namespace = "default", Name = "x" },
            Kept = "a",
            Dropped = "lost",
        }));
        Assert.That(error!.Message, Does.Contain("read it back equal"));
        Assert.That(store.Revision, Is.Zero);
    }

    [Test]
    public void A_kind_not_registered_is_a_typed_error_naming_it()
    {
        using var store = new ClusterStore();
        var error = Assert.Throws<UnknownKindException>(() => store.Collection<Gateway>());
        Assert.That(error!.Kind, Is.EqualTo("Gateway.gateway.example.com"));
        Assert.ThrowsAsync<UnknownKindException>(async () => await store.Transaction().Then(TxnOperation.Create(Gateway.Create())).CommitAsync());
        Assert.ThrowsAsync<UnknownKindException>(async () => await store.Transaction().Then(TxnOperation.Delete<Gateway>("default", "edge")).CommitAsync());
        Assert.Throws<UnknownKindException>(() => store.WatchAsync(new WatchOptions { Kinds = [GatewayKind] }));
        Assert.Throws<UnknownKindException>(() => store.Collection<Undeclared>());
        Assert.Throws<ArgumentException>(() => new ClusterStoreOptions().AddKind(KindSerializer.Json<Gateway>(UserKindsJson.Default)).AddKind(KindSerializer.Json<Gateway>(UserKindsJson.Default)));
    }

    [Test]
    public async Task A_transaction_mixes_it_with_services_atomically()
    {
        using var store = new ClusterStore(UserKinds.Register(new ClusterStoreOptions()));
        var result = await store.Transaction()
            .If(Compare.NotExists<Gateway>("default", "edge"))
            .Then(TxnOperation.Create(Gateway.Create()), TxnOperation.Create(Objects.Service()))
            .CommitAsync();
        Assert.That(result.Succeeded, Is.True);
        Assert.That(store.Collection<Gateway>().Get("default", "edge")!.Metadata.ResourceVersion, Is.EqualTo(store.Services.Get("default", "web")!.Metadata.ResourceVersion));

        // The second one fails on a Service that exists: the Gateway is not written either.
        Assert.ThrowsAsync<AlreadyExistsException>(async () => await store.Transaction()
            .Then(TxnOperation.Create(Gateway.Create("second")), TxnOperation.Create(Objects.Service()))
            .CommitAsync());
        Assert.That(store.Collection<Gateway>().Get("default", "second"), Is.Null);

        var otherwise = await store.Transaction()
            .If(Compare.NotExists<Gateway>("default", "edge"))
            .Then(TxnOperation.Delete<Service>("default", "web"))
            .Else(TxnOperation.Delete<Gateway>("default", "edge"))
            .CommitAsync();
        Assert.That(otherwise.Succeeded, Is.False);
        Assert.That(store.Collection<Gateway>().Get("default", "edge"), Is.Null);
        Assert.That(store.Services.Get("default", "web"), Is.Not.Null);
    }

    [Test]
    public async Task A_store_wide_watch_delivers_only_the_kinds_it_names_in_one_revision_order()
    {
        using var store = new ClusterStore(UserKinds.Register(new ClusterStoreOptions()));
        using var cts = new CancellationTokenSource(TaskTimeouts.Long);
        var both = store.WatchAsync(new WatchOptions { Kinds = [GatewayKind, ResourceKind.Service] }, cts.Token).TakeAsync(4);
        var gatewaysOnly = store.WatchAsync(new WatchOptions { Kinds = [GatewayKind] }, cts.Token).TakeAsync(2);

        await store.EndpointSlices.CreateAsync(Objects.Slice());
        await store.Collection<Gateway>().CreateAsync(Gateway.Create());
        await store.Services.CreateAsync(Objects.Service());
        await store.Transaction().Then(TxnOperation.Create(Gateway.Create("second")), TxnOperation.Create(Objects.Policy()), TxnOperation.Create(Objects.Service("api", clusterIP: "10.96.0.11"))).CommitAsync();

        var seen = await both;
        Assert.That(seen.Select(e => (e.Object!.Kind.Name, e.Revision)), Is.EqualTo(new[] { ("Gateway", 2L), ("Service", 3L), ("Gateway", 4L), ("Service", 4L) }));
        Assert.That(seen[^1].IsLastInBatch, Is.True, "the batch ends at its last delivered event");
        Assert.That((await gatewaysOnly).Select(e => e.Object!.Metadata.Name), Is.EqualTo(new[] { "edge", "second" }));

        Assert.Throws<ArgumentException>(() => store.Services.WatchAsync(new WatchOptions { Kinds = [GatewayKind] }));
        Assert.Throws<ArgumentException>(() => store.WatchAsync(new WatchOptions { Kinds = [] }));
    }

    [Test]
    public async Task A_durable_store_keeps_it_across_reopens_and_refuses_to_open_without_it()
    {
        var options = UserKinds.Register(new ClusterStoreOptions { DataDirectory = _directory.Sub("data"), SnapshotEveryRevisions = 5 });
        using (var store = new ClusterStore(options))
        {
            for (var i = 0; i < 12; i++)
            {
                await store.Collection<Gateway>().CreateAsync(Gateway.Create($"g{i}", port: 1000 + i));
            }

            await store.Collection<Gateway>().DeleteAsync("default", "g0");
            await store.Services.CreateAsync(Objects.Service());
        }

        using (var reopened = new ClusterStore(options))
        {
            Assert.That(reopened.Collection<Gateway>().List().Items, Has.Count.EqualTo(11));
            Assert.That(reopened.Collection<Gateway>().Get("default", "g11")!.Spec.Port, Is.EqualTo(1011));
            Assert.That(reopened.Services.Get("default", "web"), Is.Not.Null);
        }

        // Without the kind registered, the store refuses to open and names the kind and the file; nothing is dropped.
        var error = Assert.Throws<UnknownKindException>(() => new ClusterStore(new ClusterStoreOptions { DataDirectory = options.DataDirectory }));
        Assert.That(error!.Kind, Is.EqualTo("Gateway.gateway.example.com"));
        Assert.That(error.Message, Does.Contain(Path.Combine(options.DataDirectory!, "")).And.Contain("Gateway.gateway.example.com"));

        using var again = new ClusterStore(options);
        Assert.That(again.Collection<Gateway>().List().Items, Has.Count.EqualTo(11));
    }

    [Test]
    public async Task A_backup_holds_it_and_restores_only_where_it_is_registered()
    {
        using var store = new ClusterStore(UserKinds.Register(new ClusterStoreOptions()));
        await store.Collection<Gateway>().CreateAsync(Gateway.Create());
        await store.Collection<Tenant>().CreateAsync(new Tenant { Metadata = new() { Name = "acme" }, Owner = "ops" });
        await store.Services.CreateAsync(Objects.Service());
        using var backup = new MemoryStream();
        var info = await store.SaveSnapshotAsync(backup);
        Assert.That(info.ObjectCounts[GatewayKind], Is.EqualTo(1));
        Assert.That(info.TotalObjects, Is.EqualTo(3));
        Assert.That(info.ToString(), Does.Contain("3 objects (Gateway.gateway.example.com 1, Service 1, Tenant.tenancy.example.com 1)"));

        backup.Position = 0;
        var inspected = await ClusterStore.InspectSnapshotAsync(backup, UserKinds.Register(new ClusterStoreOptions()));
        Assert.That(inspected.ObjectCounts, Is.EquivalentTo(info.ObjectCounts));

        backup.Position = 0;
        using var restored = await ClusterStore.RestoreAsync(backup, UserKinds.Register(new ClusterStoreOptions { DataDirectory = _directory.Sub("restored") }));
        Assert.That(restored.Collection<Gateway>().Get("default", "edge"), Is.EqualTo(store.Collection<Gateway>().Get("default", "edge")));
        Assert.That(restored.Collection<Tenant>().Get(string.Empty, "acme")!.Owner, Is.EqualTo("ops"));

        backup.Position = 0;
        var refused = Assert.ThrowsAsync<UnknownKindException>(async () => await ClusterStore.RestoreAsync(backup, new ClusterStoreOptions { DataDirectory = _directory.Sub("other") }));
        Assert.That(refused!.Kind, Is.EqualTo("Gateway.gateway.example.com"));
        Assert.That(Directory.Exists(Path.Combine(_directory.Sub("other"), "snap")) && Directory.EnumerateFiles(Path.Combine(_directory.Sub("other"), "snap")).Any(), Is.False, "nothing was written");
    }

    [Test]
    public async Task Three_raft_peers_replicate_it_and_a_lagging_follower_catches_up_from_a_snapshot()
    {
        var network = new InMemoryRaftNetwork();
        ulong[] voters = [1, 2, 3];
        var peers = voters.Select(id => new ClusterStore(UserKinds.Register(new ClusterStoreOptions
        {
            Raft = new RaftOptions { NodeId = id, Voters = voters, Transport = network, TickInterval = TimeSpan.FromMilliseconds(20), SnapshotEntries = 20, MaxSnapshotChunkBytes = 256 },
        }))).ToArray();
        try
        {
            var leader = await Leader(peers);
            var lagging = peers.First(p => p != leader);
            await leader.Collection<Gateway>().CreateAsync(Gateway.Create("first"));
            await WaitFor(() => lagging.Revision >= 1);

            network.Isolate(lagging.RaftPeer!.Id);
            var gateway = await leader.Collection<Gateway>().CreateAsync(Gateway.Create());
            for (var i = 0; i < 60; i++)
            {
                gateway = await leader.Collection<Gateway>().UpdateAsync(gateway with { Spec = gateway.Spec with { Port = 2000 + i } });
            }

            await leader.Transaction().Then(TxnOperation.Create(Objects.Service()), TxnOperation.Delete<Gateway>("default", "first")).CommitAsync();
            network.Heal();
            await WaitFor(() => lagging.Revision >= leader.Revision);

            Assert.That(lagging.CompactedRevision, Is.GreaterThan(1), "it skipped history: restored from a snapshot");
            Assert.That(lagging.Collection<Gateway>().List().Items, Is.EqualTo(leader.Collection<Gateway>().List().Items));
            Assert.That(lagging.Collection<Gateway>().Get("default", "edge")!.Spec.Port, Is.EqualTo(2059));
            Assert.That(lagging.Collection<Gateway>().Get("default", "first"), Is.Null);
            foreach (var peer in peers)
            {
                await WaitFor(() => peer.Revision >= leader.Revision);
                Assert.That(peer.Collection<Gateway>().List().Items, Is.EqualTo(leader.Collection<Gateway>().List().Items));
            }

            // A write through the lagging peer is forwarded and lands everywhere.
            var forwarded = await lagging.Collection<Gateway>().CreateAsync(Gateway.Create("via-follower"));
            await WaitFor(() => leader.Revision >= forwarded.Metadata.ResourceVersion);
            Assert.That(leader.Collection<Gateway>().Get("default", "via-follower"), Is.EqualTo(forwarded));
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
    public async Task A_raft_peer_not_given_the_kind_stops_and_says_why_while_the_others_go_on()
    {
        var network = new InMemoryRaftNetwork();
        ulong[] voters = [1, 2, 3];
        var peers = voters.Select(id =>
        {
            var options = new ClusterStoreOptions { Raft = new RaftOptions { NodeId = id, Voters = voters, Transport = network, TickInterval = TimeSpan.FromMilliseconds(20) } };
            return new ClusterStore(id == 3 ? options : UserKinds.Register(options));
        }).ToArray();
        try
        {
            // Peer 3 must not lead (it could not even propose the kind): hand leadership on if it won the election.
            var leader = await Leader(peers);
            if (leader == peers[2])
            {
                Assert.That(await leader.TransferLeadershipAsync(1), Is.True);
                leader = await Leader(peers);
            }

            await leader.Services.CreateAsync(Objects.Service());
            await WaitFor(() => peers.All(p => p.Revision >= 1));
            await leader.Collection<Gateway>().CreateAsync(Gateway.Create());
            await leader.Services.CreateAsync(Objects.Service("after", clusterIP: "10.96.0.11"));

            // It applies nothing past the entry it cannot read, stops, and says so to the next caller.
            using (var cts = new CancellationTokenSource(TaskTimeouts.Long))
            {
                while (true)
                {
                    try
                    {
                        await peers[2].SyncAsync(cts.Token);
                        await Task.Delay(10, cts.Token);
                    }
                    catch (StoreUnavailableException)
                    {
                        break;
                    }
                }
            }

            Assert.That(peers[2].Revision, Is.EqualTo(1));
            var error = Assert.ThrowsAsync<StoreStoppedException>(async () => await peers[2].Services.CreateAsync(Objects.Service("third", clusterIP: "10.96.0.12")));
            Assert.That(error!.Message, Does.Contain("Gateway.gateway.example.com"));
            await WaitFor(() => peers.Where(p => p != peers[2]).All(p => p.Services.Get("default", "after") is not null && p.Collection<Gateway>().Get("default", "edge") is not null));
        }
        finally
        {
            foreach (var peer in peers)
            {
                peer.Dispose();
            }
        }
    }

    private static async Task<ClusterStore> Leader(ClusterStore[] peers)
    {
        ClusterStore? leader = null;
        await WaitFor(() => (leader = peers.FirstOrDefault(p => p.RaftPeer!.IsLeader && peers.All(o => o.RaftPeer!.Leader == p.RaftPeer.Id))) is not null);
        return leader!;
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(TaskTimeouts.Long);
        while (!condition())
        {
            await Task.Delay(5, cts.Token);
        }
    }
}
