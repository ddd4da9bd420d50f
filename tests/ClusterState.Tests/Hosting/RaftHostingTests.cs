using System.Net;
using ClusterState.Tests.Persistence;
using ClusterState.Tests.Raft;
using Microsoft.Extensions.DependencyInjection;

namespace ClusterState.Tests.Hosting;

/// <summary>Raft peers registered through dependency injection.</summary>
public sealed class RaftHostingTests
{
    [Test]
    public async Task Three_containers_with_a_TCP_transport_and_a_durable_Raft_store_form_one_group()
    {
        using var directory = new TempDirectory();
        ulong[] voters = [1, 2, 3];
        var ports = voters.ToDictionary(id => id, _ => TcpTransportTests.FreePort());
        var providers = voters.Select(id => new ServiceCollection()
            .AddClusterState(o => o.DataDirectory = directory.Sub($"peer{id}"))
            .AddRaftTcpTransport(new TcpRaftTransportOptions
            {
                ClusterId = "di",
                NodeId = id,
                ListenEndpoint = new IPEndPoint(IPAddress.Loopback, ports[id]),
                Peers = ports.Where(p => p.Key != id).ToDictionary(p => p.Key, p => (EndPoint)new IPEndPoint(IPAddress.Loopback, p.Value)),
            })
            .AddClusterStateRaft(sp => new RaftOptions
            {
                NodeId = id, Voters = voters, Transport = sp.GetRequiredService<TcpRaftTransport>(), TickInterval = TimeSpan.FromMilliseconds(20),
            })
            .BuildServiceProvider()).ToList();
        try
        {
            var stores = providers.Select(p => p.GetRequiredService<ClusterStore>()).ToArray();
            Assert.That(providers[0].GetRequiredService<IClusterStore>(), Is.SameAs(stores[0]));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (stores.Any(s => s.Leader == 0 || s.Leader != stores[0].Leader))
            {
                Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the peers agree on a leader");
                await Task.Delay(10);
            }

            var created = await stores[2].Services.CreateAsync(Objects.Service());
            foreach (var store in stores)
            {
                await store.SyncAsync();
                Assert.That(store.Services.Get("default", "web"), Is.EqualTo(created));
            }
        }
        finally
        {
            foreach (var provider in providers)
            {
                await provider.DisposeAsync();
            }
        }
    }
}
