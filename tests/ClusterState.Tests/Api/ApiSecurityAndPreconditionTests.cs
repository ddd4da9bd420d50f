using System.Net;
using System.Text.Json.Nodes;
using ClusterState.Kubernetes.Api;
using ClusterState.Tests.Persistence;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ClusterState.Tests.Api;

/// <summary>
/// The endpoint's TLS and bearer token options (with KubernetesClient reading the kubeconfig the endpoint writes),
/// delete preconditions, and list resourceVersion semantics, against real clients.
/// </summary>
public sealed class ApiSecurityAndPreconditionTests
{
    [Test]
    public async Task Over_tls_with_a_token_clients_of_the_kubeconfig_get_in_and_others_are_refused()
    {
        using var store = new ClusterStore();
        await store.Services.CreateAsync(Objects.Service("web", ns: "shop"));
        using var certificate = KubernetesApiServer.CreateLoopbackCertificate();
        await using var api = await KubernetesApiServer.StartAsync(store, new KubernetesApiOptions { Certificate = certificate, BearerToken = "s3cret-token" });
        Assert.That(api.Url.Scheme, Is.EqualTo("https"));

        using var dir = new TempDirectory();
        var kubeconfig = dir.Sub("kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, api.Kubeconfig());
        var config = await KubernetesClientConfiguration.BuildConfigFromConfigFileAsync(new FileInfo(kubeconfig));
        using (var client = new k8s.Kubernetes(config))
        {
            var list = await client.CoreV1.ListNamespacedServiceAsync("shop");
            Assert.That(list.Items.Select(s => s.Metadata.Name), Is.EqualTo(new[] { "web" }), "the kubeconfig trusts the certificate and sends the token");
        }

        // The right certificate, a wrong token: 401 as the API server answers it.
        config.AccessToken = "wrong";
        using (var client = new k8s.Kubernetes(config))
        {
            var refused = Assert.ThrowsAsync<HttpOperationException>(async () => await client.CoreV1.ListNamespacedServiceAsync("shop"));
            Assert.That(refused!.Response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(JsonNode.Parse(refused.Response.Content)!["reason"]!.GetValue<string>(), Is.EqualTo("Unauthorized"));
        }

        // No token at all, and a client that does not trust the certificate: refused too.
        using var trusting = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert!.Thumbprint == certificate.Thumbprint });
        Assert.That((await trusting.GetAsync(new Uri(api.Url, "api/v1/services"))).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        using var plain = new HttpClient();
        Assert.ThrowsAsync<HttpRequestException>(async () => await plain.GetAsync(new Uri(api.Url, "version")), "the default trust store does not know a self-signed certificate");
    }

    [Test]
    public void A_token_that_cannot_travel_in_a_header_is_refused_before_anything_starts()
    {
        using var store = new ClusterStore();
        var error = Assert.ThrowsAsync<ArgumentException>(async () => await KubernetesApiServer.StartAsync(store, new KubernetesApiOptions { BearerToken = "two words" }));
        Assert.That(error!.Message, Does.Contain("BearerToken"));
    }

    [Test]
    public async Task Delete_preconditions_on_resource_version_and_uid_refuse_a_stale_delete()
    {
        using var store = new ClusterStore();
        await using var api = await KubernetesApiServer.StartAsync(store);
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = api.Url.ToString().TrimEnd('/') });
        var first = await store.Services.CreateAsync(Objects.Service("web", ns: "shop"));
        var second = await store.Services.UpdateAsync(first with { Metadata = first.Metadata with { Labels = ClusterState.Model.StringMap.Of(("app", "web"), ("v", "2")) } });

        var staleVersion = Assert.ThrowsAsync<HttpOperationException>(async () => await client.CoreV1.DeleteNamespacedServiceAsync("web", "shop",
            new V1DeleteOptions { Preconditions = new V1Preconditions { ResourceVersion = first.Metadata.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) } }));
        Assert.That(staleVersion!.Response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));

        var otherUid = Assert.ThrowsAsync<HttpOperationException>(async () => await client.CoreV1.DeleteNamespacedServiceAsync("web", "shop",
            new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = Guid.NewGuid().ToString() } }));
        Assert.That(otherUid!.Response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(otherUid.Response.Content, Does.Contain("Precondition failed: UID"));
        Assert.That(store.Services.Get("shop", "web"), Is.EqualTo(second), "a refused delete deletes nothing");

        await client.CoreV1.DeleteNamespacedServiceAsync("web", "shop", new V1DeleteOptions
        {
            Preconditions = new V1Preconditions { Uid = second.Metadata.Uid.ToString(), ResourceVersion = second.Metadata.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        });
        Assert.That(store.Services.Get("shop", "web"), Is.Null);
    }

    [Test]
    public async Task List_resource_versions_read_exact_or_not_older_and_refuse_what_kubernetes_refuses()
    {
        using var store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = 1_000 });
        await using var api = await KubernetesApiServer.StartAsync(store);
        using var http = new HttpClient { BaseAddress = api.Url };
        await store.Services.CreateAsync(Objects.Service("a", ns: "shop", clusterIP: "10.96.0.1"));
        var atOne = store.Revision;
        await store.Services.CreateAsync(Objects.Service("b", ns: "shop", clusterIP: "10.96.0.2"));

        async Task<(HttpStatusCode Code, JsonNode Body)> Get(string query)
        {
            using var response = await http.GetAsync("api/v1/namespaces/shop/services?" + query);
            return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
        }

        static string[] Names(JsonNode list) => [.. list["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>())];

        var exact = await Get($"resourceVersion={atOne}&resourceVersionMatch=Exact");
        Assert.That(exact.Code, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Names(exact.Body), Is.EqualTo(new[] { "a" }));
        Assert.That(exact.Body["metadata"]!["resourceVersion"]!.GetValue<string>(), Is.EqualTo(atOne.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        Assert.That(Names((await Get($"resourceVersion={atOne}&resourceVersionMatch=NotOlderThan")).Body), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(Names((await Get($"resourceVersion={atOne}")).Body), Is.EqualTo(new[] { "a", "b" }), "a version alone means not older than");
        Assert.That(Names((await Get("resourceVersion=0")).Body), Is.EqualTo(new[] { "a", "b" }));

        foreach (var (query, reason) in new[]
        {
            ("resourceVersionMatch=Exact", "forbidden unless resourceVersion"),
            ($"resourceVersion={atOne}&resourceVersionMatch=Newest", "Unsupported value"),
            ("resourceVersion=0&resourceVersionMatch=Exact", "forbidden for resourceVersion \\\"0\\\""),
            ("resourceVersion=abc", "must be a resourceVersion"),
        })
        {
            var refused = await Get(query);
            Assert.That(refused.Code, Is.EqualTo(HttpStatusCode.BadRequest), query);
            Assert.That(refused.Body["message"]!.GetValue<string>(), Does.Contain(reason.Replace("\\\"", "\"", StringComparison.Ordinal)), query);
        }

        var future = await Get($"resourceVersion={store.Revision + 10}&resourceVersionMatch=NotOlderThan");
        Assert.That(future.Code, Is.EqualTo(HttpStatusCode.GatewayTimeout));
        Assert.That(future.Body["message"]!.GetValue<string>(), Does.StartWith("Too large resource version"));

        await store.CompactAsync(store.Revision);
        Assert.That((await Get($"resourceVersion={atOne}&resourceVersionMatch=Exact")).Code, Is.EqualTo(HttpStatusCode.Gone));
    }
}
