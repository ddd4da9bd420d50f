using ClusterState.Model;

namespace ClusterState;

/// <summary>Maps model types to their <see cref="ResourceKind"/>.</summary>
public static class ResourceKinds
{
    /// <summary>Every kind a store holds.</summary>
    public static IReadOnlyList<ResourceKind> All { get; } =
        [ResourceKind.Service, ResourceKind.Endpoints, ResourceKind.EndpointSlice, ResourceKind.NetworkPolicy, ResourceKind.ClusterNetworkConfig];

    /// <summary>The kind of <typeparamref name="T"/>.</summary>
    public static ResourceKind Of<T>()
        where T : ClusterObject => Cache<T>.Kind;

    /// <summary>True for kinds whose objects live in a namespace.</summary>
    public static bool IsNamespaced(ResourceKind kind) => kind != ResourceKind.ClusterNetworkConfig;

    private static class Cache<T>
        where T : ClusterObject
    {
        public static readonly ResourceKind Kind = typeof(T) == typeof(Service) ? ResourceKind.Service
            : typeof(T) == typeof(Endpoints) ? ResourceKind.Endpoints
            : typeof(T) == typeof(EndpointSlice) ? ResourceKind.EndpointSlice
            : typeof(T) == typeof(NetworkPolicy) ? ResourceKind.NetworkPolicy
            : typeof(T) == typeof(ClusterNetworkConfig) ? ResourceKind.ClusterNetworkConfig
            : throw new NotSupportedException($"{typeof(T).Name} is not a kind the store holds; use a concrete kind.");
    }
}
