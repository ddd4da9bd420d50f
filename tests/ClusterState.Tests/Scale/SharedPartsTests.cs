using ClusterState.Model;
using ClusterState.Tests.Persistence;

namespace ClusterState.Tests.Scale;

/// <summary>
/// What keeps a stored object small: equal parts shared between the objects the store keeps (names, label maps,
/// selectors, port lists), and the rarely set fields of metadata and Service specifications kept apart, which must
/// not change what the objects are equal to or read back as.
/// </summary>
public sealed class SharedPartsTests
{
    [Test]
    public async Task Stored_Services_share_equal_ports_and_a_selector_equal_to_their_labels()
    {
        using var store = new ClusterStore();
        var a = await store.Services.CreateAsync(Objects.Service("a", clusterIP: "10.96.0.1"));
        var b = await store.Services.CreateAsync(Objects.Service("b", clusterIP: "10.96.0.2"));
        var c = await store.Services.CreateAsync(Objects.Service("c", clusterIP: "10.96.0.3", port: 81));

        Assert.That(b.Spec.Ports.SharedItems, Is.SameAs(a.Spec.Ports.SharedItems), "equal port lists are one array");
        Assert.That(c.Spec.Ports.SharedItems, Is.Not.SameAs(a.Spec.Ports.SharedItems));
        Assert.That(c.Spec.Ports[0].Port, Is.EqualTo(81), "an unequal list keeps its own values");
        Assert.That(a.Spec.Selector.SharedPairs, Is.SameAs(a.Metadata.Labels.SharedPairs), "the selector equals the labels: one array");
        Assert.That(a.Metadata.Labels["app"], Is.SameAs(a.Metadata.Name), "a label holding the name holds the same string");
        Assert.That(b.Metadata.Namespace, Is.SameAs(a.Metadata.Namespace));
        Assert.That(store.Services.Get("default", "b"), Is.SameAs(b));

        // An update that changes the ports shares the new list with an equal stored one.
        var moved = await store.Services.UpdateAsync(c with { Spec = c.Spec with { Ports = [new ServicePort { Name = "http", Port = 80, TargetPort = 8080 }] } });
        Assert.That(moved.Spec.Ports.SharedItems, Is.SameAs(a.Spec.Ports.SharedItems));
        Assert.That(moved.Metadata.Generation, Is.EqualTo(2));
    }

    [Test]
    public async Task Sharing_never_changes_a_value([Values(1, 2)] int seed)
    {
        // Random objects of every kind, stored and read back: each equals what was given (but for server fields).
        using var store = new ClusterStore();
        var random = new Random(seed);
        for (var i = 0; i < 300; i++)
        {
            var service = Objects.Service("s" + i, ns: "ns" + random.Next(3), clusterIP: $"10.96.{i / 200}.{i % 200 + 1}", port: 80 + random.Next(3)) is var s && random.Next(2) == 0
                ? s with { Metadata = s.Metadata with { Labels = StringMap.Of(("app", "x" + random.Next(4)), ("tier", "t" + random.Next(2))) } }
                : s;
            var stored = await store.Services.CreateAsync(service);
            Assert.That(stored.Spec, Is.EqualTo(service.Spec));
            Assert.That(stored.Metadata.Labels, Is.EqualTo(service.Metadata.Labels));
            Assert.That(stored.Metadata.Name, Is.EqualTo(service.Metadata.Name));
        }
    }

    [Test]
    public async Task A_reopened_durable_store_shares_parts_too()
    {
        using var dir = new TempDirectory();
        var options = new ClusterStoreOptions { DataDirectory = dir.Path, SnapshotEveryRevisions = 3 };
        using (var store = new ClusterStore(options))
        {
            for (var i = 0; i < 5; i++)
            {
                await store.Services.CreateAsync(Objects.Service("s" + i, clusterIP: $"10.96.0.{i + 1}"));
            }
        }

        using var reopened = new ClusterStore(options);
        var services = reopened.Services.List().Items;
        Assert.That(services.All(s => KeyNamedByObject(reopened, s)), "keys replayed from the snapshot and the log hold the objects' strings");
        Assert.That(services, Has.Count.EqualTo(5));
        Assert.That(services.Select(s => s.Spec.Ports.SharedItems).Distinct(), Has.Exactly(1).Items, "from the snapshot and from the log replayed after it");
        Assert.That(services.All(s => ReferenceEquals(s.Metadata.Labels.SharedPairs, s.Spec.Selector.SharedPairs)));
    }

    [Test]
    public async Task A_key_holds_the_strings_of_its_stored_object()
    {
        // Namespaces made fresh for every object, as a decoder makes them: the key shares the stored (shared) string.
        using var store = new ClusterStore();
        for (var i = 0; i < 20; i++)
        {
            var service = Objects.Service("s" + i, ns: string.Concat("n", "s", (i % 2).ToString(System.Globalization.CultureInfo.InvariantCulture)), clusterIP: $"10.96.0.{i + 1}");
            var stored = await store.Services.CreateAsync(service);
            Assert.That(KeyNamedByObject(store, stored));
        }

        Assert.That(store.Services.List(new ListOptions { Namespace = "ns1" }).Items.Select(s => s.Metadata.Namespace).Distinct(ReferenceEqualityComparer.Instance).Count(), Is.EqualTo(1));
    }

    private static bool KeyNamedByObject(ClusterStore store, Service service)
    {
        var history = store.State.FindHistory(service.Kind, new ClusterState.Storage.ObjectName(service.Metadata.Namespace, service.Metadata.Name));
        return history is not null && ReferenceEquals(history.Name.Namespace, service.Metadata.Namespace) && ReferenceEquals(history.Name.Name, service.Metadata.Name);
    }

    [Test]
    public void Fields_kept_apart_and_set_to_their_default_allocate_nothing_more()
    {
        // A decoder (or a with expression) sets every field; an unset one must not build a record of extras first.
        static ServiceSpec Plain() => new() { ClusterIP = "10.96.0.1" };
        static ServiceSpec AllUnset() => new()
        {
            ClusterIP = "10.96.0.1", SessionAffinityConfig = null, ExternalName = null, ExternalIPs = default, ExternalTrafficPolicy = null,
            HealthCheckNodePort = null, LoadBalancerIP = null, LoadBalancerSourceRanges = default, LoadBalancerClass = null,
            AllocateLoadBalancerNodePorts = null, PublishNotReadyAddresses = false, TrafficDistribution = null,
        };
        static ObjectMeta PlainMeta() => new() { Name = "a" };
        static ObjectMeta AllUnsetMeta() => new() { Name = "a", Annotations = default, Finalizers = default, OwnerReferences = default, DeletionTimestamp = null };

        long Cost<T>(Func<T> make)
        {
            make();
            var before = GC.GetAllocatedBytesForCurrentThread();
            GC.KeepAlive(make());
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.That(Cost(AllUnset), Is.EqualTo(Cost(Plain)));
        Assert.That(Cost(AllUnsetMeta), Is.EqualTo(Cost(PlainMeta)));
        Assert.That(AllUnset(), Is.EqualTo(Plain()));
        Assert.That(Plain() with { ExternalName = "x.example.com" } with { ExternalName = null }, Is.EqualTo(Plain()), "cleared again, equal to never set");
    }

    [Test]
    public void Optional_enums_held_in_a_byte_read_back_as_set()
    {
        var unset = new ServiceSpec();
        Assert.That(unset.IPFamilyPolicy, Is.Null);
        Assert.That(unset.InternalTrafficPolicy, Is.Null);
        foreach (var policy in Enum.GetValues<IPFamilyPolicy>())
        {
            var spec = unset with { IPFamilyPolicy = policy };
            Assert.That(spec.IPFamilyPolicy, Is.EqualTo(policy));
            Assert.That(spec, Is.Not.EqualTo(unset));
            Assert.That(spec with { IPFamilyPolicy = null }, Is.EqualTo(unset));
        }

        foreach (var policy in Enum.GetValues<TrafficPolicy>())
        {
            Assert.That((unset with { InternalTrafficPolicy = policy }).InternalTrafficPolicy, Is.EqualTo(policy));
        }

        // An undefined value the byte can hold reaches validation, which names it; the one it cannot is refused at once.
        var odd = unset with { InternalTrafficPolicy = (TrafficPolicy)7 };
        Assert.That(odd.InternalTrafficPolicy, Is.EqualTo((TrafficPolicy)7));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => _ = unset with { IPFamilyPolicy = (IPFamilyPolicy)255 });
        Assert.That(ex!.ParamName, Is.EqualTo("IPFamilyPolicy"));
    }

    [Test]
    public void Metadata_fields_kept_apart_read_back_and_compare_as_fields()
    {
        var plain = new ObjectMeta { Name = "a" };
        var full = plain with
        {
            Annotations = StringMap.Of(("k", "v")),
            Finalizers = ["example.com/f"],
            OwnerReferences = [new OwnerReference { ApiVersion = "v1", Kind = "Service", Name = "o" }],
            DeletionTimestamp = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)),
        };

        Assert.That(full.Annotations["k"], Is.EqualTo("v"));
        Assert.That(full.Finalizers, Is.EqualTo(new[] { "example.com/f" }));
        Assert.That(full.OwnerReferences[0].Name, Is.EqualTo("o"));
        Assert.That(full.DeletionTimestamp!.Value.Offset, Is.EqualTo(TimeSpan.FromHours(2)), "kept as given");
        Assert.That(full, Is.Not.EqualTo(plain));
        Assert.That(plain.DeletionTimestamp, Is.Null);

        // Cleared again, the metadata equals (and hashes as) metadata that never had them.
        var cleared = full with { Annotations = default, Finalizers = default, OwnerReferences = default, DeletionTimestamp = null };
        Assert.That(cleared, Is.EqualTo(plain));
        Assert.That(cleared.GetHashCode(), Is.EqualTo(plain.GetHashCode()));

        // The creation time is an instant: the same instant in any offset is equal.
        var utc = plain with { CreationTimestamp = new DateTimeOffset(2026, 1, 2, 1, 4, 5, TimeSpan.Zero) };
        var local = plain with { CreationTimestamp = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)) };
        Assert.That(local, Is.EqualTo(utc));
        Assert.That(local.CreationTimestamp, Is.EqualTo(utc.CreationTimestamp));
    }

    [Test]
    public void Service_fields_kept_apart_read_back_unset_as_unset_and_compare_as_fields()
    {
        var plain = new ServiceSpec();
        Assert.Multiple(() =>
        {
            Assert.That(plain.ExternalTrafficPolicy, Is.Null);
            Assert.That(plain.HealthCheckNodePort, Is.Null);
            Assert.That(plain.AllocateLoadBalancerNodePorts, Is.Null);
            Assert.That(plain.SessionAffinityConfig, Is.Null);
            Assert.That(plain.ExternalName, Is.Null);
            Assert.That(plain.LoadBalancerIP, Is.Null);
            Assert.That(plain.LoadBalancerClass, Is.Null);
            Assert.That(plain.TrafficDistribution, Is.Null);
            Assert.That(plain.ExternalIPs.IsEmpty && plain.LoadBalancerSourceRanges.IsEmpty && !plain.PublishNotReadyAddresses);
        });

        var full = plain with
        {
            Type = ServiceType.LoadBalancer,
            ExternalTrafficPolicy = TrafficPolicy.Cluster,
            HealthCheckNodePort = 30000,
            AllocateLoadBalancerNodePorts = false,
            SessionAffinityConfig = new SessionAffinityConfig { ClientIPTimeoutSeconds = 60 },
            ExternalName = "x.example.com",
            ExternalIPs = ["192.0.2.1"],
            LoadBalancerIP = "192.0.2.2",
            LoadBalancerSourceRanges = ["192.0.2.0/24"],
            LoadBalancerClass = "example.com/lb",
            PublishNotReadyAddresses = true,
            TrafficDistribution = "PreferClose",
        };

        Assert.Multiple(() =>
        {
            Assert.That(full.ExternalTrafficPolicy, Is.EqualTo(TrafficPolicy.Cluster), "the zero value of a nullable enum is a value, not unset");
            Assert.That(full.AllocateLoadBalancerNodePorts, Is.False);
            Assert.That(full.HealthCheckNodePort, Is.EqualTo(30000));
            Assert.That(full.SessionAffinityConfig!.ClientIPTimeoutSeconds, Is.EqualTo(60));
            Assert.That(full.ExternalIPs, Is.EqualTo(new[] { "192.0.2.1" }));
            Assert.That(full.LoadBalancerSourceRanges, Is.EqualTo(new[] { "192.0.2.0/24" }));
            Assert.That(full.PublishNotReadyAddresses, Is.True);
            Assert.That(full.TrafficDistribution, Is.EqualTo("PreferClose"));
            Assert.That(full with { TrafficDistribution = "Other" }, Is.Not.EqualTo(full));
        });

        var cleared = full with
        {
            Type = ServiceType.ClusterIP,
            ExternalTrafficPolicy = null,
            HealthCheckNodePort = null,
            AllocateLoadBalancerNodePorts = null,
            SessionAffinityConfig = null,
            ExternalName = null,
            ExternalIPs = default,
            LoadBalancerIP = null,
            LoadBalancerSourceRanges = default,
            LoadBalancerClass = null,
            PublishNotReadyAddresses = false,
            TrafficDistribution = null,
        };
        Assert.That(cleared, Is.EqualTo(plain));
        Assert.That(cleared.GetHashCode(), Is.EqualTo(plain.GetHashCode()));
    }

    [Test]
    public void The_interner_keeps_at_most_its_slots_and_shares_map_strings()
    {
        var interner = new Interner();
        var name = new string("svc-1".AsSpan());
        Assert.That(interner.String(name), Is.SameAs(name));
        Assert.That(interner.String(new string("svc-1".AsSpan())), Is.SameAs(name));

        var map = interner.Map(StringMap.Of(("app", new string("svc-1".AsSpan()))));
        Assert.That(map["app"], Is.SameAs(name), "a new map's strings are shared");
        Assert.That(interner.Map(StringMap.Of(("app", "svc-1"))).SharedPairs, Is.SameAs(map.SharedPairs));

        // Many distinct values: each comes back as itself (a full slot is taken over, never grown).
        for (var i = 0; i < 50_000; i++)
        {
            var value = "v" + i;
            Assert.That(interner.String(value), Is.EqualTo(value));
        }

        var longValue = new string('x', 1_000);
        Assert.That(interner.String(longValue), Is.SameAs(longValue));
        Assert.That(interner.String(new string('x', 1_000)), Is.Not.SameAs(longValue), "long strings are not kept");
    }
}
