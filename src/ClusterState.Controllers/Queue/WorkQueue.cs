using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using System.Threading.RateLimiting;

namespace ClusterState.Controllers;

/// <summary>
/// A queue of keys to reconcile, as controllers use it: a key added while it waits is queued once; a key is never
/// handed to two workers at once (added while a worker has it, it is queued again when that worker is done); failed
/// keys come back after a per-key exponential backoff under an overall rate limit; keys can be added after a delay;
/// shutting down stops new keys and lets the workers drain what is queued.
/// </summary>
/// <remarks>
/// <para>A worker loop:</para>
/// <code>
/// while (await queue.WaitToTakeAsync(ct))
/// {
///     if (!queue.TryTake(out var key)) continue;
///     try { await ReconcileAsync(key); queue.Forget(key); }
///     catch (Exception) { queue.AddRateLimited(key); }
///     finally { queue.Done(key); }
/// }
/// </code>
/// <para>
/// Thread-safe. One lock guards the queue's state and is held only for a few dictionary operations; nothing waits
/// under it and no continuation runs under it. Instruments (on <see cref="ControllerInstrumentation.MeterName"/>,
/// tagged <see cref="ControllerInstrumentation.QueueTag"/>): <c>clusterstate.queue.depth</c>,
/// <c>clusterstate.queue.processing</c>, <c>clusterstate.queue.adds</c>, <c>clusterstate.queue.retries</c> and the
/// histogram <c>clusterstate.queue.wait_duration</c> (seconds from queued to taken).
/// </para>
/// </remarks>
/// <typeparam name="TKey">The key type (for objects, <see cref="ObjectKey"/>), compared with its default equality.</typeparam>
[DebuggerDisplay("Count = {Count}, Processing = {ProcessingCount}, Delayed = {DelayedCount}")]
public sealed class WorkQueue<TKey> : IAsyncDisposable, IDisposable
    where TKey : notnull
{
    private readonly WorkQueueOptions _options;
    private readonly TimeProvider _time;
    private readonly RateLimiter? _limiter;
    private readonly bool _ownsLimiter;
    private readonly ITimer _timer;

    /// <summary>Cancelled at shutdown: retries waiting for the limiter stop waiting.</summary>
    private readonly CancellationTokenSource _stopping = new();
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _adds;
    private readonly Counter<long> _retries;
    private readonly Histogram<double> _waitDuration;
    private readonly KeyValuePair<string, object?> _tag;

    /// <summary>Guards every field below it.</summary>
    private readonly Lock _gate = new();

    /// <summary>Keys ready for a worker, in the order they became ready; each at most once.</summary>
    private readonly Queue<TKey> _queue = new();

    /// <summary>When each queued key was queued (UTC ticks), for the wait-duration histogram: kept only while it is listened to.</summary>
    private readonly Dictionary<TKey, long> _queuedAt = [];

    /// <summary>
    /// Keys that need processing: every key in <see cref="_queue"/>, and keys added again while a worker had them
    /// (queued when it is done). Invariant: a key in <see cref="_queue"/> is in here and not in <see cref="_processing"/>.
    /// </summary>
    private readonly HashSet<TKey> _dirty = [];

    /// <summary>Keys a worker has taken and not yet marked done.</summary>
    private readonly HashSet<TKey> _processing = [];

    /// <summary>Rate-limited retries of each key since it was last forgotten.</summary>
    private readonly Dictionary<TKey, int> _failures = [];

    /// <summary>Keys waiting for a delay: when each is due (UTC ticks) and whether it then goes through the retry limiter.</summary>
    private readonly Dictionary<TKey, (long Due, bool Limited)> _waiting = [];

    /// <summary>
    /// The waiting keys by due time, then in the order they were scheduled; an entry whose time no longer matches
    /// <see cref="_waiting"/> is stale and skipped.
    /// </summary>
    private readonly PriorityQueue<TKey, (long Due, long Sequence)> _schedule = new();

    /// <summary>Numbers scheduled entries, so that keys due at the same time come out in the order they were scheduled.</summary>
    private long _scheduled;

    /// <summary>When the timer fires next (UTC ticks), <see cref="long.MaxValue"/> when it is off.</summary>
    private long _timerDue = long.MaxValue;

    /// <summary>Completed (and cleared) when a key is queued or the queue shuts down: wakes waiting workers.</summary>
    private TaskCompletionSource? _available;

    /// <summary>Completed when the queue has shut down and drained.</summary>
    private TaskCompletionSource? _drained;

    private bool _shuttingDown;

    /// <summary>Creates an empty queue.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public WorkQueue(WorkQueueOptions? options = null)
    {
        _options = options ?? new WorkQueueOptions();
        _options.Validate();
        _time = _options.TimeProvider;
        (_limiter, _ownsLimiter) = _options.CreateRetryLimiter();
        _timer = _time.CreateTimer(static state => ((WorkQueue<TKey>)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _ownsMeter = _options.MeterFactory is null;
        _meter = _options.MeterFactory?.Create(ControllerInstrumentation.MeterName) ?? new Meter(ControllerInstrumentation.MeterName);
        _tag = new(ControllerInstrumentation.QueueTag, _options.Name);
        _meter.CreateObservableUpDownCounter("clusterstate.queue.depth", () => new Measurement<int>(Count, _tag), "{key}", "Keys queued for a worker.");
        _meter.CreateObservableUpDownCounter("clusterstate.queue.processing", () => new Measurement<int>(ProcessingCount, _tag), "{key}", "Keys a worker is processing.");
        _adds = _meter.CreateCounter<long>("clusterstate.queue.adds", "{key}", "Keys added (before de-duplication).");
        _retries = _meter.CreateCounter<long>("clusterstate.queue.retries", "{key}", "Rate-limited retries requested.");
        _waitDuration = _meter.CreateHistogram<double>("clusterstate.queue.wait_duration", "s", "Time from a key being queued to a worker taking it.");
    }

    /// <summary>Keys queued for a worker.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Keys a worker has taken and not yet marked <see cref="Done"/>.</summary>
    public int ProcessingCount
    {
        get
        {
            lock (_gate)
            {
                return _processing.Count;
            }
        }
    }

    /// <summary>Keys waiting for a delay or a backoff to elapse.</summary>
    public int DelayedCount
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>True once <see cref="ShutDown"/> was called: keys added from then on are ignored.</summary>
    public bool IsShuttingDown
    {
        get
        {
            lock (_gate)
            {
                return _shuttingDown;
            }
        }
    }

    /// <summary>
    /// Queues <paramref name="key"/>, unless it is already queued (then nothing changes) or a worker has it (then it is
    /// queued again when the worker calls <see cref="Done"/>). Ignored after shutdown.
    /// </summary>
    public void Add(TKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        TaskCompletionSource? wake;
        lock (_gate)
        {
            if (_shuttingDown)
            {
                return;
            }

            _adds.Add(1, _tag);
            if (!_dirty.Add(key) || _processing.Contains(key))
            {
                return;
            }

            wake = EnqueueLocked(key);
        }

        wake?.TrySetResult();
    }

    /// <summary>
    /// Queues <paramref name="key"/> once <paramref name="delay"/> has elapsed (at once when it is not positive). A key
    /// already waiting keeps the earlier of its two times. Ignored after shutdown.
    /// </summary>
    public void AddAfter(TKey key, TimeSpan delay)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (_gate)
        {
            ScheduleLocked(key, delay, limited: false);
        }
    }

    /// <summary>
    /// Queues <paramref name="key"/> again after its backoff (<see cref="WorkQueueOptions.BaseRetryDelay"/> doubled for
    /// every retry since it was last forgotten, at most <see cref="WorkQueueOptions.MaxRetryDelay"/>), then after the
    /// overall retry limit grants it a permit. Call it when processing the key failed. Ignored after shutdown.
    /// </summary>
    public void AddRateLimited(TKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            if (_shuttingDown)
            {
                return;
            }

            _failures.TryGetValue(key, out var failures);
            _failures[key] = failures + 1;
            _retries.Add(1, _tag);
            ScheduleLocked(key, Backoff(failures), limited: true);
        }
    }

    /// <summary>Resets the backoff of <paramref name="key"/>: call it when processing the key succeeded.</summary>
    public void Forget(TKey key)
    {
        lock (_gate)
        {
            _failures.Remove(key);
        }
    }

    /// <summary>Rate-limited retries of <paramref name="key"/> since it was last forgotten.</summary>
    public int Retries(TKey key)
    {
        lock (_gate)
        {
            return _failures.GetValueOrDefault(key);
        }
    }

    /// <summary>
    /// Takes the key queued longest, if any: the caller now has it alone until it calls <see cref="Done"/>.
    /// </summary>
    public bool TryTake([MaybeNullWhen(false)] out TKey key)
    {
        lock (_gate)
        {
            if (!_queue.TryDequeue(out key))
            {
                return false;
            }

            _dirty.Remove(key);
            _processing.Add(key);
            if (_queuedAt.Count > 0 && _queuedAt.Remove(key, out var queuedAt) && _waitDuration.Enabled)
            {
                _waitDuration.Record(TimeSpan.FromTicks(Math.Max(0, _time.GetUtcNow().UtcTicks - queuedAt)).TotalSeconds, _tag);
            }

            return true;
        }
    }

    /// <summary>
    /// Waits until a key is queued (true: call <see cref="TryTake"/>, which may still find none when another worker
    /// was quicker) or the queue has shut down with nothing left queued (false: the worker should stop).
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<bool> WaitToTakeAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_queue.Count > 0)
            {
                return ValueTask.FromResult(true);
            }

            if (_shuttingDown)
            {
                return ValueTask.FromResult(false);
            }
        }

        return WaitSlowAsync(cancellationToken);
    }

    private async ValueTask<bool> WaitSlowAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_queue.Count > 0)
                {
                    return true;
                }

                if (_shuttingDown)
                {
                    return false;
                }

                wait = (_available ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Marks the caller's work on <paramref name="key"/> finished; if the key was added meanwhile, it is queued again.
    /// </summary>
    /// <exception cref="InvalidOperationException">No worker has the key.</exception>
    public void Done(TKey key)
    {
        TaskCompletionSource? wake = null;
        TaskCompletionSource? drained = null;
        lock (_gate)
        {
            if (!_processing.Remove(key))
            {
                throw new InvalidOperationException($"The work queue's key '{key}' is not being processed: Done is called once per key taken.");
            }

            if (_dirty.Contains(key))
            {
                wake = EnqueueLocked(key);
            }
            else
            {
                drained = TakeDrainedLocked();
            }
        }

        wake?.TrySetResult();
        drained?.TrySetResult();
    }

    /// <summary>
    /// Stops taking keys: later adds are ignored and delayed keys are dropped; workers go on taking what is queued
    /// (and keys re-queued by <see cref="Done"/>) until none is left, then <see cref="WaitToTakeAsync"/> returns false.
    /// </summary>
    public void ShutDown()
    {
        TaskCompletionSource? wake;
        TaskCompletionSource? drained;
        lock (_gate)
        {
            if (_shuttingDown)
            {
                return;
            }

            _shuttingDown = true;
            _waiting.Clear();
            _schedule.Clear();
            _timerDue = long.MaxValue;
            wake = TakeWaitersLocked();
            drained = TakeDrainedLocked();
        }

        _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _stopping.Cancel();
        wake?.TrySetResult();
        drained?.TrySetResult();
    }

    /// <summary>
    /// Shuts down (see <see cref="ShutDown"/>) and waits until the workers have taken every queued key and marked it
    /// done. Workers must keep running meanwhile.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public Task ShutDownAsync(CancellationToken cancellationToken = default)
    {
        ShutDown();
        lock (_gate)
        {
            if (IsDrainedLocked)
            {
                return Task.CompletedTask;
            }

            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _drained.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Shuts down without waiting for workers and releases the timer, the meter and a limiter of the queue's own.</summary>
    public void Dispose()
    {
        ShutDown();
        _timer.Dispose();
        if (_ownsLimiter)
        {
            _limiter!.Dispose();
        }

        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private bool IsDrainedLocked => _shuttingDown && _queue.Count == 0 && _processing.Count == 0;

    /// <summary>Queues <paramref name="key"/> (noting when, only while the wait-duration histogram is listened to) and returns the waiters to wake.</summary>
    private TaskCompletionSource? EnqueueLocked(TKey key)
    {
        _queue.Enqueue(key);
        if (_waitDuration.Enabled)
        {
            _queuedAt[key] = _time.GetUtcNow().UtcTicks;
        }

        return TakeWaitersLocked();
    }

    private TaskCompletionSource? TakeWaitersLocked()
    {
        var waiters = _available;
        _available = null;
        return waiters;
    }

    private TaskCompletionSource? TakeDrainedLocked()
    {
        if (!IsDrainedLocked)
        {
            return null;
        }

        var drained = _drained;
        _drained = null;
        return drained;
    }

    private TimeSpan Backoff(int previousFailures)
    {
        var ticks = _options.BaseRetryDelay.Ticks * Math.Pow(2, Math.Min(previousFailures, 62));
        return ticks >= _options.MaxRetryDelay.Ticks ? _options.MaxRetryDelay : TimeSpan.FromTicks((long)ticks);
    }

    private void ScheduleLocked(TKey key, TimeSpan delay, bool limited)
    {
        if (_shuttingDown)
        {
            return;
        }

        var due = _time.GetUtcNow().UtcTicks + delay.Ticks;
        if (_waiting.TryGetValue(key, out var waiting) && waiting.Due <= due)
        {
            return;
        }

        _waiting[key] = (due, limited);
        _schedule.Enqueue(key, (due, _scheduled++));
        if (due < _timerDue)
        {
            ArmTimerLocked(due);
        }
    }

    private void ArmTimerLocked(long due)
    {
        _timerDue = due;
        var wait = TimeSpan.FromTicks(Math.Max(0, due - _time.GetUtcNow().UtcTicks));
        _timer.Change(wait, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Moves every key whose time has come on: to the queue, or to the retry limiter first.</summary>
    private void OnTimer()
    {
        List<(TKey Key, bool Limited)>? due = null;
        lock (_gate)
        {
            if (_shuttingDown)
            {
                return;
            }

            var now = _time.GetUtcNow().UtcTicks;
            _timerDue = long.MaxValue;
            while (_schedule.TryPeek(out var key, out var entry))
            {
                var at = entry.Due;
                if (!_waiting.TryGetValue(key, out var waiting) || waiting.Due != at)
                {
                    _schedule.Dequeue();
                    continue;
                }

                if (at > now)
                {
                    ArmTimerLocked(at);
                    break;
                }

                _schedule.Dequeue();
                _waiting.Remove(key);
                (due ??= []).Add((key, waiting.Limited));
            }
        }

        foreach (var (key, limited) in due ?? [])
        {
            if (limited && _limiter is not null)
            {
                RequestPermit(key);
            }
            else
            {
                Add(key);
            }
        }
    }

    private void RequestPermit(TKey key)
    {
        ValueTask<RateLimitLease> acquire;
        try
        {
            acquire = _limiter!.AcquireAsync(1, _stopping.Token);
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        if (acquire.IsCompletedSuccessfully)
        {
            Granted(key, acquire.Result);
        }
        else
        {
            _ = AwaitPermitAsync(key, acquire);
        }
    }

    private async Task AwaitPermitAsync(TKey key, ValueTask<RateLimitLease> acquire)
    {
        RateLimitLease lease;
        try
        {
            lease = await acquire.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            return;
        }

        Granted(key, lease);
    }

    private void Granted(TKey key, RateLimitLease lease)
    {
        using (lease)
        {
            if (lease.IsAcquired)
            {
                Add(key);
                return;
            }

            // Refused (the limiter's own queue is full): ask again after its hint.
            var retry = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero ? after : _options.BaseRetryDelay;
            lock (_gate)
            {
                ScheduleLocked(key, retry, limited: true);
            }
        }
    }
}
