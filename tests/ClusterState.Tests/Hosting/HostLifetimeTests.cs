using ClusterState.Tests.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ClusterState.Tests.Hosting;

/// <summary>The store registered with AddClusterState follows the host: opened when it starts, closed when it stops.</summary>
public sealed class HostLifetimeTests
{
    [Test]
    public async Task A_durable_store_opens_when_the_host_starts_and_is_closed_when_it_stops()
    {
        using var dir = new TempDirectory();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddClusterState(options => options.DataDirectory = dir.Path);
        using var host = builder.Build();

        // Not opened yet: the directory is free.
        new ClusterStore(new ClusterStoreOptions { DataDirectory = dir.Path }).Dispose();

        await host.StartAsync();
        Assert.Throws<DataDirectoryLockedException>(() => new ClusterStore(new ClusterStoreOptions { DataDirectory = dir.Path }), "opened by the host's start, before anyone resolved it");
        var store = host.Services.GetRequiredService<IClusterStore>();
        await store.Services.CreateAsync(Objects.Service());

        await host.StopAsync();
        Assert.ThrowsAsync<StoreStoppedException>(async () => await store.Services.CreateAsync(Objects.Service("after", clusterIP: "10.96.0.11")));
        using var reopened = new ClusterStore(new ClusterStoreOptions { DataDirectory = dir.Path });
        Assert.That(reopened.Services.Get("default", "web"), Is.Not.Null, "closed by the host's stop, every write kept");
    }

    [Test]
    public void Registering_twice_runs_one_hosted_store()
    {
        var services = new ServiceCollection();
        services.AddClusterState().AddClusterState();
        Assert.That(services.Count(d => d.ServiceType == typeof(IHostedService)), Is.EqualTo(1));
    }
}
