using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace ClusterState.Benchmarks;

/// <summary>
/// Samples the runtime's allocation events (one per ~100 KB allocated, naming the type of the object that crossed
/// the mark) while enabled, and reports the bytes attributed to each type: where a workload's allocations go, without
/// a profiler. Used by '--raft-report' when RAFT_ALLOCATIONS=1.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new();
    private volatile bool _recording;

    public void Start() => _recording = true;

    public void Stop() => _recording = false;

    /// <summary>The types with the most sampled bytes, as bytes per unit of work (<paramref name="units"/>).</summary>
    public IEnumerable<string> Top(int count, double units) =>
        _bytes.OrderByDescending(p => p.Value).Take(count).Select(p => $"{p.Value / units,8:N0} B  {p.Key}");

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        // GCAllocationTick_V4: AllocationAmount64 is the bytes allocated since the previous event.
        if (!_recording || e.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.PayloadNames is not { } names)
        {
            return;
        }

        var amount = Convert.ToInt64(e.Payload![names.IndexOf("AllocationAmount64")], System.Globalization.CultureInfo.InvariantCulture);
        var type = (string?)e.Payload[names.IndexOf("TypeName")] ?? "?";
        if (Convert.ToInt32(e.Payload[names.IndexOf("AllocationKind")], System.Globalization.CultureInfo.InvariantCulture) == 1)
        {
            type = "(large object heap) " + type;
        }

        _bytes.AddOrUpdate(type, amount, (_, total) => total + amount);
    }
}
