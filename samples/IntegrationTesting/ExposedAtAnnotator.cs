using k8s;
using k8s.Models;

namespace IntegrationTesting;

/// <summary>
/// A controller written only against KubernetesClient, as it would run against a real cluster: it lists Services,
/// watches from the list's resourceVersion, and annotates each Service with the address it is exposed at
/// (<c>example.com/exposed-at: clusterIP:port</c>) with a merge patch, whenever that differs.
/// </summary>
public sealed class ExposedAtAnnotator(IKubernetes client)
{
    public const string Annotation = "example.com/exposed-at";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var list = await client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: cancellationToken);
        foreach (var service in list.Items)
        {
            await Reconcile(service, cancellationToken);
        }

        await foreach (var (type, service) in client.CoreV1.WatchListServiceForAllNamespacesAsync(resourceVersion: list.Metadata.ResourceVersion, cancellationToken: cancellationToken))
        {
            if (type is WatchEventType.Added or WatchEventType.Modified)
            {
                await Reconcile(service, cancellationToken);
            }
        }
    }

    private async Task Reconcile(V1Service service, CancellationToken cancellationToken)
    {
        var port = service.Spec?.Ports?.FirstOrDefault()?.Port;
        var wanted = service.Spec?.ClusterIP is { } ip && port is not null ? $"{ip}:{port}" : null;
        var current = service.Metadata.Annotations?.TryGetValue(Annotation, out var value) == true ? value : null;
        if (wanted is null || wanted == current)
        {
            return;
        }

        var body = new Dictionary<string, object> { ["metadata"] = new Dictionary<string, object> { ["annotations"] = new Dictionary<string, string> { [Annotation] = wanted } } };
        var patch = new V1Patch(System.Text.Json.JsonSerializer.Serialize(body), V1Patch.PatchType.MergePatch);
        await client.CoreV1.PatchNamespacedServiceAsync(patch, service.Metadata.Name, service.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
    }
}
