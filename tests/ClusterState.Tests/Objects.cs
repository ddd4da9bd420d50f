using ClusterState.Model;

namespace ClusterState.Tests;

/// <summary>Valid objects to start tests from; change them with <c>with</c>.</summary>
internal static class Objects
{
    public static Service Service(string name = "web", string ns = "default", string clusterIP = "10.96.0.10", int port = 80) => new()
    {
        Metadata = new() { Namespace = ns, Name = name, Labels = StringMap.Of(("app", name)) },
        Spec = new()
        {
            ClusterIP = clusterIP,
            Selector = StringMap.Of(("app", name)),
            Ports = [new ServicePort { Name = "http", Port = port, TargetPort = 8080 }],
        },
    };

    public static EndpointSlice Slice(string service = "web", string name = "web-abc", string ns = "default", params string[] ips) => new()
    {
        Metadata = new() { Namespace = ns, Name = name, Labels = StringMap.Of((EndpointSlice.ServiceNameLabel, service)) },
        AddressType = AddressType.IPv4,
        Endpoints = ValueArray.From((ips.Length == 0 ? ["10.244.1.5"] : ips).Select(ip => new Endpoint { Addresses = [ip], Conditions = new() { Ready = true } })),
        Ports = [new EndpointPort { Name = "http", Port = 8080 }],
    };

    public static Endpoints Endpoints(string name = "web", string ns = "default") => new()
    {
        Metadata = new() { Namespace = ns, Name = name },
        Subsets = [new EndpointSubset { Addresses = [new EndpointAddress { IP = "10.244.1.5" }], Ports = [new EndpointPort { Name = "http", Port = 8080 }] }],
    };

    public static NetworkPolicy Policy(string name = "deny-all", string ns = "default") => new()
    {
        Metadata = new() { Namespace = ns, Name = name },
        Spec = new()
        {
            PodSelector = new() { MatchLabels = StringMap.Of(("app", "web")) },
            PolicyTypes = [PolicyType.Ingress],
            Ingress =
            [
                new NetworkPolicyIngressRule
                {
                    From = [new NetworkPolicyPeer { IPBlock = new() { Cidr = "10.0.0.0/8", Except = ["10.1.0.0/16"] } }],
                    Ports = [new NetworkPolicyPort { Protocol = Protocol.TCP, Port = 80, EndPort = 90 }],
                },
            ],
        },
    };

    public static ClusterNetworkConfig Config() => new()
    {
        Metadata = new() { Name = ClusterNetworkConfig.DefaultName },
        Spec = new()
        {
            ServiceCidrs = ["10.96.0.0/12"],
            PodCidrs = ["10.244.0.0/16", "fd00:10:244::/56"],
            NodeCidrMaskSizeIPv4 = 24,
            NodeCidrMaskSizeIPv6 = 64,
            NetworkPlugin = "cilium",
            PluginSettings = StringMap.Of(("tunnel", "vxlan")),
        },
    };

    public static Namespace Namespace(string name = "team-a") => new()
    {
        Metadata = new() { Name = name, Labels = StringMap.Of((ClusterState.Model.Namespace.NameLabel, name), ("team", "a")) },
        Spec = new() { Finalizers = ["kubernetes"] },
        Status = new() { Phase = NamespacePhase.Active },
    };

    public static Pod Pod(string name = "web-0", string ns = "default", string ip = "10.244.1.5", string node = "node-1") => new()
    {
        Metadata = new() { Namespace = ns, Name = name, Labels = StringMap.Of(("app", "web")) },
        Spec = new()
        {
            NodeName = node,
            Containers =
            [
                new Container
                {
                    Name = "app",
                    Image = "registry.example.com/web:1.0",
                    Ports = [new ContainerPort { Name = "http", Port = 8080 }, new ContainerPort { Name = "dns", Port = 53, Protocol = Protocol.UDP }],
                },
            ],
        },
        Status = new()
        {
            Phase = PodPhase.Running,
            PodIP = ip,
            PodIPs = [new PodIP { IP = ip }],
            HostIP = "192.0.2.10",
            HostIPs = [new PodIP { IP = "192.0.2.10" }],
            Conditions = [new PodCondition { Type = PodCondition.ReadyType, Status = "True", LastTransitionTime = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero) }],
        },
    };

    public static Node Node(string name = "node-1") => new()
    {
        Metadata = new() { Name = name, Labels = StringMap.Of((ClusterState.Model.Node.ZoneLabel, "zone-a")) },
        Spec = new() { PodCIDR = "10.244.1.0/24", PodCIDRs = ["10.244.1.0/24", "fd00:10:244:1::/64"] },
        Status = new()
        {
            Addresses = [new NodeAddress { Type = NodeAddressType.InternalIP, Address = "192.0.2.10" }, new NodeAddress { Type = NodeAddressType.Hostname, Address = name }],
            Conditions = [new NodeCondition { Type = NodeCondition.ReadyType, Status = "True" }],
        },
    };

    public static ServiceCIDR ServiceCidr(string name = ClusterState.Model.ServiceCIDR.DefaultName) => new()
    {
        Metadata = new() { Name = name },
        Spec = new() { CIDRs = ["10.96.0.0/12", "fd00:10:96::/112"] },
    };

    public static ClusterState.Model.IPAddress IPAddress(string ip = "10.96.0.10", string service = "web") => new()
    {
        Metadata = new() { Name = ip },
        Spec = new() { ParentRef = new ParentReference { Resource = "services", Namespace = "default", Name = service } },
    };
}
