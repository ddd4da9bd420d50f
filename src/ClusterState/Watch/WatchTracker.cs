namespace ClusterState.Watch;

/// <summary>The progress of one active watch, read by metrics. Written only by the watch's own loop.</summary>
internal sealed class WatchTracker(long nextRevision)
{
    private long _nextRevision = nextRevision;
    private long _delivered;

    /// <summary>The next revision the watch will read.</summary>
    public long NextRevision => Volatile.Read(ref _nextRevision);

    /// <summary>Events delivered so far.</summary>
    public long Delivered => Volatile.Read(ref _delivered);

    public void Advance(long nextRevision) => Volatile.Write(ref _nextRevision, nextRevision);

    public void CountDelivered() => Volatile.Write(ref _delivered, _delivered + 1);
}
