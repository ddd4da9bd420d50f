using System.Diagnostics;
using ClusterState.Etcd;
using ClusterState.Model;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Net.Client;

namespace ClusterState.Comparison;

/// <summary>
/// Many watchers, many writes: every watcher watches the same namespace from before the first write; writers
/// create one new object per write. Latency is from just before a write is issued to the moment a watcher sees
/// its event; a watcher is complete when it saw every write once, in revision order.
/// </summary>
internal static class WatchWorkload
{
    public static async Task RunAsync(ResultTable table, CompareSettings settings, string label, int etcdClientPort, ClusterStore store, CancellationToken cancellationToken)
    {
        var etcd = await OnEtcdAsync(settings, etcdClientPort, cancellationToken);
        var ours = await OnStoreAsync(settings, store, cancellationToken);
        var workload = $"watch: {settings.Watchers} watchers, {settings.WatchWrites:N0} writes ({settings.WatchWriters} writers), {label}";
        table.Add(new ResultRow(workload + ", delivery p50", "ms", etcd.P50, ours.P50, HigherIsBetter: false));
        table.Add(new ResultRow(workload + ", delivery p99", "ms", etcd.P99, ours.P99, HigherIsBetter: false));
        table.Add(new ResultRow(workload + ", events delivered in order", "%", etcd.DeliveredPercent, ours.DeliveredPercent, HigherIsBetter: true));
    }

    private sealed record Outcome(double P50, double P99, double DeliveredPercent);

    /// <summary>What one watcher saw: latencies of the events it got, and whether they were all there and in order.</summary>
    private sealed class Watcher(int writes)
    {
        private readonly double[] _latencies = new double[writes];
        private readonly bool[] _seen = new bool[writes];
        private long _lastRevision;

        public int Count { get; private set; }

        public bool InOrder { get; private set; } = true;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ReadOnlySpan<double> Latencies => _latencies.AsSpan(0, Count);

        public void Saw(int index, long revision, long[] issued)
        {
            var now = Stopwatch.GetTimestamp();
            if (revision <= _lastRevision || _seen[index])
            {
                InOrder = false;
            }

            _lastRevision = revision;
            _seen[index] = true;
            _latencies[Count++] = (now - Volatile.Read(ref issued[index])) * 1000.0 / Stopwatch.Frequency;
            if (Count == _latencies.Length)
            {
                Done.TrySetResult();
            }
        }
    }

    private static async Task<Outcome> OnEtcdAsync(CompareSettings settings, int clientPort, CancellationToken cancellationToken)
    {
        var ns = "watch-" + Guid.NewGuid().ToString("N")[..8];
        var (start, end) = Objects.Range(ns);
        var values = Enumerable.Range(0, settings.WatchWrites).Select(i => ByteString.CopyFrom(Objects.Json(Objects.Service(ns, i)))).ToArray();
        var channels = Enumerable.Range(0, settings.EtcdConnections).Select(_ => EtcdProcess.OpenChannel(clientPort)).ToArray();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            var issued = new long[settings.WatchWrites];
            var watchers = new Watcher[settings.Watchers];
            var readers = new List<Task>();
            for (var w = 0; w < watchers.Length; w++)
            {
                var watcher = watchers[w] = new Watcher(settings.WatchWrites);
                var call = new Etcdserverpb.Watch.WatchClient(channels[w % channels.Length]).Watch(cancellationToken: stop.Token);
                await call.RequestStream.WriteAsync(new WatchRequest { CreateRequest = new WatchCreateRequest { Key = ByteString.CopyFromUtf8(start), RangeEnd = ByteString.CopyFromUtf8(end) } }, stop.Token);
                if (!await call.ResponseStream.MoveNext(stop.Token) || !call.ResponseStream.Current.Created)
                {
                    throw new InvalidOperationException("etcd did not create a watch");
                }

                readers.Add(Task.Run(async () =>
                {
                    using (call)
                    {
                        try
                        {
                            while (await call.ResponseStream.MoveNext(stop.Token))
                            {
                                foreach (var e in call.ResponseStream.Current.Events)
                                {
                                    var key = e.Kv.Key.ToStringUtf8();
                                    watcher.Saw(Objects.IndexOf(key[(key.LastIndexOf('/') + 1)..]), e.Kv.ModRevision, issued);
                                }
                            }
                        }
                        catch (Grpc.Core.RpcException) when (stop.IsCancellationRequested)
                        {
                            // Stopped at the end of the run.
                        }
                    }
                }, CancellationToken.None));
            }

            var clients = channels.Select(c => new KV.KVClient(c)).ToArray();
            await WriteAllAsync(settings, issued, async (i, writer) =>
                await clients[writer % clients.Length].PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8(Objects.Key(ns, i)), Value = values[i] }, cancellationToken: cancellationToken));
            await WaitForAllAsync(watchers, cancellationToken);
            await stop.CancelAsync();
            await Task.WhenAll(readers);
            return Summarize(watchers, settings);
        }
        finally
        {
            foreach (var channel in channels)
            {
                channel.Dispose();
            }
        }
    }

    private static async Task<Outcome> OnStoreAsync(CompareSettings settings, ClusterStore store, CancellationToken cancellationToken)
    {
        var ns = "watch-" + Guid.NewGuid().ToString("N")[..8];
        var objects = Enumerable.Range(0, settings.WatchWrites).Select(i => Objects.Service(ns, i)).ToArray();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var issued = new long[settings.WatchWrites];
        var watchers = new Watcher[settings.Watchers];
        var readers = new List<Task>();
        for (var w = 0; w < watchers.Length; w++)
        {
            var watcher = watchers[w] = new Watcher(settings.WatchWrites);
            var events = store.Services.WatchAsync(new WatchOptions { Namespace = ns }, stop.Token);
            readers.Add(Task.Run(async () =>
            {
                try
                {
                    await foreach (var e in events)
                    {
                        if (e.Type == WatchEventType.Added)
                        {
                            watcher.Saw(Objects.IndexOf(e.Object!.Metadata.Name), e.Revision, issued);
                        }
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // Stopped at the end of the run.
                }
            }, CancellationToken.None));
        }

        await WriteAllAsync(settings, issued, async (i, _) => await store.Services.CreateAsync(objects[i], cancellationToken));
        await WaitForAllAsync(watchers, cancellationToken);
        await stop.CancelAsync();
        await Task.WhenAll(readers);
        return Summarize(watchers, settings);
    }

    /// <summary>Issues every write from the writers, noting when each was issued.</summary>
    private static Task WriteAllAsync(CompareSettings settings, long[] issued, Func<int, int, Task> write)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, settings.WatchWriters).Select(writer => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < issued.Length)
            {
                Volatile.Write(ref issued[i], Stopwatch.GetTimestamp());
                await write(i, writer);
            }
        })));
    }

    /// <summary>Waits, a bounded time, for every watcher to see every write.</summary>
    private static async Task WaitForAllAsync(Watcher[] watchers, CancellationToken cancellationToken)
    {
        var all = Task.WhenAll(watchers.Select(w => w.Done.Task));
        await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(60), cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Latency percentiles over every event every watcher saw, and the share of events delivered to watchers that saw them in order.</summary>
    private static Outcome Summarize(Watcher[] watchers, CompareSettings settings)
    {
        var latencies = new double[watchers.Sum(w => w.Count)];
        var at = 0;
        foreach (var watcher in watchers)
        {
            watcher.Latencies.CopyTo(latencies.AsSpan(at));
            at += watcher.Count;
        }

        Array.Sort(latencies);
        if (latencies.Length == 0)
        {
            return new Outcome(double.NaN, double.NaN, 0);
        }

        var delivered = watchers.Where(w => w.InOrder).Sum(w => (double)w.Count) / ((double)watchers.Length * settings.WatchWrites);
        return new Outcome(Load.Percentile(latencies, 0.5), Load.Percentile(latencies, 0.99), delivered * 100);
    }
}
