namespace ClusterState.Model;

/// <summary>A port a <see cref="Service"/> exposes (Kubernetes' <c>ServicePort</c>).</summary>
public sealed record ServicePort
{
    /// <summary>The port's name (a DNS-1123 label); required when the Service has more than one port.</summary>
    public string? Name { get; init; }

    /// <summary>The protocol.</summary>
    public Protocol Protocol { get; init; } = Protocol.TCP;

    /// <summary>An application protocol hint, e.g. <c>http</c> or <c>kubernetes.io/h2c</c>.</summary>
    public string? AppProtocol { get; init; }

    /// <summary>The port on the cluster IP (1 to 65535).</summary>
    public required int Port { get; init; }

    /// <summary>The port on the backends, as a number or a container port name; when empty, <see cref="Port"/>.</summary>
    public IntOrString TargetPort { get; init; }

    /// <summary>The node port, for NodePort and LoadBalancer Services.</summary>
    public int? NodePort { get; init; }

    /// <summary>The backend port as a number, when it is one: <see cref="TargetPort"/> or else <see cref="Port"/>.</summary>
    public int? ResolvedTargetPortNumber => TargetPort.IsEmpty ? Port : TargetPort.Number;
}
