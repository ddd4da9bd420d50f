using ClusterState.Model;
using ClusterState.Persistence;
using ClusterState.Validation;

namespace ClusterState.Kinds;

/// <summary>
/// The kinds built into the library, one registration line each. Adding a built-in kind is a model file, a
/// validator, its codec functions and one line here.
/// </summary>
internal static class BuiltInKinds
{
    /// <summary>Every built-in kind, in the order their tables are laid out.</summary>
    public static IReadOnlyList<KindDescriptor> All { get; } =
    [
        new BuiltInKind<Service>(ResourceKind.Service, ObjectCodec.WriteService, ObjectCodec.ReadService, ServiceValidator.Validate, SelectableFields.Service),
        new BuiltInKind<Endpoints>(ResourceKind.Endpoints, ObjectCodec.WriteEndpoints, ObjectCodec.ReadEndpoints, EndpointsValidator.Validate),
        new BuiltInKind<EndpointSlice>(ResourceKind.EndpointSlice, ObjectCodec.WriteEndpointSlice, ObjectCodec.ReadEndpointSlice, EndpointSliceValidator.Validate),
        new BuiltInKind<NetworkPolicy>(ResourceKind.NetworkPolicy, ObjectCodec.WriteNetworkPolicy, ObjectCodec.ReadNetworkPolicy, NetworkPolicyValidator.Validate),
        new BuiltInKind<ClusterNetworkConfig>(ResourceKind.ClusterNetworkConfig, ObjectCodec.WriteClusterNetworkConfig, ObjectCodec.ReadClusterNetworkConfig, ClusterNetworkConfigValidator.Validate),
        new BuiltInKind<Namespace>(ResourceKind.Namespace, ObjectCodec.WriteNamespace, ObjectCodec.ReadNamespace, NamespaceValidator.Validate, SelectableFields.Namespace),
        new BuiltInKind<Pod>(ResourceKind.Pod, ObjectCodec.WritePod, ObjectCodec.ReadPod, PodValidator.Validate, SelectableFields.Pod),
        new BuiltInKind<Node>(ResourceKind.Node, ObjectCodec.WriteNode, ObjectCodec.ReadNode, NodeValidator.Validate, SelectableFields.Node),
        new BuiltInKind<ServiceCIDR>(ResourceKind.ServiceCIDR, ObjectCodec.WriteServiceCIDR, ObjectCodec.ReadServiceCIDR, ServiceCIDRValidator.Validate),
        new BuiltInKind<Model.IPAddress>(ResourceKind.IPAddress, ObjectCodec.WriteIPAddress, ObjectCodec.ReadIPAddress, IPAddressValidator.Validate),
    ];

    private static readonly Dictionary<Type, KindDescriptor> Types = All.ToDictionary(d => d.ClrType);

    /// <summary>The built-in kind of <paramref name="type"/>, or null.</summary>
    public static KindDescriptor? ByType(Type type) => Types.GetValueOrDefault(type);

    /// <summary>
    /// The kind the first object format numbered <paramref name="number"/> (1 Service, 2 Endpoints, 3 EndpointSlice,
    /// 4 NetworkPolicy, 5 ClusterNetworkConfig); null for any other number.
    /// </summary>
    public static ResourceKind? ByLegacyNumber(long number) => number switch
    {
        1 => ResourceKind.Service,
        2 => ResourceKind.Endpoints,
        3 => ResourceKind.EndpointSlice,
        4 => ResourceKind.NetworkPolicy,
        5 => ResourceKind.ClusterNetworkConfig,
        _ => null,
    };
}
