using System.Diagnostics.Metrics;
using ClusterState.Storage;
using ClusterState.Watch;

namespace ClusterState.Hosting;

/// <summary>
/// The store's instruments on the <c>ClusterState</c> meter. Counters of the hot paths are observed (read from
/// state when a listener collects) so that writes and event delivery pay nothing for them.
/// </summary>
internal sealed class ClusterStoreMetrics : IDisposable
{
    /// <summary>The meter's name, to subscribe to with a MeterListener or OpenTelemetry.</summary>
    public const string MeterName = "ClusterState";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private long _commits;
    private long _objectWrites;

    public ClusterStoreMetrics(IMeterFactory? factory, MvccStore state, WatchHub hub)
    {
        _ownsMeter = factory is null;
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        _meter.CreateObservableCounter("clusterstate.store.commits", () => Interlocked.Read(ref _commits), "{commit}", "Write batches committed (each is one revision).");
        _meter.CreateObservableCounter("clusterstate.store.object_writes", () => Interlocked.Read(ref _objectWrites), "{object}", "Objects created, updated or deleted.");
        _meter.CreateObservableGauge("clusterstate.store.revision", () => state.Revision, "{revision}", "The latest committed revision.");
        _meter.CreateObservableGauge("clusterstate.store.compacted_revision", () => state.CompactedRevision, "{revision}", "The compaction revision.");
        _meter.CreateObservableGauge("clusterstate.store.keys", () => state.KeyCount, "{key}", "Keys held, including deleted keys not yet compacted.");
        _meter.CreateObservableUpDownCounter("clusterstate.watch.watchers", () => hub.WatcherCount, "{watcher}", "Active watches.");
        _meter.CreateObservableCounter("clusterstate.watch.events_delivered", () => hub.EventsDelivered, "{event}", "Watch events delivered to subscribers.");
        _meter.CreateObservableGauge("clusterstate.watch.max_lag", hub.MaxLag, "{revision}", "Revisions the furthest-behind watch has yet to read.");
    }

    public void RecordCommit(TxnResult result)
    {
        if (result.Results.Count > 0)
        {
            Interlocked.Increment(ref _commits);
            Interlocked.Add(ref _objectWrites, result.Results.Count);
        }
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
