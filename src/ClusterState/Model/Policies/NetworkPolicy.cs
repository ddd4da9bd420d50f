namespace ClusterState.Model;

/// <summary>
/// A NetworkPolicy (networking.k8s.io/v1): which traffic the pods its selector picks may receive and send.
/// </summary>
public sealed record NetworkPolicy : ClusterObject
{
    /// <inheritdoc />
    public override ResourceKind Kind => ResourceKind.NetworkPolicy;

    /// <summary>The desired policy.</summary>
    public NetworkPolicySpec Spec { get => _spec; init => _spec = value ?? new(); }

    /// <summary>Never null: a null given to <see cref="Spec"/> (or a field missing from JSON) reads as empty.</summary>
    private readonly NetworkPolicySpec _spec = new();

    internal override ClusterObject ShareUnchanged(ClusterObject previous, out bool specDiffers)
    {
        if (previous is not NetworkPolicy p)
        {
            specDiffers = true;
            return this;
        }

        var spec = Sharing.Pick(Spec, p.Spec, out specDiffers);
        return ReferenceEquals(spec, Spec) ? this : this with { Spec = spec };
    }
}

/// <summary>The specification of a <see cref="NetworkPolicy"/>.</summary>
public sealed record NetworkPolicySpec
{
    /// <summary>The pods in the policy's namespace the policy applies to; empty selects all of them.</summary>
    public LabelSelector PodSelector { get => _podSelector; init => _podSelector = value ?? LabelSelector.Everything; }

    /// <summary>Never null: a null (or a missing field) selects every pod, as an empty selector does.</summary>
    private readonly LabelSelector _podSelector = LabelSelector.Everything;

    /// <summary>
    /// The directions the policy governs. When empty, Kubernetes reads it as Ingress, plus Egress when
    /// <see cref="Egress"/> has rules; see <see cref="EffectivePolicyTypes"/>.
    /// </summary>
    public ValueArray<PolicyType> PolicyTypes { get; init; }

    /// <summary>Allowed incoming traffic; traffic that matches any rule is allowed.</summary>
    public ValueArray<NetworkPolicyIngressRule> Ingress { get; init; }

    /// <summary>Allowed outgoing traffic; traffic that matches any rule is allowed.</summary>
    public ValueArray<NetworkPolicyEgressRule> Egress { get; init; }

    /// <summary>The policy types as Kubernetes applies them when <see cref="PolicyTypes"/> is empty.</summary>
    public ValueArray<PolicyType> EffectivePolicyTypes =>
        !PolicyTypes.IsEmpty ? PolicyTypes : Egress.IsEmpty ? [PolicyType.Ingress] : [PolicyType.Ingress, PolicyType.Egress];
}

/// <summary>A direction a <see cref="NetworkPolicy"/> governs.</summary>
public enum PolicyType
{
    /// <summary>Incoming traffic.</summary>
    Ingress = 0,

    /// <summary>Outgoing traffic.</summary>
    Egress = 1,
}

/// <summary>A rule for incoming traffic: from any of the peers (or anywhere when empty) to any of the ports (or all when empty).</summary>
public sealed record NetworkPolicyIngressRule
{
    /// <summary>Allowed ports; empty allows all.</summary>
    public ValueArray<NetworkPolicyPort> Ports { get; init; }

    /// <summary>Allowed sources; empty allows all.</summary>
    public ValueArray<NetworkPolicyPeer> From { get; init; }
}

/// <summary>A rule for outgoing traffic: to any of the peers (or anywhere when empty) on any of the ports (or all when empty).</summary>
public sealed record NetworkPolicyEgressRule
{
    /// <summary>Allowed ports; empty allows all.</summary>
    public ValueArray<NetworkPolicyPort> Ports { get; init; }

    /// <summary>Allowed destinations; empty allows all.</summary>
    public ValueArray<NetworkPolicyPeer> To { get; init; }
}

/// <summary>
/// A peer of a rule: pods picked by <see cref="PodSelector"/> in the namespaces picked by
/// <see cref="NamespaceSelector"/>, or an <see cref="IPBlock"/>. Exactly one of ipBlock or the selectors is set.
/// </summary>
public sealed record NetworkPolicyPeer
{
    /// <summary>Pods (in the policy's namespace, or in the namespaces <see cref="NamespaceSelector"/> picks).</summary>
    public LabelSelector? PodSelector { get; init; }

    /// <summary>Namespaces by their labels.</summary>
    public LabelSelector? NamespaceSelector { get; init; }

    /// <summary>An IP range.</summary>
    public IPBlock? IPBlock { get; init; }
}

/// <summary>An IP range with holes (Kubernetes' <c>IPBlock</c>).</summary>
public sealed record IPBlock
{
    /// <summary>The range, e.g. <c>10.0.0.0/8</c>.</summary>
    public required string Cidr { get; init; }

    /// <summary>Ranges inside <see cref="Cidr"/> that are left out.</summary>
    public ValueArray<string> Except { get; init; }
}

/// <summary>A port of a rule: a protocol and a port (number or named port), or a range up to <see cref="EndPort"/>.</summary>
public sealed record NetworkPolicyPort
{
    /// <summary>The protocol; unset means TCP.</summary>
    public Protocol? Protocol { get; init; }

    /// <summary>The port as a number or a named container port; unset means all ports.</summary>
    public IntOrString? Port { get; init; }

    /// <summary>The last port of a range that starts at the numeric <see cref="Port"/>.</summary>
    public int? EndPort { get; init; }
}
