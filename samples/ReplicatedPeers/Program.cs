using System.Diagnostics;
using ClusterState;
using ClusterState.Model;

// Three ClusterState peers in one process, replicating through Raft over an in-memory network. The timeline shows
// an election, a write on the leader seen by a watch on a follower, a write forwarded by a follower, the leader
// cut off (its own writes can no longer commit), a new leader taking over, and the old one catching up.
var clock = Stopwatch.StartNew();
void Log(string text) => Console.WriteLine($"{clock.ElapsedMilliseconds,6} ms  {text}");

var network = new InMemoryRaftNetwork();
ulong[] voters = [1, 2, 3];
var peers = voters.ToDictionary(id => id, id => new ClusterStore(new ClusterStoreOptions
{
    Raft = new RaftOptions { NodeId = id, Voters = voters, Transport = network, TickInterval = TimeSpan.FromMilliseconds(20), CommitTimeout = TimeSpan.FromSeconds(1) },
}));

async Task<ulong> LeaderAmong(IEnumerable<ulong> ids)
{
    while (true)
    {
        foreach (var id in ids)
        {
            var probe = peers[id];
            try
            {
                // A linearizable read succeeds only through a leader that a majority follows.
                await probe.SyncAsync();
                var leader = ids.FirstOrDefault(i => LeaderOf(peers[i]) == i);
                if (leader != 0)
                {
                    return leader;
                }
            }
            catch (StoreUnavailableException)
            {
                // No leader yet.
            }
        }

        await Task.Delay(20);
    }
}

static ulong LeaderOf(ClusterStore store) => store.Leader;

static Service Web(string ip) => new()
{
    Metadata = new() { Namespace = "shop", Name = "web" },
    Spec = new() { ClusterIP = ip, Ports = [new ServicePort { Name = "http", Port = 80, TargetPort = 8080 }] },
};

Log("3 peers started; waiting for an election");
var first = await LeaderAmong(voters);
Log($"peer {first} leads");

var follower = voters.First(id => id != first);
using var stop = new CancellationTokenSource();
var watching = Task.Run(async () =>
{
    try
    {
        await foreach (var e in peers[follower].Services.WatchAsync(new WatchOptions { StartRevision = 1 }, stop.Token))
        {
            Log($"   watch on follower {follower}: {e.Type} {e.Object!.Metadata.Name} clusterIP={((Service)e.Object).Spec.ClusterIP} at revision {e.Revision}");
        }
    }
    catch (OperationCanceledException)
    {
        // The sample is over.
    }
});

var created = await peers[first].Services.CreateAsync(Web("10.96.0.10"));
Log($"write on leader {first}: created shop/web at revision {created.Metadata.ResourceVersion}");

var forwarded = await peers[follower].Services.UpdateAsync(created with { Spec = created.Spec with { ClusterIP = "10.96.0.20" } });
Log($"write on follower {follower}: forwarded to the leader, committed at revision {forwarded.Metadata.ResourceVersion}");

Log($"cutting leader {first} off from the others");
network.Isolate(first);
try
{
    await peers[first].Services.UpdateAsync(forwarded with { Spec = forwarded.Spec with { ClusterIP = "10.96.0.99" } });
}
catch (StoreUnavailableException ex)
{
    Log($"write on the cut-off peer {first} fails: {ex.Message}");
}

var rest = voters.Where(id => id != first).ToArray();
var second = await LeaderAmong(rest);
Log($"peer {second} leads now (failover)");
var latest = peers[second].Services.Get("shop", "web")!;
var moved = await peers[second].Services.UpdateAsync(latest with { Spec = latest.Spec with { ClusterIP = "10.96.0.30" } });
Log($"write on new leader {second}: committed at revision {moved.Metadata.ResourceVersion}");

Log($"healing the network: peer {first} rejoins");
network.Heal();
while (peers[first].Revision < moved.Metadata.ResourceVersion)
{
    await Task.Delay(10);
}

Log($"peer {first} caught up: revision {peers[first].Revision}, clusterIP {peers[first].Services.Get("shop", "web")!.Spec.ClusterIP} (its cut-off write was never applied)");

await stop.CancelAsync();
await watching;
foreach (var peer in peers.Values)
{
    peer.Dispose();
}
