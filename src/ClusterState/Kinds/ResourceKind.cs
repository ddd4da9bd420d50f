using System.Diagnostics.CodeAnalysis;
using ClusterState.Kinds;

namespace ClusterState.Model;

/// <summary>
/// The identity of a kind of object, as Kubernetes names it: API group and version, kind and plural resource name,
/// and whether its objects live in a namespace. Two kinds are the same when their group and kind are (the version
/// names the form the objects are written in). The store keeps and finds a kind by <see cref="QualifiedName"/>,
/// on disk and on the wire.
/// </summary>
public sealed class ResourceKind : IEquatable<ResourceKind>
{
    /// <summary>
    /// Describes a kind.
    /// </summary>
    /// <param name="group">The API group: empty for Kubernetes' core group, else a DNS subdomain such as <c>example.com</c>.</param>
    /// <param name="version">The API version, e.g. <c>v1</c>.</param>
    /// <param name="name">The kind, in Kubernetes' PascalCase, e.g. <c>EndpointSlice</c>.</param>
    /// <param name="plural">The plural resource name, lower case, e.g. <c>endpointslices</c>.</param>
    /// <param name="namespaced">True when objects live in a namespace; false for cluster-scoped kinds.</param>
    /// <exception cref="ArgumentException">A part is empty or not in the form Kubernetes requires.</exception>
    public ResourceKind(string group, string version, string name, string plural, bool namespaced)
    {
        ArgumentNullException.ThrowIfNull(group);
        Check(group.Length == 0 || KindRules.IsDnsSubdomain(group), nameof(group), "must be empty (the core group) or a lower-case DNS subdomain");
        Check(KindRules.IsDnsLabel(version), nameof(version), "must be a lower-case DNS label, e.g. v1");
        Check(KindRules.IsKindName(name), nameof(name), "must start with an upper-case letter and hold only letters and digits, at most 63");
        Check(KindRules.IsDnsLabel(plural), nameof(plural), "must be a lower-case DNS label, e.g. gateways");
        Group = group;
        Version = version;
        Name = name;
        Plural = plural;
        IsNamespaced = namespaced;
        QualifiedName = group.Length == 0 ? name : $"{name}.{group}";
        _hash = QualifiedName.GetHashCode(StringComparison.Ordinal);
    }

    private readonly int _hash;

    /// <summary>The API group: empty for Kubernetes' core group.</summary>
    public string Group { get; }

    /// <summary>The API version the objects are written in, e.g. <c>v1</c>.</summary>
    public string Version { get; }

    /// <summary>The kind, e.g. <c>EndpointSlice</c>.</summary>
    public string Name { get; }

    /// <summary>The plural resource name, e.g. <c>endpointslices</c>.</summary>
    public string Plural { get; }

    /// <summary>True when objects of this kind live in a namespace.</summary>
    public bool IsNamespaced { get; }

    /// <summary>Kubernetes' <c>apiVersion</c>: <c>group/version</c>, or the version alone for the core group.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The name the store keeps the kind by: <c>Kind.group</c>, or the kind alone for the core group.</summary>
    public string QualifiedName { get; }

    /// <summary>core/v1 Service.</summary>
    public static ResourceKind Service { get; } = new(string.Empty, "v1", "Service", "services", namespaced: true);

    /// <summary>core/v1 Endpoints.</summary>
    public static ResourceKind Endpoints { get; } = new(string.Empty, "v1", "Endpoints", "endpoints", namespaced: true);

    /// <summary>discovery.k8s.io/v1 EndpointSlice.</summary>
    public static ResourceKind EndpointSlice { get; } = new("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", namespaced: true);

    /// <summary>networking.k8s.io/v1 NetworkPolicy.</summary>
    public static ResourceKind NetworkPolicy { get; } = new("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", namespaced: true);

    /// <summary>The cluster network configuration (cluster-scoped): config.clusterstate.io/v1 ClusterNetworkConfig.</summary>
    public static ResourceKind ClusterNetworkConfig { get; } = new("config.clusterstate.io", "v1", "ClusterNetworkConfig", "clusternetworkconfigs", namespaced: false);

    /// <summary>core/v1 Namespace (cluster-scoped).</summary>
    public static ResourceKind Namespace { get; } = new(string.Empty, "v1", "Namespace", "namespaces", namespaced: false);

    /// <summary>core/v1 Pod.</summary>
    public static ResourceKind Pod { get; } = new(string.Empty, "v1", "Pod", "pods", namespaced: true);

    /// <summary>core/v1 Node (cluster-scoped).</summary>
    public static ResourceKind Node { get; } = new(string.Empty, "v1", "Node", "nodes", namespaced: false);

    /// <summary>networking.k8s.io/v1 ServiceCIDR (cluster-scoped).</summary>
    public static ResourceKind ServiceCIDR { get; } = new("networking.k8s.io", "v1", "ServiceCIDR", "servicecidrs", namespaced: false);

    /// <summary>networking.k8s.io/v1 IPAddress (cluster-scoped).</summary>
    public static ResourceKind IPAddress { get; } = new("networking.k8s.io", "v1", "IPAddress", "ipaddresses", namespaced: false);

    /// <summary>The kind of <typeparamref name="T"/>: a built-in kind, or one declared with <see cref="KubernetesKindAttribute"/>.</summary>
    /// <exception cref="UnknownKindException"><typeparamref name="T"/> is not a kind (an abstract type, or one without the attribute).</exception>
    public static ResourceKind Of<T>()
        where T : ClusterObject => KindOf<T>.Kind ?? throw UnknownKindException.ForType(typeof(T));

    /// <summary>The kind of <paramref name="type"/>, as <see cref="Of{T}"/>.</summary>
    /// <exception cref="UnknownKindException"><paramref name="type"/> is not a kind.</exception>
    public static ResourceKind Of(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return KindTypes.Find(type) ?? throw UnknownKindException.ForType(type);
    }

    /// <inheritdoc />
    public bool Equals([NotNullWhen(true)] ResourceKind? other) =>
        ReferenceEquals(this, other) || (other is not null && string.Equals(QualifiedName, other.QualifiedName, StringComparison.Ordinal));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ResourceKind);

    /// <inheritdoc />
    public override int GetHashCode() => _hash;

    /// <summary>The kind's name, e.g. <c>Service</c>.</summary>
    public override string ToString() => Name;

    /// <summary>True when both are the same kind (or both null).</summary>
    public static bool operator ==(ResourceKind? left, ResourceKind? right) => left is null ? right is null : left.Equals(right);

    /// <summary>True when they are different kinds.</summary>
    public static bool operator !=(ResourceKind? left, ResourceKind? right) => !(left == right);

    private static void Check(bool valid, string parameter, string rule)
    {
        if (!valid)
        {
            throw new ArgumentException($"The kind's {parameter} {rule}.", parameter);
        }
    }

    private static class KindOf<T>
        where T : ClusterObject
    {
        public static readonly ResourceKind? Kind = KindTypes.Find(typeof(T));
    }
}
