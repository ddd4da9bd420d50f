namespace ClusterState.Model;

/// <summary>The observed state of a <see cref="Service"/>.</summary>
public sealed record ServiceStatus
{
    /// <summary>The empty status, shared by every Service that has none.</summary>
    internal static readonly ServiceStatus Empty = new();

    /// <summary>Ingress points of the load balancer.</summary>
    public ValueArray<LoadBalancerIngress> LoadBalancerIngress { get; init; }

    /// <summary>Conditions of the Service.</summary>
    public ValueArray<Condition> Conditions { get; init; }
}

/// <summary>An ingress point of a load balancer.</summary>
public sealed record LoadBalancerIngress
{
    /// <summary>The ingress IP.</summary>
    public string? IP { get; init; }

    /// <summary>The ingress host name.</summary>
    public string? Hostname { get; init; }

    /// <summary>How the IP is used: <c>VIP</c> or <c>Proxy</c>.</summary>
    public string? IPMode { get; init; }

    /// <summary>Status of the ports.</summary>
    public ValueArray<PortStatus> Ports { get; init; }
}

/// <summary>The status of one load balancer port.</summary>
public sealed record PortStatus
{
    /// <summary>The port.</summary>
    public required int Port { get; init; }

    /// <summary>The protocol.</summary>
    public Protocol Protocol { get; init; } = Protocol.TCP;

    /// <summary>An error in CamelCase form, when the port has one.</summary>
    public string? Error { get; init; }
}

/// <summary>A condition of an object (Kubernetes' <c>metav1.Condition</c>).</summary>
public sealed record Condition
{
    /// <summary>The condition type, e.g. <c>Ready</c>.</summary>
    public required string Type { get; init; }

    /// <summary><c>True</c>, <c>False</c> or <c>Unknown</c>.</summary>
    public required string Status { get; init; }

    /// <summary>The generation the condition was computed from.</summary>
    public long ObservedGeneration { get; init; }

    /// <summary>When the status last changed.</summary>
    public DateTimeOffset LastTransitionTime { get; init; }

    /// <summary>A CamelCase reason.</summary>
    public string Reason { get; init; } = string.Empty;

    /// <summary>A human-readable message.</summary>
    public string Message { get; init; } = string.Empty;
}
