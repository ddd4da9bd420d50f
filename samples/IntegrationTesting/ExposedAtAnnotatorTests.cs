using System.Diagnostics;
using ClusterState;
using ClusterState.Kubernetes.Api;
using ClusterState.Model;
using k8s;

namespace IntegrationTesting;

/// <summary>
/// A controller written only against KubernetesClient, tested against an embedded store through its Kubernetes API
/// endpoint: no etcd, no kube-apiserver, a fresh API per test in milliseconds.
/// </summary>
public sealed class ExposedAtAnnotatorTests
{
    [Test]
    public async Task Every_service_is_annotated_with_where_it_is_exposed_and_kept_so()
    {
        var started = Stopwatch.StartNew();
        using var store = new ClusterStore();
        await using var api = await KubernetesApiServer.StartAsync(store);
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = api.Url.ToString().TrimEnd('/') });
        TestContext.Out.WriteLine($"store and API endpoint ready in {started.Elapsed.TotalMilliseconds:F0} ms");

        await store.Services.CreateAsync(Service("web", "10.96.0.10", 80));
        using var stop = new CancellationTokenSource();
        var controller = Task.Run(() => new ExposedAtAnnotator(client).RunAsync(stop.Token));
        try
        {
            await UntilAnnotated(store, "web", "10.96.0.10:80");

            // A new Service, and a change of port, are picked up from the watch.
            await store.Services.CreateAsync(Service("api", "10.96.0.11", 8080));
            await UntilAnnotated(store, "api", "10.96.0.11:8080");
            var web = store.Services.Get("shop", "web")!;
            await store.Services.UpdateAsync(web with { Spec = web.Spec with { Ports = [web.Spec.Ports[0] with { Port = 443 }] } });
            await UntilAnnotated(store, "web", "10.96.0.10:443");
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await controller;
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        }
    }

    private static Service Service(string name, string clusterIP, int port) => new()
    {
        Metadata = new() { Namespace = "shop", Name = name },
        Spec = new() { ClusterIP = clusterIP, Ports = [new ServicePort { Name = "main", Port = port }] },
    };

    /// <summary>Waits on the store's watch (not a sleep) until the Service carries the annotation.</summary>
    private static async Task UntilAnnotated(ClusterStore store, string name, string value)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await store.Services.WaitForAsync("shop", name, s => s?.Metadata.Annotations.TryGetValue(ExposedAtAnnotator.Annotation, out var v) == true && v == value, timeout.Token);
    }
}
