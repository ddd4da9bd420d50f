using ClusterState.Tests.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClusterState.Tests.Hosting;

/// <summary>The store's health check: writable, failed, disposed, and a Raft peer with or without a leader.</summary>
public sealed class HealthCheckTests
{
    private static async Task<HealthReportEntry> Check(IServiceProvider provider) =>
        (await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["clusterstate"];

    [Test]
    public async Task A_working_store_is_healthy_and_a_disposed_one_is_not()
    {
        await using var provider = new ServiceCollection().AddLogging().AddClusterState().AddHealthChecks().AddClusterStateCheck().Services.BuildServiceProvider();
        var store = provider.GetRequiredService<ClusterStore>();
        await store.Services.CreateAsync(Objects.Service());

        var healthy = await Check(provider);
        Assert.That(healthy.Status, Is.EqualTo(HealthStatus.Healthy));
        Assert.That(healthy.Data["revision"], Is.EqualTo(1L));

        store.Dispose();
        var disposed = await Check(provider);
        Assert.That(disposed.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(disposed.Description, Does.Contain("disposed"));
    }

    [Test]
    public async Task A_raft_peer_without_a_leader_is_unhealthy_until_the_group_elects_one()
    {
        var network = new InMemoryRaftNetwork();
        ulong[] voters = [1, 2, 3];
        ServiceProvider Peer(ulong id) => new ServiceCollection().AddLogging()
            .AddClusterState(o => o.Raft = new RaftOptions { NodeId = id, Voters = voters, Transport = network, TickInterval = TimeSpan.FromMilliseconds(10) })
            .AddHealthChecks().AddClusterStateCheck(failureStatus: HealthStatus.Degraded).Services.BuildServiceProvider();

        await using var first = Peer(1);
        first.GetRequiredService<ClusterStore>();
        await Task.Delay(300);
        var alone = await Check(first);
        Assert.That(alone.Status, Is.EqualTo(HealthStatus.Degraded), "the registration's failure status");
        Assert.That(alone.Description, Does.Contain("No Raft leader"));

        await using var second = Peer(2);
        await using var third = Peer(3);
        second.GetRequiredService<ClusterStore>();
        third.GetRequiredService<ClusterStore>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HealthReportEntry entry;
        while ((entry = await Check(first)).Status != HealthStatus.Healthy)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), entry.Description);
            await Task.Delay(20);
        }

        Assert.That(entry.Data["raft.node"], Is.EqualTo(1UL));
        Assert.That(entry.Data["raft.leader"], Is.Not.EqualTo(0UL));

        // Leadership and membership through the interface a program is given.
        var store = first.GetRequiredService<IClusterStore>();
        Assert.That(store.Leader, Is.EqualTo(entry.Data["raft.leader"]));
        Assert.That(store.Membership!.Voters, Is.EquivalentTo(voters));
        using var single = new ClusterStore();
        Assert.That(((IClusterStore)single).Leader, Is.Zero);
        Assert.That(((IClusterStore)single).Membership, Is.Null);
    }
}
