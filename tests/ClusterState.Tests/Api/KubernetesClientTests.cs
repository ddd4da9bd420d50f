using System.Net;
using ClusterState.Kubernetes.Api;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ClusterState.Tests.Api;

/// <summary>KubernetesClient (the C# client .NET controllers use) against the endpoint over an embedded store.</summary>
public sealed class KubernetesClientTests
{
    [Test]
    public async Task Typed_create_list_replace_with_a_stale_version_and_delete_behave_as_on_an_api_server()
    {
        using var store = new ClusterStore();
        await using var api = await KubernetesApiServer.StartAsync(store);
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = api.Url.ToString().TrimEnd('/') });

        var created = await client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "web", Labels = new Dictionary<string, string> { ["app"] = "web" } },
            Spec = new V1ServiceSpec { ClusterIP = "10.96.0.10", Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = 8080 }] },
        }, "shop");
        Assert.That(created.Metadata.ResourceVersion, Is.EqualTo("1"));
        Assert.That(created.Metadata.Uid, Is.Not.Empty);

        var list = await client.CoreV1.ListNamespacedServiceAsync("shop", labelSelector: "app=web");
        Assert.That(list.Items.Select(s => s.Metadata.Name), Is.EqualTo(new[] { "web" }));
        Assert.That(list.Metadata.ResourceVersion, Is.EqualTo("1"));

        created.Spec.Ports[0].Port = 81;
        var replaced = await client.CoreV1.ReplaceNamespacedServiceAsync(created, "web", "shop");
        Assert.That(replaced.Spec.Ports[0].Port, Is.EqualTo(81));
        Assert.That(replaced.Metadata.ResourceVersion, Is.EqualTo("2"));

        // The first version is stale now: the API answers 409 Conflict, as Kubernetes does.
        var stale = Assert.ThrowsAsync<HttpOperationException>(async () => await client.CoreV1.ReplaceNamespacedServiceAsync(created, "web", "shop"));
        Assert.That(stale!.Response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        var duplicate = Assert.ThrowsAsync<HttpOperationException>(async () => await client.CoreV1.CreateNamespacedServiceAsync(new V1Service { Metadata = new V1ObjectMeta { Name = "web" }, Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 80 }] } }, "shop"));
        Assert.That(duplicate!.Response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        var invalid = Assert.ThrowsAsync<HttpOperationException>(async () => await client.CoreV1.CreateNamespacedServiceAsync(new V1Service { Metadata = new V1ObjectMeta { Name = "Bad_Name" }, Spec = new V1ServiceSpec() }, "shop"));
        Assert.That((int)invalid!.Response.StatusCode, Is.EqualTo(422));
        Assert.That(invalid.Response.Content, Does.Contain("\"field\":\"metadata.name\""));

        var merged = await client.CoreV1.PatchNamespacedServiceAsync(new V1Patch("""{"metadata":{"labels":{"tier":"front","app":null}}}""", V1Patch.PatchType.MergePatch), "web", "shop");
        Assert.That(merged.Metadata.Labels, Is.EquivalentTo(new Dictionary<string, string> { ["tier"] = "front" }), "null removes a key");

        // As on an API server, a replace or a patch that changes nothing writes nothing: same resourceVersion.
        var revision = store.Revision;
        var unchanged = await client.CoreV1.ReplaceNamespacedServiceAsync(merged, "web", "shop");
        var samePatch = await client.CoreV1.PatchNamespacedServiceAsync(new V1Patch("""{"metadata":{"labels":{"tier":"front"}}}""", V1Patch.PatchType.MergePatch), "web", "shop");
        Assert.That((unchanged.Metadata.ResourceVersion, samePatch.Metadata.ResourceVersion), Is.EqualTo((merged.Metadata.ResourceVersion, merged.Metadata.ResourceVersion)));
        Assert.That(store.Revision, Is.EqualTo(revision));
        var failedTest = Assert.ThrowsAsync<HttpOperationException>(async () => await client.CoreV1.PatchNamespacedServiceAsync(
            new V1Patch("""[{"op":"test","path":"/spec/clusterIP","value":"10.96.9.9"},{"op":"replace","path":"/spec/clusterIP","value":"10.96.0.11"}]""", V1Patch.PatchType.JsonPatch), "web", "shop"));
        Assert.That(failedTest!.Response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(store.Services.Get("shop", "web")!.Spec.ClusterIP, Is.EqualTo("10.96.0.10"), "a failed test changes nothing");

        await client.CoreV1.DeleteNamespacedServiceAsync("web", "shop");
        Assert.That(store.Services.Get("shop", "web"), Is.Null);
        var gone = Assert.ThrowsAsync<HttpOperationException>(async () => await client.CoreV1.ReadNamespacedServiceAsync("web", "shop"));
        Assert.That(gone!.Response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task A_watch_from_a_resource_version_streams_every_change()
    {
        using var store = new ClusterStore();
        await using var api = await KubernetesApiServer.StartAsync(store);
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = api.Url.ToString().TrimEnd('/') });
        await store.Services.CreateAsync(Objects.Service("before", ns: "shop", clusterIP: "10.96.0.9"));
        var start = await client.CoreV1.ListNamespacedServiceAsync("shop");
        Assert.That(start.Metadata.ResourceVersion, Is.EqualTo("1"));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<(k8s.WatchEventType, string)>();
        var watching = Task.Run(async () =>
        {
            await foreach (var (type, item) in client.CoreV1.WatchListNamespacedServiceAsync("shop", resourceVersion: start.Metadata.ResourceVersion, cancellationToken: cts.Token))
            {
                seen.Add((type, item.Metadata.Name));
                if (seen.Count == 3)
                {
                    break;
                }
            }
        }, cts.Token);

        await store.Services.CreateAsync(Objects.Service("a", ns: "shop", clusterIP: "10.96.0.1"));
        await store.Services.CreateAsync(Objects.Service("b", ns: "shop", clusterIP: "10.96.0.2"));
        await store.Services.DeleteAsync("shop", "a");
        await watching;
        Assert.That(seen, Is.EqualTo(new[] { (k8s.WatchEventType.Added, "a"), (k8s.WatchEventType.Added, "b"), (k8s.WatchEventType.Deleted, "a") }));
    }

    [Test]
    public async Task The_status_subresource_changes_only_the_status()
    {
        using var store = new ClusterStore();
        await store.Services.CreateAsync(Objects.Service("web", ns: "shop", clusterIP: "10.96.0.10"));
        await using var api = await KubernetesApiServer.StartAsync(store);
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = api.Url.ToString().TrimEnd('/') });

        var read = await client.CoreV1.ReadNamespacedServiceStatusAsync("web", "shop");
        read.Status.LoadBalancer.Ingress = [new V1LoadBalancerIngress { Ip = "192.0.2.10" }];
        read.Spec.ClusterIP = "10.96.9.9";
        var written = await client.CoreV1.ReplaceNamespacedServiceStatusAsync(read, "web", "shop");
        Assert.That(written.Status.LoadBalancer.Ingress.Single().Ip, Is.EqualTo("192.0.2.10"));
        Assert.That(written.Spec.ClusterIP, Is.EqualTo("10.96.0.10"), "the spec is not changed through status");
        Assert.That(store.Services.Get("shop", "web")!.Metadata.Generation, Is.EqualTo(1), "a status change keeps the generation");

        var patched = await client.CoreV1.PatchNamespacedServiceStatusAsync(new V1Patch("""{"status":{"conditions":[{"type":"Ready","status":"True","lastTransitionTime":"2026-12-01T00:00:00Z","reason":"Up","message":""}]}}""", V1Patch.PatchType.MergePatch), "web", "shop");
        Assert.That(patched.Status.Conditions.Single().Reason, Is.EqualTo("Up"));
        Assert.That(patched.Status.LoadBalancer.Ingress.Single().Ip, Is.EqualTo("192.0.2.10"));
    }

    [Test]
    public async Task A_watch_with_nothing_to_send_yet_answers_its_headers_at_once()
    {
        // A client waits for the response headers before it reads events: they must not wait for the first event.
        using var store = new ClusterStore();
        await store.Services.CreateAsync(Objects.Service("web", ns: "shop", clusterIP: "10.96.0.10"));
        await using var api = await KubernetesApiServer.StartAsync(store);
        using var http = new HttpClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var response = await http.GetAsync(new Uri(api.Url, $"api/v1/services?watch=1&resourceVersion={store.Revision}"), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        await store.Services.DeleteAsync("shop", "web");
        Assert.That(await reader.ReadLineAsync(cts.Token), Does.StartWith("{\"type\":\"DELETED\""));
    }

    [Test]
    public async Task A_watch_that_allows_bookmarks_receives_them()
    {
        using var store = new ClusterStore(new ClusterStoreOptions { WatchProgressInterval = TimeSpan.FromMilliseconds(100) });
        await store.Services.CreateAsync(Objects.Service("web", ns: "shop", clusterIP: "10.96.0.10"));
        await using var api = await KubernetesApiServer.StartAsync(store);
        using var http = new HttpClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await http.GetAsync(new Uri(api.Url, "api/v1/namespaces/shop/services?watch=1&resourceVersion=1&allowWatchBookmarks=true"), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        string? line;
        do
        {
            line = await reader.ReadLineAsync(cts.Token);
        }
        while (line is not null && !line.Contains("BOOKMARK", StringComparison.Ordinal));

        Assert.That(line, Is.EqualTo("""{"type":"BOOKMARK","object":{"kind":"Service","apiVersion":"v1","metadata":{"resourceVersion":"1"}}}"""));
    }
}
