using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using ClusterState.Model;

namespace ClusterState.Benchmarks;

/// <summary>
/// An update of each built-in kind added with the kind registry (Pod, Node, Namespace, ServiceCIDR, IPAddress), of
/// EndpointSlices of 1 and 100 endpoints, of a NetworkPolicy of 100 ipBlocks, and of a kind registered by the program
/// (a Gateway written through System.Text.Json), beside the same update of a Service in the same run: 1,000 objects
/// of each kind, one writer, default history.
/// </summary>
[MemoryDiagnoser]
public class KindWriteBenchmarks
{
    private const int Count = 1_000;

    private ClusterStore _store = null!;
    private Service[] _services = null!;
    private Pod[] _pods = null!;
    private Node[] _nodes = null!;
    private Namespace[] _namespaces = null!;
    private ServiceCIDR[] _cidrs = null!;
    private Model.IPAddress[] _addresses = null!;
    private Gateway[] _gateways = null!;
    private EndpointSlice[] _slices1 = null!;
    private EndpointSlice[] _slices100 = null!;
    private NetworkPolicy[] _policies = null!;
    private int _next;

    [GlobalSetup]
    public async Task Setup()
    {
        _store = new ClusterStore(new ClusterStoreOptions().AddKind(KindSerializer.Json<Gateway>(BenchmarkJson.Default)));
        _services = await Create(Fixtures.Service);
        _pods = await Create(Pod);
        _nodes = await Create(Node);
        _namespaces = await Create(i => new Namespace { Metadata = new() { Name = "ns-" + i, Labels = StringMap.Of(("team", "t" + (i % 7))) } });
        _cidrs = await Create(i => new ServiceCIDR { Metadata = new() { Name = "cidr-" + i }, Spec = new() { CIDRs = [$"10.{i / 250 % 250}.{i % 250}.0/24"] } });
        _addresses = await Create(i => new Model.IPAddress
        {
            Metadata = new() { Name = $"10.96.{i / 250 % 250}.{i % 250 + 1}" },
            Spec = new() { ParentRef = new ParentReference { Resource = "services", Namespace = "ns" + (i % 10), Name = "svc-" + i } },
        });
        _slices1 = await Create(i => Slice(i, 1));
        _slices100 = await Create(i => Slice(i, 100));
        _policies = await Create(Policy);
        _gateways = await Create(i => new Gateway
        {
            Metadata = new() { Namespace = "ns" + (i % 10), Name = "gw-" + i, Labels = StringMap.Of(("app", "gw-" + i)) },
            Spec = new() { ClassName = "envoy", Hostnames = [$"gw-{i}.example.com"], Listeners = [new GatewayListener { Name = "https", Port = 443 }] },
        });
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    [Benchmark(Baseline = true, Description = "Service update (peer)")]
    public ValueTask<Service> ServiceUpdate() => _store.Services.UpdateUnconditionallyAsync(_services[_next++ % Count]);

    [Benchmark(Description = "Pod update")]
    public ValueTask<Pod> PodUpdate() => _store.Collection<Pod>().UpdateUnconditionallyAsync(_pods[_next++ % Count]);

    [Benchmark(Description = "Node update")]
    public ValueTask<Node> NodeUpdate() => _store.Collection<Node>().UpdateUnconditionallyAsync(_nodes[_next++ % Count]);

    [Benchmark(Description = "Namespace update")]
    public ValueTask<Namespace> NamespaceUpdate() => _store.Collection<Namespace>().UpdateUnconditionallyAsync(_namespaces[_next++ % Count]);

    [Benchmark(Description = "ServiceCIDR update")]
    public ValueTask<ServiceCIDR> ServiceCidrUpdate() => _store.Collection<ServiceCIDR>().UpdateUnconditionallyAsync(_cidrs[_next++ % Count]);

    [Benchmark(Description = "IPAddress update")]
    public ValueTask<Model.IPAddress> IPAddressUpdate() => _store.Collection<Model.IPAddress>().UpdateUnconditionallyAsync(_addresses[_next++ % Count]);

    [Benchmark(Description = "EndpointSlice (1 endpoint) update")]
    public ValueTask<EndpointSlice> EndpointSlice1Update() => _store.Collection<EndpointSlice>().UpdateUnconditionallyAsync(_slices1[_next++ % Count]);

    [Benchmark(Description = "EndpointSlice (100 endpoints) update")]
    public ValueTask<EndpointSlice> EndpointSlice100Update() => _store.Collection<EndpointSlice>().UpdateUnconditionallyAsync(_slices100[_next++ % Count]);

    [Benchmark(Description = "NetworkPolicy (100 ipBlocks) update")]
    public ValueTask<NetworkPolicy> NetworkPolicyUpdate() => _store.NetworkPolicies.UpdateUnconditionallyAsync(_policies[_next++ % Count]);

    [Benchmark(Description = "registered kind (JSON) update")]
    public ValueTask<Gateway> GatewayUpdate() => _store.Collection<Gateway>().UpdateUnconditionallyAsync(_gateways[_next++ % Count]);

    private static Pod Pod(int i) => new()
    {
        Metadata = new() { Namespace = "ns" + (i % 10), Name = "pod-" + i, Labels = StringMap.Of(("app", "svc-" + (i % 100))) },
        Spec = new()
        {
            NodeName = "node-" + (i % 50),
            Containers = [new Container { Name = "app", Image = "registry.example.com/app:1", Ports = [new ContainerPort { Name = "http", Port = 8080 }] }],
        },
        Status = new()
        {
            Phase = PodPhase.Running,
            PodIP = $"10.244.{i / 250 % 250}.{i % 250 + 1}",
            PodIPs = [new PodIP { IP = $"10.244.{i / 250 % 250}.{i % 250 + 1}" }],
            Conditions = [new PodCondition { Type = PodCondition.ReadyType, Status = "True" }],
        },
    };

    /// <summary>A slice of <paramref name="endpoints"/> ready IPv4 endpoints on ten nodes, one port.</summary>
    private static EndpointSlice Slice(int i, int endpoints) => new()
    {
        Metadata = new() { Namespace = "ns" + (i % 10), Name = $"svc-{i}-{endpoints}", Labels = StringMap.Of((EndpointSlice.ServiceNameLabel, "svc-" + i)) },
        AddressType = AddressType.IPv4,
        Endpoints = [.. Enumerable.Range(0, endpoints).Select(e => new Endpoint { Addresses = [$"10.{i / 250 % 250}.{i % 250}.{e + 1}"], NodeName = "node-" + (e % 10) })],
        Ports = [new EndpointPort { Name = "http", Port = 8080 }],
    };

    /// <summary>A policy letting in 100 IPv4 blocks, each with one hole, on one port.</summary>
    private static NetworkPolicy Policy(int i) => new()
    {
        Metadata = new() { Namespace = "ns" + (i % 10), Name = "np-" + i },
        Spec = new()
        {
            PodSelector = LabelSelector.Parse("app=svc-" + i),
            Ingress =
            [
                new NetworkPolicyIngressRule
                {
                    From = [.. Enumerable.Range(0, 100).Select(b => new NetworkPolicyPeer { IPBlock = new IPBlock { Cidr = $"10.{b}.{i % 250}.0/24", Except = [$"10.{b}.{i % 250}.128/25"] } })],
                    Ports = [new NetworkPolicyPort { Port = 8080 }],
                },
            ],
        },
    };

    private static Node Node(int i) => new()
    {
        Metadata = new() { Name = "node-" + i, Labels = StringMap.Of((Model.Node.ZoneLabel, "zone-" + (i % 3))) },
        Spec = new() { PodCIDR = $"10.{i / 250 % 250}.{i % 250}.0/24", PodCIDRs = [$"10.{i / 250 % 250}.{i % 250}.0/24"] },
        Status = new()
        {
            Addresses = [new NodeAddress { Type = NodeAddressType.InternalIP, Address = $"192.168.{i / 250 % 250}.{i % 250 + 1}" }],
            Conditions = [new NodeCondition { Type = NodeCondition.ReadyType, Status = "True" }],
        },
    };

    private async Task<T[]> Create<T>(Func<int, T> build)
        where T : ClusterObject
    {
        var stored = new T[Count];
        for (var i = 0; i < Count; i++)
        {
            stored[i] = await _store.Collection<T>().CreateAsync(build(i));
        }

        return stored;
    }
}

/// <summary>A kind of the program's own, as a user declares it.</summary>
[KubernetesKind("gateway.example.com", "v1", "Gateway", "gateways")]
public sealed record Gateway : ClusterObject
{
    public GatewaySpec Spec { get; init; } = new();
}

public sealed record GatewaySpec
{
    public string ClassName { get; init; } = string.Empty;

    public ValueArray<string> Hostnames { get; init; }

    public ValueArray<GatewayListener> Listeners { get; init; }
}

public sealed record GatewayListener
{
    public string Name { get; init; } = string.Empty;

    public int Port { get; init; }
}

[JsonSerializable(typeof(Gateway))]
[JsonSerializable(typeof(GatewayListener))]
internal sealed partial class BenchmarkJson : JsonSerializerContext;
