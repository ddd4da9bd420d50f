using System.Diagnostics.Metrics;
using ClusterState.Replication;
using ClusterState.Storage;
using ClusterState.Watch;

namespace ClusterState.Hosting;

/// <summary>
/// The store's instruments on the <see cref="ClusterStateInstrumentation.MeterName"/> meter, each tagged with the
/// store's name (<c>clusterstate.store</c>) and, on a Raft peer, its node id (<c>clusterstate.raft.node</c>), so that
/// several stores in one process report apart. Counters of the hot paths are observed (read from state when a
/// listener collects) so that writes and event delivery pay nothing for them.
/// </summary>
internal sealed class ClusterStoreMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly KeyValuePair<string, object?>[] _tags;
    private long _commits;
    private long _objectWrites;

    public ClusterStoreMetrics(IMeterFactory? factory, MvccStore state, WatchHub hub, string storeName, RaftPeer? raft, DurationRecorder? syncTimer)
    {
        _ownsMeter = factory is null;
        _meter = factory?.Create(ClusterStateInstrumentation.MeterName) ?? new Meter(ClusterStateInstrumentation.MeterName);
        _tags = raft is null
            ? [new(ClusterStateInstrumentation.StoreTag, storeName)]
            : [new(ClusterStateInstrumentation.StoreTag, storeName), new(ClusterStateInstrumentation.RaftNodeTag, (long)raft.Id)];
        Counter("clusterstate.store.commits", () => Interlocked.Read(ref _commits), "{commit}", "Write batches committed (each is one revision).");
        Counter("clusterstate.store.object_writes", () => Interlocked.Read(ref _objectWrites), "{object}", "Objects created, updated or deleted.");
        Gauge("clusterstate.store.revision", () => state.Revision, "{revision}", "The latest committed revision.");
        Gauge("clusterstate.store.compacted_revision", () => state.CompactedRevision, "{revision}", "The compaction revision.");
        Gauge("clusterstate.store.keys", () => state.KeyCount, "{key}", "Keys held, including deleted keys not yet compacted.");
        _meter.CreateObservableUpDownCounter("clusterstate.watch.watchers", () => new Measurement<int>(hub.WatcherCount, _tags), "{watcher}", "Active watches.");
        Counter("clusterstate.watch.events_delivered", () => hub.EventsDelivered, "{event}", "Watch events delivered to subscribers.");
        Gauge("clusterstate.watch.max_lag", hub.MaxLag, "{revision}", "Revisions the furthest-behind watch has yet to read.");
        CommitDuration.Attach(_meter.CreateHistogram<double>("clusterstate.store.commit_duration", "s", "Time from a write request being validated to its committed result (durable and replicated as the store requires)."), _tags);
        hub.DeliveryLag.Attach(_meter.CreateHistogram<double>("clusterstate.watch.delivery_lag", "s", "Time from a batch being applied to a watch reading it, per watch and batch of its kinds."), _tags);
        syncTimer?.Attach(_meter.CreateHistogram<double>("clusterstate.store.fsync_duration", "s", "Time one fsync of the write-ahead log (or of a Raft peer's log) took."), _tags);
        if (raft is not null)
        {
            var stats = raft.Stats;
            Gauge("clusterstate.raft.term", () => stats.Term, "{term}", "The Raft term this peer is in.");
            Gauge("clusterstate.raft.leader", () => (long)stats.Leader, "{node}", "The leader this peer knows (0: none).");
            Counter("clusterstate.raft.leader_changes", () => stats.LeaderChanges, "{change}", "Times the leader this peer knows changed (to another node or to none).");
            Gauge("clusterstate.raft.commit_index", () => stats.CommitIndex, "{entry}", "The highest log index this peer knows committed.");
            Gauge("clusterstate.raft.applied_index", () => stats.AppliedIndex, "{entry}", "The highest log index this peer applied to its store.");
            Gauge("clusterstate.raft.log_entries", () => raft.LogEntries, "{entry}", "Entries in this peer's Raft log (bounded by snapshots).");
            Counter("clusterstate.raft.proposals", () => stats.Proposals, "{proposal}", "Writes and compactions proposed on this peer (forwarded ones included).");
            Counter("clusterstate.raft.forwarded", () => stats.Forwarded, "{proposal}", "Proposals this peer forwarded to the leader.");
            Counter("clusterstate.raft.snapshots_sent", () => stats.SnapshotsSent, "{message}", "Snapshot messages this peer sent as leader to followers behind its log.");
            Counter("clusterstate.raft.snapshots_installed", () => stats.SnapshotsInstalled, "{snapshot}", "Snapshots this peer installed from a leader.");
            Counter("clusterstate.raft.dropped_messages", () => raft.DroppedMessages, "{message}", "Messages from this peer its transport dropped (a full send queue, a cut or faulty link).");
        }
    }

    /// <summary>Times write requests; <see cref="RecordCommit"/> stops it.</summary>
    public DurationRecorder CommitDuration { get; } = new();

    public void RecordCommit(TxnResult result, long started)
    {
        CommitDuration.Stop(started);
        if (result.Writes > 0)
        {
            Interlocked.Increment(ref _commits);
            Interlocked.Add(ref _objectWrites, result.Writes);
        }
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private void Counter(string name, Func<long> read, string unit, string description) =>
        _meter.CreateObservableCounter(name, () => new Measurement<long>(read(), _tags), unit, description);

    private void Gauge(string name, Func<long> read, string unit, string description) =>
        _meter.CreateObservableGauge(name, () => new Measurement<long>(read(), _tags), unit, description);
}
