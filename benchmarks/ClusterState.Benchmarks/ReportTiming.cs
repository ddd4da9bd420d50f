using System.Diagnostics;

namespace ClusterState.Benchmarks;

/// <summary>Stopwatch timing shared by the reports: the median of repeated runs after one warm-up run, and its printing.</summary>
internal static class ReportTiming
{
    /// <summary>The median time of <paramref name="runs"/> runs of <paramref name="action"/>, in milliseconds, after one unmeasured run.</summary>
    public static double Median(int runs, Action action)
    {
        action();
        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        Array.Sort(times);
        return times[runs / 2];
    }

    /// <summary>The same for an asynchronous action.</summary>
    public static async Task<double> MedianAsync(int runs, Func<Task> action)
    {
        await action();
        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await action();
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        Array.Sort(times);
        return times[runs / 2];
    }

    /// <summary>Milliseconds as µs below one, else as ms.</summary>
    public static string Ms(double ms) => ms < 1 ? $"{ms * 1000:F0} µs" : $"{ms:F1} ms";
}
