using System.Diagnostics;
using ClusterState.Model;

namespace ClusterState.Benchmarks;

/// <summary>
/// '--raft-report': throughput of many concurrent writers through one store and through a 3-peer group, under each
/// of the garbage collector's usual configurations (a child process each); commit latency percentiles of sequential
/// writes through a 3-peer group; and failover time (from cutting the leader off to the first write committed by a
/// new one), measured with a stopwatch over many runs.
/// </summary>
internal static class RaftReport
{
    /// <summary>
    /// The collector configurations the throughput is measured under: a console app's default, an ASP.NET Core app's
    /// default (server GC, which adapts its heap count and budgets to the application's size), and server GC with
    /// that adaptation off. Each runs in a child process, since the configuration is chosen when a process starts.
    /// </summary>
    private static readonly (string Label, (string Name, string Value)[] Environment)[] CollectorModes =
    [
        ("workstation GC, concurrent (a console app's default)", []),
        ("server GC (an ASP.NET Core app's default: heaps adapted to the application's size)", [("DOTNET_gcServer", "1")]),
        ("server GC, adaptation off (GarbageCollectionAdaptationMode=0)", [("DOTNET_gcServer", "1"), ("DOTNET_GCDynamicAdaptationMode", "0")]),
    ];

    public static async Task RunAsync()
    {
        var isChild = Environment.GetEnvironmentVariable("RAFT_GC_CHILD") == "1";
        if (isChild || Environment.GetEnvironmentVariable("RAFT_GC_MODES") == "0")
        {
            await ThroughputReportAsync();
        }
        else
        {
            foreach (var (label, environment) in CollectorModes)
            {
                Console.WriteLine($"[{label}]");
                await RunChildAsync(environment);
            }
        }

        if (isChild || Environment.GetEnvironmentVariable("RAFT_THROUGHPUT_ONLY") == "1")
        {
            return;
        }

        var tick = TimeSpan.FromMilliseconds(10);
        var (peers, leader) = await RaftGroup.StartAsync(3, tick: tick);
        var svc = await leader.Services.CreateAsync(Fixtures.Service(0));
        // Two seconds of warm-up first: this process ran nothing before (the throughput runs are child processes).
        var warmup = Stopwatch.StartNew();
        while (warmup.Elapsed < TimeSpan.FromSeconds(2))
        {
            svc = await leader.Services.UpdateAsync(svc);
        }

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

    /// <summary>Runs the throughput part of this report in a child process with <paramref name="environment"/> added.</summary>
    private static async Task RunChildAsync((string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!, ["--raft-report"]) { RedirectStandardOutput = true };
        start.Environment["RAFT_GC_CHILD"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var child = Process.Start(start)!;
        while (await child.StandardOutput.ReadLineAsync() is { } line)
        {
            Console.WriteLine("  " + line);
        }

        await child.WaitForExitAsync();
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"The throughput run exited with {child.ExitCode}.");
        }
    }

    /// <summary>Committed writes per second from many concurrent writers: single store vs 3 peers, in memory and durable.</summary>
    private static async Task ThroughputReportAsync()
    {
        const int writers = 256;
        var duration = TimeSpan.FromSeconds(3);
        using (var single = new ClusterStore())
        {
            Console.WriteLine($"throughput, single in-memory store, {writers} writers: {await ThroughputAsync(single, writers, duration)}");
        }

        foreach (var count in Environment.GetEnvironmentVariable("RAFT_WRITERS")?.Split(',').Select(int.Parse) ?? [writers])
        {
            var (group, first) = await RaftGroup.StartAsync(3);
            Console.WriteLine($"throughput, 3 in-process peers (in-memory log), {count} writers: {await ThroughputAsync(first, count, duration)}");
            foreach (var peer in group)
            {
                peer.Dispose();
            }
        }

        ClusterStore[] peers;
        ClusterStore leader;
        if (Environment.GetEnvironmentVariable("RAFT_THROUGHPUT_ONLY") == "1")
        {
            return;
        }

        var root = Path.Combine(Path.GetTempPath(), "clusterstate-raft-bench-" + Environment.ProcessId);
        try
        {
            (peers, leader) = await RaftGroup.StartAsync(3, dataDirectory: root);
            Console.WriteLine($"throughput, 3 in-process peers (durable log, fsync), {writers} writers: {await ThroughputAsync(leader, writers, duration)}");
            foreach (var peer in peers)
            {
                peer.Dispose();
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>
    /// Committed writes per second from <paramref name="writers"/> concurrent writers, with the bytes allocated per write
    /// (by every thread of the process: all the peers of an in-process group) and the share of the measured time spent
    /// in garbage-collection pauses.
    /// </summary>
    private static async Task<Throughput> ThroughputAsync(ClusterStore store, int writers, TimeSpan duration)
    {
        var objects = new Service[writers];
        for (var i = 0; i < writers; i++)
        {
            objects[i] = await store.Services.CreateAsync(Fixtures.Service(i));
        }

        // Warm-up, then the measured run. The warm-up is long because with every core busy the tiered JIT's
        // background compilations compete with the writers: after one second much of the path still ran
        // instrumented (tier-0) code, which cut the 3-peer figure by about a third.
        var done = 0L;
        var measuring = false;
        var stopwatch = Stopwatch.StartNew();
        var warmup = TimeSpan.FromSeconds(double.Parse(Environment.GetEnvironmentVariable("RAFT_WARMUP_SECONDS") ?? "4", System.Globalization.CultureInfo.InvariantCulture));
        var measuredFrom = TimeSpan.Zero;
        var allocatedFrom = 0L;
        var pausedFrom = TimeSpan.Zero;
        var collectionsFrom = new int[3];
        using var sampler = Environment.GetEnvironmentVariable("RAFT_ALLOCATIONS") == "1" ? new AllocationSampler() : null;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            while (stopwatch.Elapsed < warmup + duration)
            {
                await store.Services.UpdateUnconditionallyAsync(objects[w]);
                if (Volatile.Read(ref measuring))
                {
                    Interlocked.Increment(ref done);
                }
                else if (stopwatch.Elapsed >= warmup && !Interlocked.Exchange(ref measuring, true))
                {
                    allocatedFrom = GC.GetTotalAllocatedBytes();
                    pausedFrom = GC.GetTotalPauseDuration();
                    collectionsFrom = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
                    sampler?.Start();
                    measuredFrom = stopwatch.Elapsed;
                }
            }
        })));
        var elapsed = stopwatch.Elapsed - measuredFrom;
        var allocated = GC.GetTotalAllocatedBytes() - allocatedFrom;
        var paused = GC.GetTotalPauseDuration() - pausedFrom;
        if (sampler is not null)
        {
            sampler.Stop();
            foreach (var line in sampler.Top(25, done))
            {
                Console.WriteLine(line);
            }

            foreach (var kind in new[] { GCKind.Ephemeral, GCKind.Background, GCKind.FullBlocking })
            {
                var info = GC.GetGCMemoryInfo(kind);
                Console.WriteLine($"last {kind} collection: gen{info.Generation}, pause {info.PauseDurations[0].TotalMilliseconds:F2} ms, promoted {info.PromotedBytes / 1024.0:N0} KiB, heap {info.HeapSizeBytes / 1048576.0:N1} MiB, gen0 budget {info.GenerationInfo[0].SizeBeforeBytes / 1048576.0:N1} MiB");
            }
        }

        var collections = Enumerable.Range(0, 3).Select(g => (GC.CollectionCount(g) - collectionsFrom[g]) / elapsed.TotalSeconds).ToArray();
        var committed = GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576.0;
        return new Throughput(done / elapsed.TotalSeconds, allocated / (double)Math.Max(1, done), paused / elapsed, collections, committed);
    }

    private readonly record struct Throughput(double WritesPerSecond, double BytesPerWrite, double GcShare, double[] CollectionsPerSecond, double CommittedMiB)
    {
        public override string ToString() => $"{WritesPerSecond:N0} committed writes/s, {BytesPerWrite:N0} bytes allocated per write, {GcShare:P0} of the time in GC pauses ({CollectionsPerSecond[0]:N0} collections/s, of which gen1 {CollectionsPerSecond[1]:N0}, gen2 {CollectionsPerSecond[2]:N1}), {CommittedMiB:N0} MiB committed by the GC at the end";
    }
}
