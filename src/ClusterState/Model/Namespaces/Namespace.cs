namespace ClusterState.Model;

/// <summary>
/// A Namespace (core/v1, cluster-scoped): a scope for names, whose labels are what a NetworkPolicy's
/// <c>namespaceSelector</c> matches.
/// </summary>
public sealed record Namespace : ClusterObject
{
    /// <summary>The label Kubernetes sets on every namespace to its own name, which selectors match by name.</summary>
    public const string NameLabel = "kubernetes.io/metadata.name";

    /// <inheritdoc />
    public override ResourceKind Kind => ResourceKind.Namespace;

    /// <summary>The desired state: the finalizers that must run before the namespace is removed.</summary>
    public NamespaceSpec Spec { get => _spec; init => _spec = value ?? new(); }

    /// <summary>Never null: a null given to <see cref="Spec"/> (or a field missing from JSON) reads as empty.</summary>
    private readonly NamespaceSpec _spec = new();

    /// <summary>The observed state: the phase and conditions.</summary>
    public NamespaceStatus Status { get => _status; init => _status = value ?? new(); }

    /// <summary>Never null: a null given to <see cref="Status"/> (or a field missing from JSON) reads as empty.</summary>
    private readonly NamespaceStatus _status = new();

    internal override ClusterObject ShareUnchanged(ClusterObject previous, out bool specDiffers)
    {
        if (previous is not Namespace p)
        {
            specDiffers = true;
            return this;
        }

        var spec = Sharing.Pick(Spec, p.Spec, out specDiffers);
        var status = Sharing.Pick(Status, p.Status, out _);
        return ReferenceEquals(spec, Spec) && ReferenceEquals(status, Status) ? this : this with { Spec = spec, Status = status };
    }
}

/// <summary>The specification of a <see cref="Namespace"/> (Kubernetes' <c>NamespaceSpec</c>).</summary>
public sealed record NamespaceSpec
{
    /// <summary>Finalizers to run before the namespace is removed (<c>kubernetes</c>, or qualified names).</summary>
    public ValueArray<string> Finalizers { get; init; }
}

/// <summary>The observed state of a <see cref="Namespace"/> (Kubernetes' <c>NamespaceStatus</c>).</summary>
public sealed record NamespaceStatus
{
    /// <summary>Whether the namespace is in use or being removed; null when not reported.</summary>
    public NamespacePhase? Phase { get; init; }

    /// <summary>The namespace's conditions.</summary>
    public ValueArray<NamespaceCondition> Conditions { get; init; }
}

/// <summary>The lifecycle phase of a <see cref="Namespace"/>.</summary>
public enum NamespacePhase
{
    /// <summary>In use.</summary>
    Active = 0,

    /// <summary>Being removed.</summary>
    Terminating = 1,
}

/// <summary>A condition of a <see cref="Namespace"/> (Kubernetes' <c>NamespaceCondition</c>).</summary>
public sealed record NamespaceCondition
{
    /// <summary>The condition's type, e.g. <c>NamespaceDeletionContentFailure</c>.</summary>
    public required string Type { get; init; }

    /// <summary><c>True</c>, <c>False</c> or <c>Unknown</c>.</summary>
    public required string Status { get; init; }

    /// <summary>When the status last changed.</summary>
    public DateTimeOffset? LastTransitionTime { get; init; }

    /// <summary>A machine-readable reason for the last change.</summary>
    public string? Reason { get; init; }

    /// <summary>A human-readable message about the last change.</summary>
    public string? Message { get; init; }
}
