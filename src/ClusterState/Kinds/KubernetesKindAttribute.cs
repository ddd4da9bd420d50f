namespace ClusterState.Model;

/// <summary>
/// Declares the kind a record deriving from <see cref="ClusterObject"/> is: its API group, version, kind name and
/// plural resource name, and its scope. The store learns everything else about the kind (validation, how it is
/// written) when the kind is registered with <see cref="ClusterStoreOptions.AddKind{T}(KindSerializer{T}, Func{T, IEnumerable{ValidationError}}?)"/>.
/// </summary>
/// <example>
/// <code>
/// [KubernetesKind("gateway.example.com", "v1", "Gateway", "gateways")]
/// public sealed record Gateway : ClusterObject { public required GatewaySpec Spec { get; init; } }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class KubernetesKindAttribute(string group, string version, string name, string plural) : Attribute
{
    /// <summary>The API group (empty for the core group).</summary>
    public string Group { get; } = group;

    /// <summary>The API version.</summary>
    public string Version { get; } = version;

    /// <summary>The kind, e.g. <c>Gateway</c>.</summary>
    public string Name { get; } = name;

    /// <summary>The plural resource name, e.g. <c>gateways</c>.</summary>
    public string Plural { get; } = plural;

    /// <summary>True (the default) when objects live in a namespace; false for cluster-scoped kinds.</summary>
    public bool Namespaced { get; init; } = true;
}
