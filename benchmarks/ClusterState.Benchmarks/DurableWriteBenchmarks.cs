using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using ClusterState.Model;

namespace ClusterState.Benchmarks;

/// <summary>
/// Durable writes (fsync per group) from 1 and 64 concurrent writers, against the same writes to an in-memory store
/// in the same run. Reported per write.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class DurableWriteBenchmarks
{
    /// <summary>Writes per invocation, split evenly across the writers.</summary>
    private const int TotalWrites = 1280;
    private string _directory = null!;
    private ClusterStore _store = null!;
    private Service[] _objects = null!;

    [Params(1, 64)]
    public int Writers { get; set; }

    [Params(true, false)]
    public bool Durable { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "clusterstate-bench-" + Guid.NewGuid().ToString("N"));
        _store = new ClusterStore(new ClusterStoreOptions { DataDirectory = Durable ? _directory : null });
        _objects = new Service[Writers];
        for (var i = 0; i < Writers; i++)
        {
            _objects[i] = await _store.Services.CreateAsync(Fixtures.Service(i));
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Benchmark(OperationsPerInvoke = TotalWrites, Description = "update, per write")]
    public Task Writes() => Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
    {
        for (var i = 0; i < TotalWrites / Writers; i++)
        {
            await _store.Services.UpdateUnconditionallyAsync(_objects[w]);
        }
    })));
}
