using System.Net;
using ClusterState.Kubernetes;
using ClusterState.Kubernetes.Api;
using ClusterState.Model;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ClusterState.Tests.Api;

/// <summary>
/// KubernetesClient's generic client through every built-in kind (create, get, replace, merge patch, a stale
/// replace, delete), and its watch re-listing after the revision it watched from was compacted.
/// </summary>
public sealed class KubernetesClientKindsTests
{
    [Test]
    public async Task Every_kind_is_created_read_replaced_patched_and_deleted_through_the_generic_client()
    {
        using var store = new ClusterStore();
        await using var api = await KubernetesApiServer.StartAsync(store);
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = api.Url.ToString().TrimEnd('/') });
        await RoundTrip<V1Service>(client, store, Objects.Service());
        await RoundTrip<V1Endpoints>(client, store, Objects.Endpoints());
        await RoundTrip<V1EndpointSlice>(client, store, Objects.Slice());
        await RoundTrip<V1NetworkPolicy>(client, store, Objects.Policy());
        await RoundTrip<V1Namespace>(client, store, Objects.Namespace());
        await RoundTrip<V1Pod>(client, store, Objects.Pod());
        await RoundTrip<V1Node>(client, store, Objects.Node());
        await RoundTrip<V1ServiceCIDR>(client, store, Objects.ServiceCidr());
        await RoundTrip<V1IPAddress>(client, store, Objects.IPAddress());
    }

    private static async Task RoundTrip<T>(k8s.Kubernetes client, ClusterStore store, ClusterObject sample)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var kind = sample.Kind;
        using var generic = new GenericClient(client, kind.Group, kind.Version, kind.Plural, disposeClient: false);
        var (ns, name) = (sample.Metadata.Namespace, sample.Metadata.Name);

        var created = kind.IsNamespaced ? await generic.CreateNamespacedAsync(ClientModels.ToClient<T>(sample), ns) : await generic.CreateAsync(ClientModels.ToClient<T>(sample));
        Assert.That(created.Metadata.ResourceVersion, Is.EqualTo(store.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture)), kind.Name);
        var read = kind.IsNamespaced ? await generic.ReadNamespacedAsync<T>(ns, name) : await generic.ReadAsync<T>(name);
        Assert.That(read.Metadata.Uid, Is.EqualTo(created.Metadata.Uid), kind.Name);
        Assert.That(KubernetesJson.Serialize(ClientModels.FromClient(read)), Is.EqualTo(KubernetesJson.Serialize(store.Get(kind, ns, name)!)), $"{kind.Name}: read back whole");

        // Replace with a new label, then a merge patch adds another; then the replaced version is stale.
        var stored = store.Get(kind, ns, name)!;
        var labelled = ClientModels.ToClient<T>(stored with { Metadata = stored.Metadata with { Labels = StringMap.Of(("replaced", "yes")) } });
        var replaced = kind.IsNamespaced ? await generic.ReplaceNamespacedAsync(labelled, ns, name) : await generic.ReplaceAsync(labelled, name);
        Assert.That(replaced.Metadata.Labels["replaced"], Is.EqualTo("yes"), kind.Name);
        var patch = new V1Patch("""{"metadata":{"labels":{"patched":"yes"}}}""", V1Patch.PatchType.MergePatch);
        var patched = kind.IsNamespaced ? await generic.PatchNamespacedAsync<T>(patch, ns, name) : await generic.PatchAsync<T>(patch, name);
        Assert.That(patched.Metadata.Labels, Has.Count.EqualTo(2), kind.Name);
        Assert.That(store.Get(kind, ns, name)!.Metadata.Labels["patched"], Is.EqualTo("yes"), kind.Name);

        var stale = Assert.ThrowsAsync<HttpOperationException>(async () => _ = kind.IsNamespaced ? await generic.ReplaceNamespacedAsync(labelled, ns, name) : await generic.ReplaceAsync(labelled, name));
        Assert.That(stale!.Response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), kind.Name);

        _ = kind.IsNamespaced ? await generic.DeleteNamespacedAsync<T>(ns, name) : await generic.DeleteAsync<T>(name);
        Assert.That(store.Get(kind, ns, name), Is.Null, kind.Name);
    }

    [Test]
    public async Task A_watch_from_a_compacted_revision_ends_with_410_and_a_relist_catches_up()
    {
        using var store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = 1_000 });
        await using var api = await KubernetesApiServer.StartAsync(store);
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = api.Url.ToString().TrimEnd('/') });
        await store.Services.CreateAsync(Objects.Service("a", ns: "shop", clusterIP: "10.96.0.1"));
        var listed = await client.CoreV1.ListNamespacedServiceAsync("shop");

        // While the watcher is away, more changes, then a compaction past the revision it listed at.
        await store.Services.CreateAsync(Objects.Service("b", ns: "shop", clusterIP: "10.96.0.2"));
        await store.Services.DeleteAsync("shop", "a");
        await store.CompactAsync(store.Revision);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        // KubernetesClient hands a watch's ERROR event to its error callback, and the stream ends.
        var errors = new List<Exception>();
        var events = 0;
        await foreach (var _ in client.CoreV1.WatchListNamespacedServiceAsync("shop", resourceVersion: listed.Metadata.ResourceVersion, onError: errors.Add, cancellationToken: cts.Token))
        {
            events++;
        }

        Assert.That(events, Is.Zero);
        var expired = errors.OfType<KubernetesException>().Single();
        Assert.That(expired.Status.Code, Is.EqualTo(410));
        Assert.That(expired.Status.Reason, Is.EqualTo("Expired"));

        // What a controller does then: list again, and watch from the new list's revision.
        var relisted = await client.CoreV1.ListNamespacedServiceAsync("shop");
        Assert.That(relisted.Items.Select(s => s.Metadata.Name), Is.EqualTo(new[] { "b" }));
        var seen = new List<(k8s.WatchEventType, string)>();
        var watching = Task.Run(async () =>
        {
            await foreach (var (type, item) in client.CoreV1.WatchListNamespacedServiceAsync("shop", resourceVersion: relisted.Metadata.ResourceVersion, cancellationToken: cts.Token))
            {
                seen.Add((type, item.Metadata.Name));
                break;
            }
        }, cts.Token);
        await store.Services.CreateAsync(Objects.Service("c", ns: "shop", clusterIP: "10.96.0.3"));
        await watching;
        Assert.That(seen, Is.EqualTo(new[] { (k8s.WatchEventType.Added, "c") }));
    }
}
