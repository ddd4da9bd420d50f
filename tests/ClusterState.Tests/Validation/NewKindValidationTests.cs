using ClusterState.Kinds;
using ClusterState.Model;
using ClusterState.Validation;

namespace ClusterState.Tests.Validation;

/// <summary>
/// The rules of Namespace, Pod, Node, ServiceCIDR and IPAddress, one case per rule: a valid object changed in one
/// place is refused naming exactly that field, and nothing is stored.
/// </summary>
public sealed class NewKindValidationTests
{
    private static readonly Namespace Ns = Objects.Namespace();
    private static readonly Pod PodObj = Objects.Pod();
    private static readonly Node NodeObj = Objects.Node();
    private static readonly ServiceCIDR Cidr = Objects.ServiceCidr();
    private static readonly ClusterState.Model.IPAddress Ip = Objects.IPAddress();

    private static Pod WithContainer(Func<Container, Container> change) =>
        PodObj with { Spec = PodObj.Spec with { Containers = [change(PodObj.Spec.Containers[0])] } };

    private static Pod WithPort(ContainerPort port, bool hostNetwork = false) =>
        PodObj with { Spec = PodObj.Spec with { HostNetwork = hostNetwork, Containers = [PodObj.Spec.Containers[0] with { Ports = [port] }] } };

    private static Pod WithStatus(Func<PodStatus, PodStatus> change) => PodObj with { Status = change(PodObj.Status) };

    private static IEnumerable<TestCaseData> Cases()
    {
        // Namespace
        yield return Case("namespace name is a DNS label", Ns with { Metadata = Ns.Metadata with { Name = "team.a" } }, "metadata.name", "DNS-1123 label");
        yield return Case("namespace is cluster-scoped", Ns with { Metadata = Ns.Metadata with { Namespace = "default" } }, "metadata.namespace", "cluster-scoped");
        yield return Case("namespace finalizer qualified", Ns with { Spec = new() { Finalizers = ["example"] } }, "spec.finalizers[0]", "neither a standard finalizer name nor is it fully qualified");
        yield return Case("namespace finalizer syntax", Ns with { Spec = new() { Finalizers = ["a b/c"] } }, "spec.finalizers[0]", "Invalid value");
        yield return Case("namespace phase", Ns with { Status = new() { Phase = (NamespacePhase)7 } }, "status.phase", "Unsupported value");
        yield return Case("namespace condition status", Ns with { Status = new() { Conditions = [new NamespaceCondition { Type = "X", Status = "Maybe" }] } }, "status.conditions[0].status", "Unsupported value: \"Maybe\"");

        // Pod
        yield return Case("pod name is a subdomain", PodObj with { Metadata = PodObj.Metadata with { Name = "Web_0" } }, "metadata.name", "DNS-1123 subdomain");
        yield return Case("pod needs a namespace", PodObj with { Metadata = PodObj.Metadata with { Namespace = "" } }, "metadata.namespace", "Required value");
        yield return Case("pod node name", PodObj with { Spec = PodObj.Spec with { NodeName = "Node_1" } }, "spec.nodeName", "DNS-1123 subdomain");
        yield return Case("pod needs a container", PodObj with { Spec = PodObj.Spec with { Containers = [] } }, "spec.containers", "Required value");
        yield return Case("container name required", WithContainer(c => c with { Name = "" }), "spec.containers[0].name", "Required value");
        yield return Case("container name DNS label", WithContainer(c => c with { Name = "App" }), "spec.containers[0].name", "DNS-1123 label");
        yield return Case("container names unique", PodObj with { Spec = PodObj.Spec with { Containers = [PodObj.Spec.Containers[0], PodObj.Spec.Containers[0] with { Ports = [] }] } }, "spec.containers[1].name", "Duplicate value");
        yield return Case("container image required", WithContainer(c => c with { Image = "" }), "spec.containers[0].image", "Required value");
        yield return Case("container port required", WithPort(new ContainerPort { Port = 0 }), "spec.containers[0].ports[0].containerPort", "Required value");
        yield return Case("container port range", WithPort(new ContainerPort { Port = 70000 }), "spec.containers[0].ports[0].containerPort", "between 1 and 65535");
        yield return Case("container port name IANA", WithPort(new ContainerPort { Name = "http--x", Port = 80 }), "spec.containers[0].ports[0].name", "consecutive hyphens");
        yield return Case("container port name length", WithPort(new ContainerPort { Name = "abcdefghijklmnop", Port = 80 }), "spec.containers[0].ports[0].name", "no more than 15");
        yield return Case("port names unique in the pod", PodObj with { Spec = PodObj.Spec with { Containers = [PodObj.Spec.Containers[0], new Container { Name = "side", Image = "x", Ports = [new ContainerPort { Name = "http", Port = 9090 }] }] } }, "spec.containers[1].ports[0].name", "Duplicate value: \"http\"");
        yield return Case("container port protocol", WithPort(new ContainerPort { Port = 80, Protocol = (Protocol)5 }), "spec.containers[0].ports[0].protocol", "Unsupported value");
        yield return Case("host port range", WithPort(new ContainerPort { Port = 80, HostPort = 70000 }), "spec.containers[0].ports[0].hostPort", "between 1 and 65535");
        yield return Case("host network host port", WithPort(new ContainerPort { Port = 80, HostPort = 8080 }, hostNetwork: true), "spec.containers[0].ports[0].hostPort", "must match `containerPort` when `hostNetwork` is true");
        yield return Case("host IP", WithPort(new ContainerPort { Port = 80, HostPort = 80, HostIP = "1.2.3" }), "spec.containers[0].ports[0].hostIP", "valid IP");
        yield return Case("pod phase", WithStatus(s => s with { Phase = (PodPhase)9 }), "status.phase", "Unsupported value");
        yield return Case("pod IP", WithStatus(s => s with { PodIP = "10.244.1", PodIPs = [] }), "status.podIP", "valid IP");
        yield return Case("pod IPs valid", WithStatus(s => s with { PodIP = null, PodIPs = [new PodIP { IP = "nope" }] }), "status.podIPs[0].ip", "valid IP");
        yield return Case("pod IPs one per family", WithStatus(s => s with { PodIPs = [new PodIP { IP = "10.244.1.5" }, new PodIP { IP = "10.244.1.6" }] }), "status.podIPs[1]", "no more than one IP for each IP family");
        yield return Case("pod IPs at most two", WithStatus(s => s with { PodIPs = [new PodIP { IP = "10.244.1.5" }, new PodIP { IP = "fd00::5" }, new PodIP { IP = "fd00::6" }] }), "status.podIPs", "at most 2");
        yield return Case("pod IPs first is podIP", WithStatus(s => s with { PodIPs = [new PodIP { IP = "10.244.9.9" }] }), "status.podIPs[0].ip", "must match podIP");
        yield return Case("host IP valid", WithStatus(s => s with { HostIP = "192.0.2", HostIPs = [] }), "status.hostIP", "valid IP");
        yield return Case("pod condition type", WithStatus(s => s with { Conditions = [new PodCondition { Type = "", Status = "True" }] }), "status.conditions[0].type", "Required value");
        yield return Case("pod condition status", WithStatus(s => s with { Conditions = [new PodCondition { Type = "Ready", Status = "yes" }] }), "status.conditions[0].status", "Unsupported value");

        // Node
        yield return Case("node name is a subdomain", NodeObj with { Metadata = NodeObj.Metadata with { Name = "Node_1" } }, "metadata.name", "DNS-1123 subdomain");
        yield return Case("node is cluster-scoped", NodeObj with { Metadata = NodeObj.Metadata with { Namespace = "default" } }, "metadata.namespace", "cluster-scoped");
        yield return Case("node pod CIDR", NodeObj with { Spec = NodeObj.Spec with { PodCIDR = "10.244.1.0", PodCIDRs = [] } }, "spec.podCIDR", "valid CIDR");
        yield return Case("node pod CIDRs canonical", NodeObj with { Spec = NodeObj.Spec with { PodCIDR = null, PodCIDRs = ["10.244.1.1/24"] } }, "spec.podCIDRs[0]", "canonical form");
        yield return Case("node pod CIDRs one per family", NodeObj with { Spec = NodeObj.Spec with { PodCIDR = null, PodCIDRs = ["10.244.1.0/24", "10.244.2.0/24"] } }, "spec.podCIDRs", "no more than one CIDR for each IP family");
        yield return Case("node pod CIDRs first is podCIDR", NodeObj with { Spec = NodeObj.Spec with { PodCIDR = "10.244.9.0/24" } }, "spec.podCIDRs[0]", "must match podCIDR");
        yield return Case("node address type", NodeObj with { Status = NodeObj.Status with { Addresses = [new NodeAddress { Type = (NodeAddressType)9, Address = "x" }] } }, "status.addresses[0].type", "Unsupported value");
        yield return Case("node address required", NodeObj with { Status = NodeObj.Status with { Addresses = [new NodeAddress { Type = NodeAddressType.Hostname, Address = "" }] } }, "status.addresses[0].address", "Required value");
        yield return Case("node internal IP valid", NodeObj with { Status = NodeObj.Status with { Addresses = [new NodeAddress { Type = NodeAddressType.InternalIP, Address = "node-1" }] } }, "status.addresses[0].address", "valid IP");
        yield return Case("node condition status", NodeObj with { Status = NodeObj.Status with { Conditions = [new NodeCondition { Type = "Ready", Status = "" }] } }, "status.conditions[0].status", "Required value");

        // ServiceCIDR
        yield return Case("service CIDR required", Cidr with { Spec = new() }, "spec.cidrs", "Required value");
        yield return Case("service CIDR valid", Cidr with { Spec = new() { CIDRs = ["10.96.0.0/33"] } }, "spec.cidrs[0]", "valid CIDR");
        yield return Case("service CIDR canonical", Cidr with { Spec = new() { CIDRs = ["10.96.0.1/12"] } }, "spec.cidrs[0]", "canonical form");
        yield return Case("service CIDRs one per family", Cidr with { Spec = new() { CIDRs = ["10.96.0.0/12", "10.112.0.0/12"] } }, "spec.cidrs", "no more than one CIDR for each IP family");
        yield return Case("service CIDRs at most two", Cidr with { Spec = new() { CIDRs = ["10.96.0.0/12", "fd00::/112", "fd01::/112"] } }, "spec.cidrs", "at most 2");
        yield return Case("service CIDR condition", Cidr with { Status = new() { Conditions = [new Condition { Type = "Ready", Status = "Yes" }] } }, "status.conditions[0].status", "Unsupported value");

        // IPAddress
        yield return Case("IPAddress name is an IP", Ip with { Metadata = Ip.Metadata with { Name = "web" } }, "metadata.name", "valid IP");
        yield return Case("IPAddress name canonical", Ip with { Metadata = Ip.Metadata with { Name = "FD00::A" } }, "metadata.name", "canonical form (\"fd00::a\")");
        yield return Case("IPAddress name no leading zeros", Ip with { Metadata = Ip.Metadata with { Name = "10.096.0.10" } }, "metadata.name", "valid IP");
        yield return Case("IPAddress parentRef required", Ip with { Spec = new() }, "spec.parentRef", "Required value");
        yield return Case("IPAddress parent resource", Ip with { Spec = new() { ParentRef = new ParentReference { Resource = "", Name = "web" } } }, "spec.parentRef.resource", "Required value");
        yield return Case("IPAddress parent name", Ip with { Spec = new() { ParentRef = new ParentReference { Resource = "services", Name = "" } } }, "spec.parentRef.name", "Required value");
        yield return Case("IPAddress parent namespace", Ip with { Spec = new() { ParentRef = new ParentReference { Resource = "services", Namespace = "Default", Name = "web" } } }, "spec.parentRef.namespace", "DNS-1123 label");
        yield return Case("IPAddress parent group", Ip with { Spec = new() { ParentRef = new ParentReference { Group = "Bad_Group", Resource = "services", Name = "web" } } }, "spec.parentRef.group", "DNS-1123 subdomain");
    }

    private static TestCaseData Case(string rule, ClusterObject obj, string field, string message) =>
        new TestCaseData(obj, field, message).SetName("Rule: " + rule);

    [TestCaseSource(nameof(Cases))]
    public void Each_rule_reports_its_field_and_nothing_is_stored(ClusterObject obj, string field, string message)
    {
        var error = Assert.Throws<ValidationException>(() => ObjectValidator.Validate(obj, ClusterStoreOptions.DefaultMaxObjectBytes, KindRegistry.BuiltIn));
        Assert.That(error!.Errors.Select(e => e.Field), Does.Contain(field), error.Message);
        Assert.That(error.Errors.First(e => e.Field == field).Message, Does.Contain(message));

        using var store = new ClusterStore();
        Assert.ThrowsAsync<ValidationException>(async () => await store.Transaction().Then(TxnOperation.Create(obj)).CommitAsync());
        Assert.That(store.Revision, Is.Zero);
    }

    [Test]
    public void The_sample_objects_and_valid_special_cases_pass()
    {
        ClusterObject[] valid =
        [
            Ns, PodObj, NodeObj, Cidr, Ip,
            Objects.IPAddress("fd00::a"),
            Ns with { Spec = new() { Finalizers = ["example.com/cleanup"] }, Status = new() },
            PodObj with { Spec = PodObj.Spec with { HostNetwork = true, Containers = [PodObj.Spec.Containers[0] with { Ports = [new ContainerPort { Port = 80, HostPort = 80 }] }] } },
            PodObj with { Spec = PodObj.Spec with { NodeName = null }, Status = new() { Phase = PodPhase.Pending } },
            PodObj with { Metadata = PodObj.Metadata with { DeletionTimestamp = DateTimeOffset.UnixEpoch }, Status = PodObj.Status with { PodIPs = [new PodIP { IP = "10.244.1.5" }, new PodIP { IP = "fd00:10:244::5" }] } },
            NodeObj with { Spec = new() { Unschedulable = true }, Status = new() },
            Cidr with { Spec = new() { CIDRs = ["fd00:10:96::/112"] } },
        ];
        foreach (var obj in valid)
        {
            Assert.DoesNotThrow(() => ObjectValidator.Validate(obj, ClusterStoreOptions.DefaultMaxObjectBytes, KindRegistry.BuiltIn), obj.ToString());
        }
    }

    [Test]
    public async Task Each_new_kind_round_trips_through_the_log_and_a_snapshot()
    {
        using var directory = new Persistence.TempDirectory();
        var options = new ClusterStoreOptions { DataDirectory = directory.Path };
        ClusterObject[] objects = [Ns, PodObj with { Metadata = PodObj.Metadata with { DeletionTimestamp = new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.Zero) } }, NodeObj, Cidr, Ip];
        using (var store = new ClusterStore(options))
        {
            await store.Transaction().Then(objects.Select(TxnOperation.Create)).CommitAsync();
            using var backup = new MemoryStream();
            var info = await store.SaveSnapshotAsync(backup);
            Assert.That(info.TotalObjects, Is.EqualTo(5));
            backup.Position = 0;
            using var restored = await ClusterStore.RestoreAsync(backup);
            AssertHolds(restored, objects);
        }

        using var reopened = new ClusterStore(options);
        AssertHolds(reopened, objects);
        var pod = reopened.Collection<Pod>().Get("default", "web-0")!;
        Assert.That(pod.FindPort("dns"), Is.EqualTo(new ContainerPort { Name = "dns", Port = 53, Protocol = Protocol.UDP }));
        Assert.That(pod.IsReady, Is.True);
        Assert.That(reopened.Collection<Node>().Get(string.Empty, "node-1")!.Zone, Is.EqualTo("zone-a"));

        // A status change keeps the generation; a spec change bumps it.
        var notReady = await reopened.Collection<Pod>().UpdateAsync(pod with { Status = pod.Status with { Conditions = [new PodCondition { Type = "Ready", Status = "False" }] } });
        Assert.That(notReady.Metadata.Generation, Is.EqualTo(pod.Metadata.Generation));
        Assert.That(notReady.IsReady, Is.False);
        var moved = await reopened.Collection<Pod>().UpdateAsync(notReady with { Spec = notReady.Spec with { NodeName = "node-2" } });
        Assert.That(moved.Metadata.Generation, Is.EqualTo(pod.Metadata.Generation + 1));
    }

    private static void AssertHolds(ClusterStore store, ClusterObject[] objects)
    {
        foreach (var expected in objects)
        {
            var descriptor = store.Kinds.Single(k => k == expected.Kind);
            var stored = store.State.Get(descriptor, new Storage.ObjectName(expected.Metadata.Namespace, expected.Metadata.Name), store.Revision);
            Assert.That(stored, Is.Not.Null, expected.ToString());
            Assert.That(stored! with { Metadata = expected.Metadata }, Is.EqualTo(expected), expected.Kind.Name);
            Assert.That(stored.Metadata.DeletionTimestamp, Is.EqualTo(expected.Metadata.DeletionTimestamp));
        }
    }
}
