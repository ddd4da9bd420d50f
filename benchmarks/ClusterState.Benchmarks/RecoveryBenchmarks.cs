using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace ClusterState.Benchmarks;

/// <summary>
/// Opening a durable store that holds 100,000 Services: from the log alone, and from a snapshot plus the log after
/// it; the peer is loading the same objects into a fresh in-memory store in transactions of 1,000.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class RecoveryBenchmarks
{
    private const int Count = 100_000;
    private string _logOnly = null!;
    private string _withSnapshot = null!;

    [GlobalSetup]
    public void Setup()
    {
        _logOnly = Fill(snapshotEvery: long.MaxValue);
        _withSnapshot = Fill(snapshotEvery: 40_000);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Directory.Delete(_logOnly, recursive: true);
        Directory.Delete(_withSnapshot, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "load 100,000 objects into a new in-memory store (peer)")]
    public long LoadInMemory()
    {
        using var store = new ClusterStore();
        for (var start = 0; start < Count; start += 1000)
        {
            store.Transaction().Then(Enumerable.Range(start, 1000).Select(i => TxnOperation.Create(Fixtures.Service(i)))).CommitAsync().AsTask().GetAwaiter().GetResult();
        }

        return store.Revision;
    }

    [Benchmark(Description = "open 100,000 objects from the log")]
    public long OpenFromLog()
    {
        using var store = new ClusterStore(new ClusterStoreOptions { DataDirectory = _logOnly, SnapshotEveryRevisions = long.MaxValue });
        return store.Revision;
    }

    [Benchmark(Description = "open 100,000 objects from a snapshot + log")]
    public long OpenFromSnapshot()
    {
        using var store = new ClusterStore(new ClusterStoreOptions { DataDirectory = _withSnapshot, SnapshotEveryRevisions = long.MaxValue });
        return store.Revision;
    }

    private static string Fill(long snapshotEvery)
    {
        var directory = Path.Combine(Path.GetTempPath(), "clusterstate-recovery-" + Guid.NewGuid().ToString("N"));
        using var store = new ClusterStore(new ClusterStoreOptions { DataDirectory = directory, Durability = DurabilityMode.None, SnapshotEveryRevisions = snapshotEvery });
        for (var i = 0; i < Count; i++)
        {
            store.Services.CreateAsync(Fixtures.Service(i)).AsTask().GetAwaiter().GetResult();
        }

        return directory;
    }
}
