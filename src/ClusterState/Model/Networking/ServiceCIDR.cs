namespace ClusterState.Model;

/// <summary>
/// A ServiceCIDR (networking.k8s.io/v1, cluster-scoped): a range Service cluster IPs are allocated from, one CIDR
/// per IP family.
/// </summary>
public sealed record ServiceCIDR : ClusterObject
{
    /// <summary>The name of the ServiceCIDR Kubernetes creates from the API server's service range.</summary>
    public const string DefaultName = "kubernetes";

    /// <inheritdoc />
    public override ResourceKind Kind => ResourceKind.ServiceCIDR;

    /// <summary>The ranges.</summary>
    public ServiceCIDRSpec Spec { get => _spec; init => _spec = value ?? new(); }

    /// <summary>Never null: a null given to <see cref="Spec"/> (or a field missing from JSON) reads as empty.</summary>
    private readonly ServiceCIDRSpec _spec = new();

    /// <summary>The observed state: conditions such as <c>Ready</c>.</summary>
    public ServiceCIDRStatus Status { get => _status; init => _status = value ?? new(); }

    /// <summary>Never null: a null given to <see cref="Status"/> (or a field missing from JSON) reads as empty.</summary>
    private readonly ServiceCIDRStatus _status = new();

    internal override ClusterObject ShareUnchanged(ClusterObject previous, out bool specDiffers)
    {
        if (previous is not ServiceCIDR p)
        {
            specDiffers = true;
            return this;
        }

        var spec = Sharing.Pick(Spec, p.Spec, out specDiffers);
        var status = Sharing.Pick(Status, p.Status, out _);
        return ReferenceEquals(spec, Spec) && ReferenceEquals(status, Status) ? this : this with { Spec = spec, Status = status };
    }
}

/// <summary>The specification of a <see cref="ServiceCIDR"/> (Kubernetes' <c>ServiceCIDRSpec</c>).</summary>
public sealed record ServiceCIDRSpec
{
    /// <summary>The ranges in canonical CIDR form: one or two, at most one per IP family (Kubernetes' <c>cidrs</c>).</summary>
    [System.Text.Json.Serialization.JsonPropertyName("cidrs")]
    public ValueArray<string> CIDRs { get; init; }
}

/// <summary>The observed state of a <see cref="ServiceCIDR"/> (Kubernetes' <c>ServiceCIDRStatus</c>).</summary>
public sealed record ServiceCIDRStatus
{
    /// <summary>The conditions, such as <c>Ready</c>.</summary>
    public ValueArray<Condition> Conditions { get; init; }
}
