namespace ClusterState.Comparison;

/// <summary>Writes, point reads and a large list against one etcd member and one ClusterState store.</summary>
internal static class SingleNodeWorkloads
{
    /// <summary>Sequential and concurrent writes on a pair of targets; <paramref name="label"/> says which durability they share.</summary>
    public static async Task WritesAsync(ResultTable table, CompareSettings settings, string label, ICompareTarget etcd, ICompareTarget store, CancellationToken cancellationToken)
    {
        var ns = "writes-" + Guid.NewGuid().ToString("N")[..8];
        await etcd.PrepareAsync(ns, settings.Keys, cancellationToken);
        await store.PrepareAsync(ns, settings.Keys, cancellationToken);
        await CompareAsync(table, settings, $"writes, 1 client, {label}", 1, etcd, store, (t, c, i) => t.WriteAsync(ns, (int)i), cancellationToken);
        await CompareAsync(table, settings, $"writes, {settings.ConcurrentClients} clients, {label}", settings.ConcurrentClients, etcd, store, (t, c, i) => t.WriteAsync(ns, (int)i), cancellationToken);
    }

    /// <summary>Point reads, sequential and concurrent, of prepared objects.</summary>
    public static async Task ReadsAsync(ResultTable table, CompareSettings settings, ICompareTarget etcd, ICompareTarget store, CancellationToken cancellationToken)
    {
        var ns = "reads-" + Guid.NewGuid().ToString("N")[..8];
        await etcd.PrepareAsync(ns, settings.Keys, cancellationToken);
        await store.PrepareAsync(ns, settings.Keys, cancellationToken);
        await CompareAsync(table, settings, "point reads, 1 client", 1, etcd, store, (t, c, i) => t.ReadAsync(ns, (int)(i * 7919 % settings.Keys)), cancellationToken);
        await CompareAsync(table, settings, $"point reads, {settings.ConcurrentClients} clients", settings.ConcurrentClients, etcd, store, (t, c, i) => t.ReadAsync(ns, (int)(i * 7919 % settings.Keys)), cancellationToken);
    }

    /// <summary>Lists of <see cref="CompareSettings.ListSize"/> objects, one client: time per list.</summary>
    public static async Task ListAsync(ResultTable table, CompareSettings settings, ICompareTarget etcd, ICompareTarget store, CancellationToken cancellationToken)
    {
        var ns = "list-" + Guid.NewGuid().ToString("N")[..8];
        await etcd.PrepareAsync(ns, settings.ListSize, cancellationToken);
        await store.PrepareAsync(ns, settings.ListSize, cancellationToken);
        async Task List(ICompareTarget target)
        {
            var count = await target.ListAsync(ns);
            if (count != settings.ListSize)
            {
                throw new InvalidOperationException($"a list returned {count} objects instead of {settings.ListSize}");
            }
        }

        var onEtcd = await Load.RunAsync(1, settings.Warmup, settings.Duration, (_, _) => List(etcd), cancellationToken);
        var onStore = await Load.RunAsync(1, settings.Warmup, settings.Duration, (_, _) => List(store), cancellationToken);
        table.Add(new ResultRow($"list {settings.ListSize:N0} objects, 1 client, p50", "ms", onEtcd.P50Micros / 1000, onStore.P50Micros / 1000, HigherIsBetter: false));
    }

    /// <summary>Runs one operation on both targets, etcd first, and adds rows for throughput and latency.</summary>
    internal static async Task CompareAsync(ResultTable table, CompareSettings settings, string workload, int clients, ICompareTarget etcd, ICompareTarget store, Func<ICompareTarget, int, long, Task> operation, CancellationToken cancellationToken)
    {
        var onEtcd = await Load.RunAsync(clients, settings.Warmup, settings.Duration, (c, i) => operation(etcd, c, i), cancellationToken);
        var onStore = await Load.RunAsync(clients, settings.Warmup, settings.Duration, (c, i) => operation(store, c, i), cancellationToken);
        table.Add(new ResultRow(workload, "ops/s", onEtcd.OpsPerSecond, onStore.OpsPerSecond, HigherIsBetter: true));
        table.Add(new ResultRow(workload + ", p99 latency", "µs", onEtcd.P99Micros, onStore.P99Micros, HigherIsBetter: false));
    }
}
