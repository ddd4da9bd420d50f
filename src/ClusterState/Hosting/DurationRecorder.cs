using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ClusterState.Hosting;

/// <summary>
/// Times one kind of operation (an fsync, say) into a histogram that the store's metrics attach after the component
/// that owns it was built. Costs one check when nothing listens.
/// </summary>
internal sealed class DurationRecorder
{
    private Histogram<double>? _histogram;
    private KeyValuePair<string, object?>[] _tags = [];

    public void Attach(Histogram<double> histogram, KeyValuePair<string, object?>[] tags)
    {
        _tags = tags;
        Volatile.Write(ref _histogram, histogram);
    }

    /// <summary>True when something listens.</summary>
    public bool Enabled => Volatile.Read(ref _histogram) is { Enabled: true };

    /// <summary>A start timestamp, or 0 when nothing listens.</summary>
    public long Start() => Volatile.Read(ref _histogram) is { Enabled: true } ? Stopwatch.GetTimestamp() : 0;

    /// <summary>Records the time since <paramref name="started"/> (nothing for 0), in seconds.</summary>
    public void Stop(long started)
    {
        if (started != 0 && _histogram is { } histogram)
        {
            histogram.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, _tags);
        }
    }
}
