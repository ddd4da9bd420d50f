using k8s;
using ClusterState.Model;

namespace ClusterState.Kubernetes;

/// <summary>
/// Conversions between KubernetesClient's models (<c>k8s.Models.V1Service</c> and the rest) and ClusterState's
/// objects, through Kubernetes' JSON: fields both know are carried over, fields only one side models are left behind.
/// </summary>
/// <example>
/// <code>
/// V1Service model = ClientModels.ToClient&lt;V1Service&gt;(store.Services.Get("shop", "web")!);
/// Service service = ClientModels.FromClient&lt;Service&gt;(model);
/// </code>
/// </example>
public static class ClientModels
{
    /// <summary>The object as KubernetesClient's model <typeparamref name="TModel"/>.</summary>
    /// <exception cref="System.Text.Json.JsonException">The model is not of the object's kind.</exception>
    public static TModel ToClient<TModel>(ClusterObject obj)
        where TModel : IKubernetesObject
    {
        ArgumentNullException.ThrowIfNull(obj);
        return k8s.KubernetesJson.Deserialize<TModel>(ClusterState.KubernetesJson.Serialize(obj));
    }

    /// <summary>KubernetesClient's model as ClusterState's object, of the kind its <c>apiVersion</c> and <c>kind</c> name.</summary>
    /// <exception cref="System.Text.Json.JsonException">The model does not fit the kind.</exception>
    /// <exception cref="UnknownKindException">The model is of a kind ClusterState does not hold.</exception>
    public static ClusterObject FromClient(IKubernetesObject model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return ClusterState.KubernetesJson.Deserialize(k8s.KubernetesJson.Serialize(model));
    }

    /// <summary>KubernetesClient's model as ClusterState's <typeparamref name="T"/>.</summary>
    /// <exception cref="System.Text.Json.JsonException">The model is not a <typeparamref name="T"/>.</exception>
    public static T FromClient<T>(IKubernetesObject model)
        where T : ClusterObject => FromClient(model) as T ?? throw new System.Text.Json.JsonException($"The model is not a {typeof(T).Name}.");
}
