using ClusterState.Model;

namespace ClusterState.Kinds;

/// <summary>
/// The fields beyond <c>metadata.name</c> and <c>metadata.namespace</c> that Kubernetes lets a field selector name
/// for each built-in kind (those the model carries), with how to read them: enums as their names, flags as
/// <c>true</c>/<c>false</c>.
/// </summary>
internal static class SelectableFields
{
    public static readonly IReadOnlyDictionary<string, Func<Service, string?>> Service = new Dictionary<string, Func<Service, string?>>
    {
        ["spec.clusterIP"] = s => s.Spec.ClusterIP,
        ["spec.type"] = s => s.Spec.Type.ToString(),
    };

    public static readonly IReadOnlyDictionary<string, Func<Pod, string?>> Pod = new Dictionary<string, Func<Pod, string?>>
    {
        ["spec.nodeName"] = p => p.Spec.NodeName,
        ["spec.hostNetwork"] = p => p.Spec.HostNetwork ? "true" : "false",
        ["status.phase"] = p => p.Status.Phase?.ToString(),
        ["status.podIP"] = p => p.Status.PodIP,
    };

    public static readonly IReadOnlyDictionary<string, Func<Node, string?>> Node = new Dictionary<string, Func<Node, string?>>
    {
        ["spec.unschedulable"] = n => n.Spec.Unschedulable ? "true" : "false",
    };

    public static readonly IReadOnlyDictionary<string, Func<Namespace, string?>> Namespace = new Dictionary<string, Func<Namespace, string?>>
    {
        ["status.phase"] = n => n.Status.Phase?.ToString(),
    };
}
