using ClusterState.Kubernetes.Api;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ClusterState.Tests.Api;

/// <summary>The endpoint started and stopped with a Generic Host.</summary>
public sealed class ApiHostingTests
{
    [Test]
    public async Task The_host_starts_the_endpoint_over_its_store_and_stops_it()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddClusterState().AddClusterStateKubernetesApi(options => options.GitVersion = "v1.33.0-test");
        using var host = builder.Build();
        var api = host.Services.GetRequiredService<KubernetesApiHost>();
        Assert.That(api.Server, Is.Null, "not before the host starts");

        await host.StartAsync();
        var store = host.Services.GetRequiredService<IClusterStore>();
        await store.Services.CreateAsync(Objects.Service());
        using var http = new HttpClient();
        var url = api.Server!.Url;
        Assert.That(await http.GetStringAsync(new Uri(url, "version")), Does.Contain("v1.33.0-test"));
        Assert.That(await http.GetStringAsync(new Uri(url, "api/v1/namespaces/default/services/web")), Does.Contain("\"clusterIP\":\"10.96.0.10\""));

        await host.StopAsync();
        Assert.That(api.Server, Is.Null);
        Assert.ThrowsAsync<HttpRequestException>(async () => await http.GetStringAsync(new Uri(url, "version")), "stopped with the host");
    }
}
