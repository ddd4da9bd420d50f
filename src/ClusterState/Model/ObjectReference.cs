namespace ClusterState.Model;

/// <summary>A reference to another object, e.g. the Pod behind an endpoint address (Kubernetes' <c>ObjectReference</c>).</summary>
public sealed record ObjectReference
{
    /// <summary>Kind of the referent, e.g. <c>Pod</c>.</summary>
    public string? Kind { get; init; }

    /// <summary>Namespace of the referent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Name of the referent.</summary>
    public string? Name { get; init; }

    /// <summary>Uid of the referent.</summary>
    public string? Uid { get; init; }

    /// <summary>API version of the referent.</summary>
    public string? ApiVersion { get; init; }

    /// <summary>Resource version of the referent.</summary>
    public string? ResourceVersion { get; init; }

    /// <summary>A field of the referent, e.g. <c>spec.containers{name}</c>.</summary>
    public string? FieldPath { get; init; }
}
