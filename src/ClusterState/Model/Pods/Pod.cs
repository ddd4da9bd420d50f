namespace ClusterState.Model;

/// <summary>
/// A Pod (core/v1), with the fields network components read: its labels (what Service and NetworkPolicy selectors
/// match), the node it runs on, host networking, its containers' named ports (what a Service's named
/// <c>targetPort</c> and a NetworkPolicy's named port resolve against), and its phase, IPs and readiness.
/// </summary>
public sealed record Pod : ClusterObject
{
    /// <inheritdoc />
    public override ResourceKind Kind => ResourceKind.Pod;

    /// <summary>The desired state.</summary>
    public PodSpec Spec { get => _spec; init => _spec = value ?? new(); }

    /// <summary>Never null: a null given to <see cref="Spec"/> (or a field missing from JSON) reads as empty.</summary>
    private readonly PodSpec _spec = new();

    /// <summary>The observed state: phase, IPs and conditions.</summary>
    public PodStatus Status { get => _status; init => _status = value ?? new(); }

    /// <summary>Never null: a null given to <see cref="Status"/> (or a field missing from JSON) reads as empty.</summary>
    private readonly PodStatus _status = new();

    /// <summary>True when the pod reports the <c>Ready</c> condition as <c>True</c>.</summary>
    public bool IsReady
    {
        get
        {
            foreach (var condition in Status.Conditions)
            {
                if (condition.Type == PodCondition.ReadyType)
                {
                    return condition.Status == "True";
                }
            }

            return false;
        }
    }

    /// <summary>
    /// The container port named <paramref name="name"/> and its protocol, as a Service's named <c>targetPort</c>
    /// resolves it; null when no container has a port of that name.
    /// </summary>
    public ContainerPort? FindPort(string name)
    {
        foreach (var container in Spec.Containers)
        {
            foreach (var port in container.Ports)
            {
                if (string.Equals(port.Name, name, StringComparison.Ordinal))
                {
                    return port;
                }
            }
        }

        return null;
    }

    internal override ClusterObject ShareUnchanged(ClusterObject previous, out bool specDiffers)
    {
        if (previous is not Pod p)
        {
            specDiffers = true;
            return this;
        }

        var spec = Sharing.Pick(Spec, p.Spec, out specDiffers);
        var status = Sharing.Pick(Status, p.Status, out _);
        return ReferenceEquals(spec, Spec) && ReferenceEquals(status, Status) ? this : this with { Spec = spec, Status = status };
    }
}

/// <summary>The specification of a <see cref="Pod"/> (Kubernetes' <c>PodSpec</c>, network fields).</summary>
public sealed record PodSpec
{
    /// <summary>The node the pod is bound to; null until it is scheduled.</summary>
    public string? NodeName { get; init; }

    /// <summary>True when the pod uses the node's network namespace (its IP is the node's).</summary>
    public bool HostNetwork { get; init; }

    /// <summary>The pod's containers: at least one.</summary>
    public ValueArray<Container> Containers { get; init; }
}

/// <summary>A container of a <see cref="Pod"/> (Kubernetes' <c>Container</c>, network fields).</summary>
public sealed record Container
{
    /// <summary>The container's name: a DNS label, unique in the pod.</summary>
    public required string Name { get; init; }

    /// <summary>The container image.</summary>
    public required string Image { get; init; }

    /// <summary>The ports the container exposes, which named ports resolve against.</summary>
    public ValueArray<ContainerPort> Ports { get; init; }
}

/// <summary>A port a container exposes (Kubernetes' <c>ContainerPort</c>).</summary>
public sealed record ContainerPort
{
    /// <summary>The port's name (an IANA service name, at most 15 characters), unique in the pod; what named ports refer to.</summary>
    public string? Name { get; init; }

    /// <summary>The port number on the pod's IP (Kubernetes' <c>containerPort</c>).</summary>
    [System.Text.Json.Serialization.JsonPropertyName("containerPort")]
    public required int Port { get; init; }

    /// <summary>The protocol.</summary>
    public Protocol Protocol { get; init; } = Protocol.TCP;

    /// <summary>The port on the node mapped to this one; null when none.</summary>
    public int? HostPort { get; init; }

    /// <summary>The node IP the host port binds to; null for every IP.</summary>
    public string? HostIP { get; init; }
}

/// <summary>The observed state of a <see cref="Pod"/> (Kubernetes' <c>PodStatus</c>, network fields).</summary>
public sealed record PodStatus
{
    /// <summary>Where the pod is in its lifecycle; null when not reported.</summary>
    public PodPhase? Phase { get; init; }

    /// <summary>The pod's primary IP; null until it has one. Equals the first of <see cref="PodIPs"/>.</summary>
    public string? PodIP { get; init; }

    /// <summary>The pod's IPs, at most one per family, the primary first.</summary>
    public ValueArray<PodIP> PodIPs { get; init; }

    /// <summary>The IP of the node the pod runs on.</summary>
    public string? HostIP { get; init; }

    /// <summary>The node's IPs, at most one per family.</summary>
    public ValueArray<PodIP> HostIPs { get; init; }

    /// <summary>The pod's conditions, among them <c>Ready</c>.</summary>
    public ValueArray<PodCondition> Conditions { get; init; }
}

/// <summary>One IP of a pod or of its host (Kubernetes' <c>PodIP</c> and <c>HostIP</c>).</summary>
public sealed record PodIP
{
    /// <summary>The address.</summary>
    public required string IP { get; init; }
}

/// <summary>The lifecycle phase of a <see cref="Pod"/>.</summary>
public enum PodPhase
{
    /// <summary>Accepted, not all containers running yet.</summary>
    Pending = 0,

    /// <summary>Bound to a node with its containers started.</summary>
    Running = 1,

    /// <summary>Every container ended successfully.</summary>
    Succeeded = 2,

    /// <summary>Every container ended, at least one in failure.</summary>
    Failed = 3,

    /// <summary>The state could not be obtained.</summary>
    Unknown = 4,
}

/// <summary>A condition of a <see cref="Pod"/> (Kubernetes' <c>PodCondition</c>).</summary>
public sealed record PodCondition
{
    /// <summary>The type of the condition that says the pod serves traffic.</summary>
    public const string ReadyType = "Ready";

    /// <summary>The condition's type, e.g. <c>Ready</c>.</summary>
    public required string Type { get; init; }

    /// <summary><c>True</c>, <c>False</c> or <c>Unknown</c>.</summary>
    public required string Status { get; init; }

    /// <summary>When the condition was last probed.</summary>
    public DateTimeOffset? LastProbeTime { get; init; }

    /// <summary>When the status last changed.</summary>
    public DateTimeOffset? LastTransitionTime { get; init; }

    /// <summary>A machine-readable reason for the last change.</summary>
    public string? Reason { get; init; }

    /// <summary>A human-readable message about the last change.</summary>
    public string? Message { get; init; }
}
