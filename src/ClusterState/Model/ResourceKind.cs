namespace ClusterState.Model;

/// <summary>The kinds of object a store holds.</summary>
public enum ResourceKind
{
    /// <summary>core/v1 Service.</summary>
    Service = 1,

    /// <summary>core/v1 Endpoints.</summary>
    Endpoints = 2,

    /// <summary>discovery.k8s.io/v1 EndpointSlice.</summary>
    EndpointSlice = 3,

    /// <summary>networking.k8s.io/v1 NetworkPolicy.</summary>
    NetworkPolicy = 4,

    /// <summary>The cluster network configuration (cluster-scoped: its namespace is empty).</summary>
    ClusterNetworkConfig = 5,
}
