using System.Diagnostics;

namespace ClusterState.Comparison;

/// <summary>Throughput and latency of one measured run: operations per second, and latency percentiles in microseconds.</summary>
internal sealed record LoadResult(double OpsPerSecond, double P50Micros, double P99Micros, long Operations);

/// <summary>
/// Runs an operation from a number of concurrent clients for a warm-up and then a measured period; only
/// operations that complete inside the measured period count. Every client waits for its operation to complete
/// before it starts the next (closed loop), as etcd's own benchmark tool does.
/// </summary>
internal static class Load
{
    public static async Task<LoadResult> RunAsync(int clients, TimeSpan warmup, TimeSpan duration, Func<int, long, Task> operation, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var stopAt = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long sequence = 0;
        var latencies = new List<double>[clients];
        var tasks = new Task[clients];
        for (var c = 0; c < clients; c++)
        {
            var client = c;
            var mine = latencies[c] = new List<double>(4096);
            tasks[c] = Task.Run(async () =>
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    var issued = Stopwatch.GetTimestamp();
                    if (issued >= stopAt)
                    {
                        return;
                    }

                    await operation(client, Interlocked.Increment(ref sequence));
                    var done = Stopwatch.GetTimestamp();
                    if (issued >= measureFrom && done <= stopAt)
                    {
                        mine.Add((done - issued) * 1_000_000.0 / Stopwatch.Frequency);
                    }
                }
            }, cancellationToken);
        }

        await Task.WhenAll(tasks);
        cancellationToken.ThrowIfCancellationRequested();
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        if (all.Length == 0)
        {
            throw new InvalidOperationException("no operation completed inside the measured period");
        }

        return new LoadResult(all.Length / duration.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99), all.Length);
    }

    /// <summary>The value below which the given fraction of the sorted samples fall (nearest rank).</summary>
    public static double Percentile(double[] sorted, double fraction) =>
        sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];
}
