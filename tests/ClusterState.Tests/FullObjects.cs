using ClusterState.Model;

namespace ClusterState.Tests;

/// <summary>Valid objects of every kind with every optional part set, for tests that walk every field.</summary>
internal static class FullObjects
{
    public static IReadOnlyList<ClusterObject> All() => [Service(), Endpoints(), Slice(), Policy(), Config(), Namespace(), Pod(), Node(), ServiceCidr(), Address()];

    private static ObjectMeta Meta(string name, string ns = "default") => new()
    {
        Namespace = ns,
        Name = name,
        Labels = StringMap.Of(("app", name)),
        Annotations = StringMap.Of(("example.com/note", "free text")),
        Finalizers = ["example.com/cleanup"],
        OwnerReferences = [new OwnerReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "owner", Uid = Guid.NewGuid(), Controller = true }],
    };

    private static ObjectReference Ref() => new() { Kind = "Pod", Namespace = "default", Name = "web-1", Uid = "u-1", ApiVersion = "v1", ResourceVersion = "7", FieldPath = "spec" };

    public static Service Service() => new()
    {
        Metadata = Meta("web"),
        Spec = new()
        {
            Type = ServiceType.LoadBalancer,
            ClusterIP = "10.96.0.10",
            ClusterIPs = ["10.96.0.10"],
            IPFamilies = [IPFamily.IPv4],
            IPFamilyPolicy = IPFamilyPolicy.SingleStack,
            Selector = StringMap.Of(("app", "web")),
            Ports = [new ServicePort { Name = "http", Port = 80, TargetPort = IntOrString.FromName("http"), AppProtocol = "http", NodePort = 30080 }],
            SessionAffinity = SessionAffinity.ClientIP,
            ExternalIPs = ["192.0.2.10"],
            ExternalTrafficPolicy = TrafficPolicy.Local,
            HealthCheckNodePort = 30999,
            LoadBalancerSourceRanges = ["192.0.2.0/24"],
            LoadBalancerClass = "example.com/lb",
        },
        Status = new()
        {
            LoadBalancerIngress = [new LoadBalancerIngress { IP = "192.0.2.1", Hostname = "lb.example.com", IPMode = "VIP", Ports = [new PortStatus { Port = 80, Error = "Pending" }] }],
            Conditions = [new Condition { Type = "Ready", Status = "True", Reason = "Provisioned", Message = "the balancer answers" }],
        },
    };

    public static Endpoints Endpoints() => new()
    {
        Metadata = Meta("web"),
        Subsets =
        [
            new EndpointSubset
            {
                Addresses = [new EndpointAddress { IP = "10.244.1.5", Hostname = "web-1", NodeName = "node-1", TargetRef = Ref() }],
                NotReadyAddresses = [new EndpointAddress { IP = "10.244.1.6" }],
                Ports = [new EndpointPort { Name = "http", Port = 8080, AppProtocol = "http" }],
            },
        ],
    };

    public static EndpointSlice Slice() => new()
    {
        Metadata = Meta("web-abc") with { Labels = StringMap.Of((EndpointSlice.ServiceNameLabel, "web")) },
        AddressType = AddressType.IPv4,
        Endpoints =
        [
            new Endpoint
            {
                Addresses = ["10.244.1.5"],
                Conditions = new() { Ready = true, Serving = true, Terminating = false },
                Hostname = "web-1",
                TargetRef = Ref(),
                NodeName = "node-1",
                Zone = "zone-a",
                Hints = new() { ForZones = ["zone-a"], ForNodes = ["node-1"] },
                DeprecatedTopology = StringMap.Of(("topology.kubernetes.io/zone", "zone-a")),
            },
        ],
        Ports = [new EndpointPort { Name = "http", Port = 8080, AppProtocol = "http" }],
    };

    public static NetworkPolicy Policy() => new()
    {
        Metadata = Meta("allow-web"),
        Spec = new()
        {
            PodSelector = new()
            {
                MatchLabels = StringMap.Of(("app", "web")),
                MatchExpressions = [new LabelSelectorRequirement { Key = "tier", Operator = LabelSelectorOperator.In, Values = ["front"] }],
            },
            PolicyTypes = [PolicyType.Ingress, PolicyType.Egress],
            Ingress =
            [
                new NetworkPolicyIngressRule
                {
                    From =
                    [
                        new NetworkPolicyPeer { PodSelector = new() { MatchLabels = StringMap.Of(("role", "client")) }, NamespaceSelector = new() { MatchLabels = StringMap.Of(("team", "a")) } },
                        new NetworkPolicyPeer { IPBlock = new() { Cidr = "10.0.0.0/8", Except = ["10.1.0.0/16"] } },
                    ],
                    Ports = [new NetworkPolicyPort { Protocol = Protocol.TCP, Port = 80, EndPort = 90 }, new NetworkPolicyPort { Port = IntOrString.FromName("http") }],
                },
            ],
            Egress = [new NetworkPolicyEgressRule { To = [new NetworkPolicyPeer { IPBlock = new() { Cidr = "0.0.0.0/0" } }], Ports = [new NetworkPolicyPort { Protocol = Protocol.UDP, Port = 53 }] }],
        },
    };

    public static ClusterNetworkConfig Config() => new()
    {
        Metadata = Meta(ClusterNetworkConfig.DefaultName, ns: string.Empty),
        Spec = new()
        {
            ServiceCidrs = ["10.96.0.0/12"],
            PodCidrs = ["10.244.0.0/16"],
            NodeCidrMaskSizeIPv4 = 24,
            ClusterDomain = "cluster.local",
            NetworkPlugin = "cilium",
            PluginSettings = StringMap.Of(("tunnel", "vxlan")),
        },
    };

    private static Namespace Namespace() => new()
    {
        Metadata = Meta("team-a", ns: string.Empty),
        Spec = new() { Finalizers = ["kubernetes", "example.com/cleanup"] },
        Status = new()
        {
            Phase = NamespacePhase.Active,
            Conditions = [new NamespaceCondition { Type = "NamespaceDeletionContentFailure", Status = "False", LastTransitionTime = DateTimeOffset.UnixEpoch, Reason = "OK", Message = "fine" }],
        },
    };

    private static Pod Pod() => new()
    {
        Metadata = Meta("web-0") with { DeletionTimestamp = DateTimeOffset.UnixEpoch },
        Spec = new()
        {
            NodeName = "node-1",
            HostNetwork = false,
            Containers =
            [
                new Container { Name = "app", Image = "registry.example.com/web:1", Ports = [new ContainerPort { Name = "http", Port = 8080, Protocol = Protocol.TCP, HostPort = 80, HostIP = "192.0.2.10" }] },
            ],
        },
        Status = new()
        {
            Phase = PodPhase.Running,
            PodIP = "10.244.1.5",
            PodIPs = [new PodIP { IP = "10.244.1.5" }],
            HostIP = "192.0.2.10",
            HostIPs = [new PodIP { IP = "192.0.2.10" }],
            Conditions = [new PodCondition { Type = "Ready", Status = "True", LastProbeTime = DateTimeOffset.UnixEpoch, LastTransitionTime = DateTimeOffset.UnixEpoch, Reason = "Up", Message = "ready" }],
        },
    };

    private static Node Node() => new()
    {
        Metadata = Meta("node-1", ns: string.Empty),
        Spec = new() { PodCIDR = "10.244.1.0/24", PodCIDRs = ["10.244.1.0/24"], Unschedulable = true, ProviderID = "kind://node-1" },
        Status = new()
        {
            Addresses = [new NodeAddress { Type = NodeAddressType.InternalIP, Address = "192.0.2.10" }],
            Conditions = [new NodeCondition { Type = "Ready", Status = "True", LastHeartbeatTime = DateTimeOffset.UnixEpoch, LastTransitionTime = DateTimeOffset.UnixEpoch, Reason = "KubeletReady", Message = "ok" }],
        },
    };

    private static ServiceCIDR ServiceCidr() => new()
    {
        Metadata = Meta("kubernetes", ns: string.Empty),
        Spec = new() { CIDRs = ["10.96.0.0/12"] },
        Status = new() { Conditions = [new Condition { Type = "Ready", Status = "True", LastTransitionTime = DateTimeOffset.UnixEpoch, Reason = "Ready", Message = "ok" }] },
    };

    private static ClusterState.Model.IPAddress Address() => new()
    {
        Metadata = Meta("10.96.0.10", ns: string.Empty),
        Spec = new() { ParentRef = new ParentReference { Group = "example.com", Resource = "services", Namespace = "default", Name = "web" } },
    };
}
