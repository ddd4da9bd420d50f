using System.Diagnostics;
using ClusterState.Etcd;

namespace ClusterState.Comparison;

/// <summary>
/// Time to ready: starting an etcd process until its first successful write, against creating a store until
/// its first write. Medians over several starts; the cost of a store's first use in a process (JIT
/// compilation) is not measured: the workloads before it have run the same code.
/// </summary>
internal static class StartupWorkload
{
    public static async Task RunAsync(ResultTable table, CompareSettings settings, CancellationToken cancellationToken)
    {
        var etcdDurable = await MedianAsync(settings.EtcdStarts, () => EtcdReadyAsync(fsync: true, cancellationToken));
        var etcdNoFsync = await MedianAsync(settings.EtcdStarts, () => EtcdReadyAsync(fsync: false, cancellationToken));
        var durable = await MedianAsync(settings.StoreStarts, () => StoreReadyAsync(durable: true, cancellationToken));
        var inMemory = await MedianAsync(settings.StoreStarts, () => StoreReadyAsync(durable: false, cancellationToken));
        table.Add(new ResultRow("time to ready (start → first write), etcd with fsync vs durable store on an empty directory", "ms", etcdDurable, durable, HigherIsBetter: false));
        table.Add(new ResultRow("time to ready (start → first write), etcd --unsafe-no-fsync vs in-memory store", "ms", etcdNoFsync, inMemory, HigherIsBetter: false));
        table.Note($"time to ready: medians of {settings.EtcdStarts} etcd starts (process start until a Put succeeds) and {settings.StoreStarts} store creations in this process (its code already compiled by the workloads before).");
    }

    private static async Task<double> EtcdReadyAsync(bool fsync, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var etcd = await EtcdProcess.StartAsync(fsync, cancellationToken);
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static async Task<double> StoreReadyAsync(bool durable, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Path.GetTempPath(), "clusterstate-compare-" + Guid.NewGuid().ToString("N"));
        var service = Objects.Service("ready", 0);
        try
        {
            var started = Stopwatch.GetTimestamp();
            using var store = new ClusterStore(new ClusterStoreOptions { DataDirectory = durable ? directory : null });
            await store.Services.CreateAsync(service, cancellationToken);
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static async Task<double> MedianAsync(int runs, Func<Task<double>> run)
    {
        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            times[i] = await run();
        }

        Array.Sort(times);
        return times[runs / 2];
    }
}
