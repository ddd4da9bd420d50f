using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using ClusterState.Model;

namespace ClusterState.Benchmarks;

/// <summary>
/// Committed writes through a 3-peer Raft group in one process (in-memory network, in-memory log), from 1 and 64
/// concurrent writers on the leader, against the same writes to a single in-memory store in the same run.
/// Reported per write.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class RaftBenchmarks
{
    private const int TotalWrites = 2560;
    private ClusterStore[] _peers = null!;
    private ClusterStore _leader = null!;
    private Service[] _objects = null!;

    [Params(1, 64)]
    public int Writers { get; set; }

    [Params(true, false)]
    public bool Replicated { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        if (Replicated)
        {
            (_peers, _leader) = await RaftGroup.StartAsync(3);
        }
        else
        {
            _leader = new ClusterStore();
            _peers = [_leader];
        }

        _objects = new Service[Writers];
        for (var i = 0; i < Writers; i++)
        {
            _objects[i] = await _leader.Services.CreateAsync(Fixtures.Service(i));
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var peer in _peers)
        {
            peer.Dispose();
        }
    }

    [Benchmark(OperationsPerInvoke = TotalWrites, Description = "update, per committed write")]
    public Task Writes() => Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
    {
        for (var i = 0; i < TotalWrites / Writers; i++)
        {
            await _leader.Services.UpdateUnconditionallyAsync(_objects[w]);
        }
    })));
}

/// <summary>Starts a Raft group of in-process peers and waits for its leader.</summary>
internal static class RaftGroup
{
    public static async Task<(ClusterStore[] Peers, ClusterStore Leader)> StartAsync(int size, InMemoryRaftNetwork? network = null, TimeSpan? tick = null, string? dataDirectory = null)
    {
        network ??= new InMemoryRaftNetwork();
        var voters = Enumerable.Range(1, size).Select(i => (ulong)i).ToArray();
        var peers = voters.Select(id => new ClusterStore(new ClusterStoreOptions
        {
            DataDirectory = dataDirectory is null ? null : Path.Combine(dataDirectory, $"peer{id}"),
            Raft = new RaftOptions { NodeId = id, Voters = voters, Transport = network, TickInterval = tick ?? TimeSpan.FromMilliseconds(10) },
        })).ToArray();
        return (peers, await LeaderAsync(peers));
    }

    public static async Task<ClusterStore> LeaderAsync(IReadOnlyList<ClusterStore> peers)
    {
        while (true)
        {
            var leader = peers.FirstOrDefault(p => p.RaftPeer!.IsLeader && peers.All(o => o.Leader == p.RaftPeer.Id));
            if (leader is not null)
            {
                return leader;
            }

            await Task.Delay(1);
        }
    }
}
