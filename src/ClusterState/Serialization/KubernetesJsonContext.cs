using System.Text.Json.Serialization;
using ClusterState.Model;

namespace ClusterState.Serialization;

/// <summary>
/// The source-generated type information behind <see cref="KubernetesJson"/>: Kubernetes' camelCase names, enums as
/// their names, and the converters for the shapes where Kubernetes' JSON differs from the model's records.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters =
    [
        typeof(ObjectMetaJsonConverter),
        typeof(IntOrStringJsonConverter),
        typeof(KubernetesTimeJsonConverter),
        typeof(SessionAffinityConfigJsonConverter),
        typeof(ServiceStatusJsonConverter),
        typeof(EndpointHintsJsonConverter),
        typeof(EndpointJsonConverter),
    ])]
[JsonSerializable(typeof(Service))]
[JsonSerializable(typeof(Endpoints))]
[JsonSerializable(typeof(EndpointSlice))]
[JsonSerializable(typeof(NetworkPolicy))]
[JsonSerializable(typeof(ClusterNetworkConfig))]
[JsonSerializable(typeof(Namespace))]
[JsonSerializable(typeof(Pod))]
[JsonSerializable(typeof(Node))]
[JsonSerializable(typeof(ServiceCIDR))]
[JsonSerializable(typeof(Model.IPAddress))]
[JsonSerializable(typeof(LoadBalancerIngress))]
[JsonSerializable(typeof(Condition))]
[JsonSerializable(typeof(OwnerReference))]
[JsonSerializable(typeof(ServicePort))]
[JsonSerializable(typeof(EndpointSubset))]
[JsonSerializable(typeof(EndpointAddress))]
[JsonSerializable(typeof(EndpointPort))]
[JsonSerializable(typeof(Endpoint))]
[JsonSerializable(typeof(NetworkPolicyIngressRule))]
[JsonSerializable(typeof(NetworkPolicyEgressRule))]
[JsonSerializable(typeof(NetworkPolicyPeer))]
[JsonSerializable(typeof(NetworkPolicyPort))]
[JsonSerializable(typeof(LabelSelectorRequirement))]
[JsonSerializable(typeof(PortStatus))]
[JsonSerializable(typeof(Container))]
[JsonSerializable(typeof(ContainerPort))]
[JsonSerializable(typeof(PodIP))]
[JsonSerializable(typeof(PodCondition))]
[JsonSerializable(typeof(NodeAddress))]
[JsonSerializable(typeof(NodeCondition))]
[JsonSerializable(typeof(NamespaceCondition))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(IPFamily))]
[JsonSerializable(typeof(PolicyType))]
internal sealed partial class KubernetesJsonContext : JsonSerializerContext;
