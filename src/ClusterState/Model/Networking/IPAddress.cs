namespace ClusterState.Model;

/// <summary>
/// An IPAddress (networking.k8s.io/v1, cluster-scoped): one allocated IP, named by the address itself in canonical
/// form (e.g. <c>10.96.0.10</c>, <c>2001:db8::a</c>), and the object it is allocated to (a Service's ClusterIP).
/// </summary>
public sealed record IPAddress : ClusterObject
{
    /// <inheritdoc />
    public override ResourceKind Kind => ResourceKind.IPAddress;

    /// <summary>What the address is allocated to.</summary>
    public IPAddressSpec Spec { get => _spec; init => _spec = value ?? new(); }

    /// <summary>Never null: a null given to <see cref="Spec"/> (or a field missing from JSON) reads as empty.</summary>
    private readonly IPAddressSpec _spec = new();

    internal override ClusterObject ShareUnchanged(ClusterObject previous, out bool specDiffers)
    {
        if (previous is not IPAddress p)
        {
            specDiffers = true;
            return this;
        }

        var spec = Sharing.Pick(Spec, p.Spec, out specDiffers);
        return ReferenceEquals(spec, Spec) ? this : this with { Spec = spec };
    }
}

/// <summary>The specification of an <see cref="IPAddress"/> (Kubernetes' <c>IPAddressSpec</c>).</summary>
public sealed record IPAddressSpec
{
    /// <summary>The object the address is allocated to; required.</summary>
    public ParentReference? ParentRef { get; init; }
}

/// <summary>The object an <see cref="IPAddress"/> belongs to (Kubernetes' <c>ParentReference</c>).</summary>
public sealed record ParentReference
{
    /// <summary>The API group of the object (empty for the core group).</summary>
    public string? Group { get; init; }

    /// <summary>The plural resource name, e.g. <c>services</c>.</summary>
    public required string Resource { get; init; }

    /// <summary>The object's namespace; empty for a cluster-scoped object.</summary>
    public string? Namespace { get; init; }

    /// <summary>The object's name.</summary>
    public required string Name { get; init; }
}
