namespace ClusterState.Model;

/// <summary>
/// A Service (core/v1): a stable virtual IP and ports in front of the pods its selector picks.
/// </summary>
public sealed record Service : ClusterObject
{
    /// <summary>The value of <see cref="ServiceSpec.ClusterIP"/> that makes a Service headless.</summary>
    public const string HeadlessClusterIP = "None";

    /// <inheritdoc />
    public override ResourceKind Kind => ResourceKind.Service;

    /// <summary>The desired state.</summary>
    public ServiceSpec Spec { get => _spec; init => _spec = value ?? new(); }

    /// <summary>Never null: a null given to <see cref="Spec"/> (or a field missing from JSON) reads as empty.</summary>
    private readonly ServiceSpec _spec = new();

    /// <summary>The observed state (load balancer ingress, conditions).</summary>
    public ServiceStatus Status { get => _status; init => _status = value ?? ServiceStatus.Empty; }

    /// <summary>Never null: a null given to <see cref="Status"/> (or a field missing from JSON) reads as empty.</summary>
    private readonly ServiceStatus _status = ServiceStatus.Empty;

    /// <summary>True when the Service has no cluster IP (<c>clusterIP: None</c>).</summary>
    public bool IsHeadless => string.Equals(Spec.ClusterIP, HeadlessClusterIP, StringComparison.Ordinal);

    internal override ClusterObject ShareUnchanged(ClusterObject previous, out bool specDiffers)
    {
        if (previous is not Service p)
        {
            specDiffers = true;
            return this;
        }

        var spec = Sharing.Pick(Spec, p.Spec, out specDiffers);
        var status = Sharing.Pick(Status, p.Status, out _);
        return ReferenceEquals(spec, Spec) && ReferenceEquals(status, Status) ? this : this with { Spec = spec, Status = status };
    }

    internal override ClusterObject InternParts(Interner interner)
    {
        var spec = Spec;
        var selector = interner.Map(spec.Selector);
        var ports = interner.List(spec.Ports);
        var status = Status.Equals(ServiceStatus.Empty) ? ServiceStatus.Empty : Status;
        if (!ReferenceEquals(selector.SharedPairs, spec.Selector.SharedPairs) || !ReferenceEquals(ports.SharedItems, spec.Ports.SharedItems))
        {
            spec = spec with { Selector = selector, Ports = ports };
        }

        return ReferenceEquals(spec, Spec) && ReferenceEquals(status, Status) ? this : this with { Spec = spec, Status = status };
    }
}

/// <summary>The specification of a <see cref="Service"/> (Kubernetes' <c>ServiceSpec</c>).</summary>
public sealed record ServiceSpec
{
    /// <summary>How the Service is exposed.</summary>
    public ServiceType Type { get; init; } = ServiceType.ClusterIP;

    /// <summary>The primary cluster IP, <c>None</c> for a headless Service, or null when unset.</summary>
    public string? ClusterIP { get; init; }

    /// <summary>The cluster IPs, one per family; when set, the first equals <see cref="ClusterIP"/>.</summary>
    public ValueArray<string> ClusterIPs { get; init; }

    /// <summary>The IP families, in the order of <see cref="ClusterIPs"/>.</summary>
    public ValueArray<IPFamily> IPFamilies { get; init; }

    /// <summary>Whether the Service is single- or dual-stack.</summary>
    public IPFamilyPolicy? IPFamilyPolicy { get => OptionalByteEnum.Get<IPFamilyPolicy>(_ipFamilyPolicy); init => _ipFamilyPolicy = OptionalByteEnum.Set(value, nameof(IPFamilyPolicy)); }

    private readonly byte _ipFamilyPolicy;

    /// <summary>The ports the Service exposes.</summary>
    public ValueArray<ServicePort> Ports { get; init; }

    /// <summary>Pods with these labels back the Service; empty for a Service whose endpoints are managed by hand.</summary>
    public StringMap Selector { get; init; }

    /// <summary>Client affinity.</summary>
    public SessionAffinity SessionAffinity { get; init; } = SessionAffinity.None;

    /// <summary>Settings of <see cref="SessionAffinity.ClientIP"/> affinity.</summary>
    public SessionAffinityConfig? SessionAffinityConfig
    {
        get => _extras?.SessionAffinityConfig;
        init => _extras = _extras is null && value is null ? null : ServiceSpecExtras.Normalize((_extras ?? ServiceSpecExtras.None) with { SessionAffinityConfig = value });
    }

    /// <summary>The DNS name an <see cref="ServiceType.ExternalName"/> Service aliases.</summary>
    public string? ExternalName
    {
        get => _extras?.ExternalName;
        init => _extras = _extras is null && value is null ? null : ServiceSpecExtras.Normalize((_extras ?? ServiceSpecExtras.None) with { ExternalName = value });
    }

    /// <summary>IPs outside the cluster on which nodes accept traffic for the Service.</summary>
    public ValueArray<string> ExternalIPs
    {
        get => _extras?.ExternalIPs ?? default;
        init => _extras = _extras is null && value.Count == 0 ? null : ServiceSpecExtras.Normalize((_extras ?? ServiceSpecExtras.None) with { ExternalIPs = value });
    }

    /// <summary>How traffic from outside the cluster is routed.</summary>
    public TrafficPolicy? ExternalTrafficPolicy
    {
        get => _extras?.ExternalTrafficPolicy;
        init => _extras = _extras is null && value is null ? null : ServiceSpecExtras.Normalize((_extras ?? ServiceSpecExtras.None) with { ExternalTrafficPolicy = value });
    }

    /// <summary>How traffic from inside the cluster is routed.</summary>
    public TrafficPolicy? InternalTrafficPolicy { get => OptionalByteEnum.Get<TrafficPolicy>(_internalTrafficPolicy); init => _internalTrafficPolicy = OptionalByteEnum.Set(value, nameof(InternalTrafficPolicy)); }

    private readonly byte _internalTrafficPolicy;

    /// <summary>The health check node port of a LoadBalancer Service with the Local external traffic policy.</summary>
    public int? HealthCheckNodePort
    {
        get => _extras?.HealthCheckNodePort;
        init => _extras = _extras is null && value is null ? null : ServiceSpecExtras.Normalize((_extras ?? ServiceSpecExtras.None) with { HealthCheckNodePort = value });
    }

    /// <summary>A requested load balancer IP (deprecated in Kubernetes, kept for parity).</summary>
    public string? LoadBalancerIP
    {
        get => _extras?.LoadBalancerIP;
        init => _extras = _extras is null && value is null ? null : ServiceSpecExtras.Normalize((_extras ?? ServiceSpecExtras.None) with { LoadBalancerIP = value });
    }

    /// <summary>Client CIDRs allowed through the load balancer.</summary>
    public ValueArray<string> LoadBalancerSourceRanges
    {
        get => _extras?.LoadBalancerSourceRanges ?? default;
        init => _extras = _extras is null && value.Count == 0 ? null : ServiceSpecExtras.Normalize((_extras ?? ServiceSpecExtras.None) with { LoadBalancerSourceRanges = value });
    }

    /// <summary>The load balancer implementation class.</summary>
    public string? LoadBalancerClass
    {
        get => _extras?.LoadBalancerClass;
        init => _extras = _extras is null && value is null ? null : ServiceSpecExtras.Normalize((_extras ?? ServiceSpecExtras.None) with { LoadBalancerClass = value });
    }

    /// <summary>Whether node ports are allocated for a LoadBalancer Service.</summary>
    public bool? AllocateLoadBalancerNodePorts
    {
        get => _extras?.AllocateLoadBalancerNodePorts;
        init => _extras = _extras is null && value is null ? null : ServiceSpecExtras.Normalize((_extras ?? ServiceSpecExtras.None) with { AllocateLoadBalancerNodePorts = value });
    }

    /// <summary>Publish addresses of pods that are not ready.</summary>
    public bool PublishNotReadyAddresses
    {
        get => _extras?.PublishNotReadyAddresses ?? default;
        init => _extras = _extras is null && !value ? null : ServiceSpecExtras.Normalize((_extras ?? ServiceSpecExtras.None) with { PublishNotReadyAddresses = value });
    }

    /// <summary>A traffic distribution preference, e.g. <c>PreferClose</c>.</summary>
    public string? TrafficDistribution
    {
        get => _extras?.TrafficDistribution;
        init => _extras = _extras is null && value is null ? null : ServiceSpecExtras.Normalize((_extras ?? ServiceSpecExtras.None) with { TrafficDistribution = value });
    }

    /// <summary>The fields most Services leave unset, kept apart (null when all are unset) so that they cost nothing then.</summary>
    private readonly ServiceSpecExtras? _extras;
}

/// <summary>The parts of <see cref="ServiceSpec"/> that most Services leave unset (external, load balancer and affinity settings).</summary>
internal sealed record ServiceSpecExtras
{
    /// <summary>All unset: never stored (a <see cref="ServiceSpec"/> holds null instead).</summary>
    public static readonly ServiceSpecExtras None = new();

    public SessionAffinityConfig? SessionAffinityConfig { get; init; }

    public string? ExternalName { get; init; }

    public ValueArray<string> ExternalIPs { get; init; }

    public TrafficPolicy? ExternalTrafficPolicy { get; init; }

    public int? HealthCheckNodePort { get; init; }

    public string? LoadBalancerIP { get; init; }

    public ValueArray<string> LoadBalancerSourceRanges { get; init; }

    public string? LoadBalancerClass { get; init; }

    public bool? AllocateLoadBalancerNodePorts { get; init; }

    public bool PublishNotReadyAddresses { get; init; }

    public string? TrafficDistribution { get; init; }

    /// <summary>Null when every part is unset, so that equal specifications hold equal extras.</summary>
    public static ServiceSpecExtras? Normalize(ServiceSpecExtras extras) => extras.Equals(None) ? null : extras;
}

/// <summary>How a <see cref="Service"/> is exposed.</summary>
/// <remarks>
/// The enums of a Service specification are one byte each, so that the four of them take one word of every stored
/// specification instead of three.
/// </remarks>
public enum ServiceType : byte
{
    /// <summary>A virtual IP inside the cluster (the default).</summary>
    ClusterIP = 0,

    /// <summary>A port on every node, plus a cluster IP.</summary>
    NodePort = 1,

    /// <summary>An external load balancer, plus node ports and a cluster IP.</summary>
    LoadBalancer = 2,

    /// <summary>A DNS alias (CNAME) to <see cref="ServiceSpec.ExternalName"/>; no cluster IP.</summary>
    ExternalName = 3,
}

/// <summary>Client affinity of a <see cref="Service"/>.</summary>
public enum SessionAffinity : byte
{
    /// <summary>No affinity.</summary>
    None = 0,

    /// <summary>Connections from one client IP go to the same backend.</summary>
    ClientIP = 1,
}

/// <summary>Whether a <see cref="Service"/> is single- or dual-stack.</summary>
public enum IPFamilyPolicy : byte
{
    /// <summary>One IP family.</summary>
    SingleStack = 0,

    /// <summary>Two families when the cluster has them, else one.</summary>
    PreferDualStack = 1,

    /// <summary>Two families.</summary>
    RequireDualStack = 2,
}

/// <summary>How traffic is routed to a <see cref="Service"/>'s endpoints.</summary>
public enum TrafficPolicy : byte
{
    /// <summary>To any ready endpoint in the cluster.</summary>
    Cluster = 0,

    /// <summary>Only to endpoints on the receiving node.</summary>
    Local = 1,
}

/// <summary>Settings of client-IP session affinity.</summary>
public sealed record SessionAffinityConfig
{
    /// <summary>How long affinity lasts, in seconds (1 to 86400; Kubernetes' default is 10800).</summary>
    public int? ClientIPTimeoutSeconds { get; init; }
}
