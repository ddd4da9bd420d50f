using System.Collections.Concurrent;
using ClusterState.Storage;

namespace ClusterState.Watch;

/// <summary>
/// Wakes watches when revisions are committed and when progress notifications are due, and keeps the registry of
/// active watches for metrics.
/// </summary>
/// <remarks>
/// <para>The writer's cost is constant whatever the number of watches: <see cref="OnCommitted"/> sets a flag and,
/// if none was pending, queues one work item. That work item swaps in a fresh signal and completes the old one;
/// the waiting watches' continuations run asynchronously on the thread pool. Subscriber code never runs on the
/// writer's thread, and a slow subscriber cannot slow the writer.</para>
/// <para>Watches hold no queues: each reads committed batches straight from the shared <see cref="RevisionLog"/>
/// at its own pace, so a watch that falls behind costs no memory; if compaction passes it, it fails with
/// <see cref="RevisionCompactedException"/>.</para>
/// </remarks>
internal sealed class WatchHub : IDisposable
{
    private readonly MvccStore _state;
    private readonly ITimer _progressTimer;

    /// <summary>Active watches (the value is unused).</summary>
    private readonly ConcurrentDictionary<WatchTracker, byte> _watchers = new();

    /// <summary>The signal idle watches wait on; replaced and completed by <see cref="Fire"/>.</summary>
    private volatile TaskCompletionSource _signal = NewSignal();

    /// <summary>1 while a <see cref="Fire"/> is queued and has not yet swapped the signal.</summary>
    private int _firePending;

    /// <summary>
    /// Watches between announcing that they will wait (<see cref="BeginWait"/>) and waking up. The commit path
    /// skips the wake-up when it is zero, so a store without idle watches pays nothing per write. The pair
    /// "watch: increment, then read the revision" / "writer: publish the revision, fence, then read this" ensures
    /// that either the writer sees the waiter or the waiter sees the new revision.
    /// </summary>
    private int _waiters;

    /// <summary>Bumped at every progress tick.</summary>
    private long _progressEpoch;

    /// <summary>Events delivered by watches that have ended.</summary>
    private long _retiredDelivered;

    private volatile bool _disposed;

    public WatchHub(MvccStore state, TimeProvider time, TimeSpan progressInterval)
    {
        _state = state;
        _progressTimer = time.CreateTimer(static s => ((WatchHub)s!).Tick(), this, progressInterval, progressInterval);
    }

    public MvccStore State => _state;

    /// <summary>Completes when something may have happened: a commit, a progress tick or disposal.</summary>
    public Task Signal => _signal.Task;

    public long ProgressEpoch => Interlocked.Read(ref _progressEpoch);

    public bool IsDisposed => _disposed;

    public int WatcherCount => _watchers.Count;

    /// <summary>Events delivered by every watch, ended or active.</summary>
    /// <summary>Times from a batch being applied to a watch reading it (attached by the store's metrics).</summary>
    public Hosting.DurationRecorder DeliveryLag { get; } = new();

    public long EventsDelivered => Interlocked.Read(ref _retiredDelivered) + _watchers.Keys.Sum(w => w.Delivered);

    /// <summary>How many revisions the furthest-behind active watch has still to read.</summary>
    public long MaxLag()
    {
        var head = _state.Revision;
        long lag = 0;
        foreach (var watcher in _watchers.Keys)
        {
            lag = Math.Max(lag, head - watcher.NextRevision + 1);
        }

        return lag;
    }

    /// <summary>Called by the commit path after publishing a revision. Constant time; never runs watcher code.</summary>
    public void OnCommitted(long revision)
    {
        _ = revision;
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _waiters) > 0)
        {
            ScheduleFire();
        }
    }

    /// <summary>
    /// Announces that the caller is about to wait on <see cref="Signal"/>; it must then re-read the revision
    /// before waiting, and call <see cref="EndWait"/> after.
    /// </summary>
    public void BeginWait() => Interlocked.Increment(ref _waiters);

    /// <summary>Ends a wait begun with <see cref="BeginWait"/>.</summary>
    public void EndWait() => Interlocked.Decrement(ref _waiters);

    public WatchTracker Register(long nextRevision)
    {
        var tracker = new WatchTracker(nextRevision);
        _watchers.TryAdd(tracker, 0);
        return tracker;
    }

    public void Unregister(WatchTracker tracker)
    {
        if (_watchers.TryRemove(tracker, out _))
        {
            Interlocked.Add(ref _retiredDelivered, tracker.Delivered);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _progressTimer.Dispose();
        Fire();
    }

    private void Tick()
    {
        Interlocked.Increment(ref _progressEpoch);
        ScheduleFire();
    }

    private void ScheduleFire()
    {
        if (Interlocked.Exchange(ref _firePending, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static hub => hub.Fire(), this, preferLocal: false);
        }
    }

    private void Fire()
    {
        // Clear the flag before swapping: a commit that lands after this point schedules another wake-up.
        Volatile.Write(ref _firePending, 0);
        var previous = Interlocked.Exchange(ref _signal, NewSignal());
        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
