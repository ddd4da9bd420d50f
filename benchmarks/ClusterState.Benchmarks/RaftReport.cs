using System.Diagnostics;
using ClusterState.Model;

namespace ClusterState.Benchmarks;

/// <summary>
/// '--raft-report': commit latency percentiles of sequential writes through a 3-peer group, and failover time (from
/// cutting the leader off to the first write committed by a new one), measured with a stopwatch over many runs.
/// </summary>
internal static class RaftReport
{
    public static async Task RunAsync()
    {
        var tick = TimeSpan.FromMilliseconds(10);
        var (peers, leader) = await RaftGroup.StartAsync(3, tick: tick);
        var svc = await leader.Services.CreateAsync(Fixtures.Service(0));
        var latencies = new List<double>();
        for (var i = 0; i < 5000; i++)
        {
            var started = Stopwatch.GetTimestamp();
            svc = await leader.Services.UpdateAsync(svc);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        }

        latencies.Sort();
        Console.WriteLine($"commit latency, 3 in-process peers, 1 writer: p50 {latencies[latencies.Count / 2]:F0} us, p99 {latencies[(int)(latencies.Count * 0.99)]:F0} us, max {latencies[^1]:F0} us");
        foreach (var peer in peers)
        {
            peer.Dispose();
        }

        var failovers = new List<double>();
        for (var run = 0; run < 20; run++)
        {
            var network = new InMemoryRaftNetwork();
            (peers, leader) = await RaftGroup.StartAsync(3, network, tick);
            var others = peers.Where(p => p != leader).ToArray();
            var started = Stopwatch.GetTimestamp();
            network.Isolate(leader.RaftPeer!.Id);
            while (true)
            {
                try
                {
                    var next = await RaftGroup.LeaderAsync(others);
                    await next.Services.CreateAsync(Fixtures.Service(1));
                    break;
                }
                catch (StoreUnavailableException)
                {
                    // Not committed yet: try again.
                }
            }

            failovers.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            foreach (var peer in peers)
            {
                peer.Dispose();
            }
        }

        failovers.Sort();
        var electionTimeout = tick.TotalMilliseconds * 10;
        Console.WriteLine($"failover (leader cut off -> first write committed by a new leader), 20 runs, election timeout {electionTimeout} ms: median {failovers[failovers.Count / 2]:F0} ms, max {failovers[^1]:F0} ms ({failovers[^1] / electionTimeout:F2} election timeouts)");
    }
}
