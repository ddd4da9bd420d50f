namespace ClusterState.Model;

/// <summary>
/// A Node (core/v1, cluster-scoped), with the fields network components read: its labels (among them the topology
/// zone), the pod CIDRs assigned to it, its addresses and its readiness.
/// </summary>
public sealed record Node : ClusterObject
{
    /// <summary>The label that names a node's zone, which topology-aware routing reads.</summary>
    public const string ZoneLabel = "topology.kubernetes.io/zone";

    /// <summary>The label that names a node's region.</summary>
    public const string RegionLabel = "topology.kubernetes.io/region";

    /// <inheritdoc />
    public override ResourceKind Kind => ResourceKind.Node;

    /// <summary>The desired state: pod CIDRs and schedulability.</summary>
    public NodeSpec Spec { get => _spec; init => _spec = value ?? new(); }

    /// <summary>Never null: a null given to <see cref="Spec"/> (or a field missing from JSON) reads as empty.</summary>
    private readonly NodeSpec _spec = new();

    /// <summary>The observed state: addresses and conditions.</summary>
    public NodeStatus Status { get => _status; init => _status = value ?? new(); }

    /// <summary>Never null: a null given to <see cref="Status"/> (or a field missing from JSON) reads as empty.</summary>
    private readonly NodeStatus _status = new();

    /// <summary>The node's zone label; null when it has none.</summary>
    public string? Zone => Metadata.Labels.TryGetValue(ZoneLabel, out var zone) ? zone : null;

    /// <summary>True when the node reports the <c>Ready</c> condition as <c>True</c>.</summary>
    public bool IsReady
    {
        get
        {
            foreach (var condition in Status.Conditions)
            {
                if (condition.Type == NodeCondition.ReadyType)
                {
                    return condition.Status == "True";
                }
            }

            return false;
        }
    }

    internal override ClusterObject ShareUnchanged(ClusterObject previous, out bool specDiffers)
    {
        if (previous is not Node p)
        {
            specDiffers = true;
            return this;
        }

        var spec = Sharing.Pick(Spec, p.Spec, out specDiffers);
        var status = Sharing.Pick(Status, p.Status, out _);
        return ReferenceEquals(spec, Spec) && ReferenceEquals(status, Status) ? this : this with { Spec = spec, Status = status };
    }
}

/// <summary>The specification of a <see cref="Node"/> (Kubernetes' <c>NodeSpec</c>, network fields).</summary>
public sealed record NodeSpec
{
    /// <summary>The node's primary pod CIDR; equals the first of <see cref="PodCIDRs"/>.</summary>
    public string? PodCIDR { get; init; }

    /// <summary>The pod CIDRs assigned to the node, at most one per family.</summary>
    public ValueArray<string> PodCIDRs { get; init; }

    /// <summary>True when new pods are not scheduled to the node.</summary>
    public bool Unschedulable { get; init; }

    /// <summary>The node's id at its infrastructure provider.</summary>
    public string? ProviderID { get; init; }
}

/// <summary>The observed state of a <see cref="Node"/> (Kubernetes' <c>NodeStatus</c>, network fields).</summary>
public sealed record NodeStatus
{
    /// <summary>The node's addresses.</summary>
    public ValueArray<NodeAddress> Addresses { get; init; }

    /// <summary>The node's conditions, among them <c>Ready</c>.</summary>
    public ValueArray<NodeCondition> Conditions { get; init; }
}

/// <summary>An address of a <see cref="Node"/> (Kubernetes' <c>NodeAddress</c>).</summary>
public sealed record NodeAddress
{
    /// <summary>What the address is.</summary>
    public required NodeAddressType Type { get; init; }

    /// <summary>The address: an IP, or a name for the host and DNS types.</summary>
    public required string Address { get; init; }
}

/// <summary>The type of a <see cref="NodeAddress"/>.</summary>
public enum NodeAddressType
{
    /// <summary>The node's host name.</summary>
    Hostname = 0,

    /// <summary>An IP reachable inside the cluster.</summary>
    InternalIP = 1,

    /// <summary>An IP reachable from outside the cluster.</summary>
    ExternalIP = 2,

    /// <summary>A DNS name resolving inside the cluster.</summary>
    InternalDNS = 3,

    /// <summary>A DNS name resolving outside the cluster.</summary>
    ExternalDNS = 4,
}

/// <summary>A condition of a <see cref="Node"/> (Kubernetes' <c>NodeCondition</c>).</summary>
public sealed record NodeCondition
{
    /// <summary>The type of the condition that says the node is healthy and accepts pods.</summary>
    public const string ReadyType = "Ready";

    /// <summary>The condition's type, e.g. <c>Ready</c>.</summary>
    public required string Type { get; init; }

    /// <summary><c>True</c>, <c>False</c> or <c>Unknown</c>.</summary>
    public required string Status { get; init; }

    /// <summary>When the condition was last reported.</summary>
    public DateTimeOffset? LastHeartbeatTime { get; init; }

    /// <summary>When the status last changed.</summary>
    public DateTimeOffset? LastTransitionTime { get; init; }

    /// <summary>A machine-readable reason for the last change.</summary>
    public string? Reason { get; init; }

    /// <summary>A human-readable message about the last change.</summary>
    public string? Message { get; init; }
}
