using System.Net;
using ClusterState.Etcd;
using Etcdserverpb;
using Grpc.Net.Client;

namespace ClusterState.Comparison;

/// <summary>
/// Three members on loopback: a 3-member etcd cluster (three processes, fsync on) against three ClusterState
/// peers over the TCP transport (durable logs with fsync, in this process). Clients talk to the leader on both
/// sides; reads are linearizable on both (etcd's default read, ClusterState's ReadIndex through SyncAsync).
/// </summary>
internal static class ThreeMemberWorkloads
{
    private static readonly ulong[] Voters = [1, 2, 3];

    public static async Task RunAsync(ResultTable table, CompareSettings settings, CancellationToken cancellationToken)
    {
        var etcdMembers = await EtcdProcess.StartClusterAsync(3, fsync: true, cancellationToken);
        var directories = Voters.Select(_ => Path.Combine(Path.GetTempPath(), "clusterstate-compare-" + Guid.NewGuid().ToString("N"))).ToArray();
        var ports = Voters.ToDictionary(id => id, _ => EtcdProcess.FreePort());
        var transports = Voters.Select(id => new TcpRaftTransport(new TcpRaftTransportOptions
        {
            ClusterId = "compare",
            NodeId = id,
            ListenEndpoint = new IPEndPoint(IPAddress.Loopback, ports[id]),
            Peers = ports.Where(p => p.Key != id).ToDictionary(p => p.Key, p => (EndPoint)new IPEndPoint(IPAddress.Loopback, p.Value)),
        })).ToArray();
        var peers = Voters.Select((id, i) => new ClusterStore(new ClusterStoreOptions
        {
            DataDirectory = directories[i],
            Raft = new RaftOptions { NodeId = id, Voters = Voters, Transport = transports[i] },
        })).ToArray();
        try
        {
            using var etcd = new EtcdTarget(await EtcdLeaderPortAsync(etcdMembers, cancellationToken), settings.EtcdConnections);
            var store = new StoreTarget(await LeaderAsync(peers, cancellationToken), linearizableReads: true);
            var ns = "three-" + Guid.NewGuid().ToString("N")[..8];
            await etcd.PrepareAsync(ns, settings.Keys, cancellationToken);
            await store.PrepareAsync(ns, settings.Keys, cancellationToken);
            await SingleNodeWorkloads.CompareAsync(table, settings, "3 members: writes, 1 client", 1, etcd, store, (t, c, i) => t.WriteAsync(ns, (int)i), cancellationToken);
            await SingleNodeWorkloads.CompareAsync(table, settings, $"3 members: writes, {settings.ConcurrentClients} clients", settings.ConcurrentClients, etcd, store, (t, c, i) => t.WriteAsync(ns, (int)i), cancellationToken);
            await SingleNodeWorkloads.CompareAsync(table, settings, "3 members: linearizable point reads, 1 client", 1, etcd, store, (t, c, i) => t.ReadAsync(ns, (int)(i * 7919 % settings.Keys)), cancellationToken);
        }
        finally
        {
            foreach (var peer in peers)
            {
                peer.Dispose();
            }

            foreach (var transport in transports)
            {
                await transport.DisposeAsync();
            }

            foreach (var member in etcdMembers)
            {
                await member.DisposeAsync();
            }

            foreach (var directory in directories.Where(Directory.Exists))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>The client port of the member that leads the etcd cluster.</summary>
    private static async Task<int> EtcdLeaderPortAsync(EtcdProcess[] members, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var member in members)
            {
                var status = await new Maintenance.MaintenanceClient(member.Channel).StatusAsync(new StatusRequest(), cancellationToken: cancellationToken);
                if (status.Leader == status.Header.MemberId)
                {
                    return member.ClientPort;
                }
            }

            await Task.Delay(20, cancellationToken);
        }

        throw new InvalidOperationException("the etcd cluster has no leader");
    }

    private static async Task<ClusterStore> LeaderAsync(ClusterStore[] peers, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var leader = peers[0].Leader;
            if (leader != 0 && peers.All(p => p.Leader == leader))
            {
                var store = peers[Array.IndexOf(Voters, leader)];
                await store.SyncAsync(cancellationToken);
                return store;
            }

            await Task.Delay(10, cancellationToken);
        }

        throw new InvalidOperationException("the ClusterState peers elected no leader");
    }
}
