using System.Threading.RateLimiting;
using ClusterState.Controllers;
using Microsoft.Extensions.Time.Testing;

namespace ClusterState.Tests.Controllers;

public sealed class WorkQueueTests
{
    private static WorkQueue<string> Queue(FakeTimeProvider? time = null, double retryRate = double.PositiveInfinity, RateLimiter? limiter = null) =>
        new(new WorkQueueOptions { TimeProvider = time ?? new FakeTimeProvider(), RetryRate = retryRate, RetryLimiter = limiter });

    private static string Take(WorkQueue<string> queue)
    {
        Assert.That(queue.TryTake(out var key), Is.True, "a key is queued");
        return key!;
    }

    [Test]
    public void A_key_added_while_queued_is_queued_once_and_keys_come_out_in_order()
    {
        using var queue = Queue();
        queue.Add("a");
        queue.Add("b");
        queue.Add("a");
        Assert.That(queue.Count, Is.EqualTo(2));
        Assert.That(Take(queue), Is.EqualTo("a"));
        Assert.That(Take(queue), Is.EqualTo("b"));
        Assert.That(queue.TryTake(out _), Is.False);
    }

    [Test]
    public void A_key_added_while_a_worker_has_it_is_queued_again_only_when_the_worker_is_done()
    {
        using var queue = Queue();
        queue.Add("a");
        var key = Take(queue);
        queue.Add("a");
        queue.Add("a");
        Assert.That(queue.TryTake(out _), Is.False, "a second worker must not get the key the first has");
        Assert.That(queue.ProcessingCount, Is.EqualTo(1));

        queue.Done(key);
        Assert.That(Take(queue), Is.EqualTo("a"), "the adds made meanwhile are one more pass");
        queue.Done("a");
        Assert.That(queue.TryTake(out _), Is.False);
        Assert.Throws<InvalidOperationException>(() => queue.Done("a"), "done twice");
    }

    [Test]
    public async Task A_waiting_worker_wakes_when_a_key_is_added()
    {
        using var queue = Queue();
        var wait = queue.WaitToTakeAsync().AsTask();
        await Task.Delay(20);
        Assert.That(wait.IsCompleted, Is.False);
        queue.Add("a");
        Assert.That(await wait.WaitAsync(TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(Take(queue), Is.EqualTo("a"));
    }

    [Test]
    public void Rate_limited_retries_back_off_exponentially_per_key_up_to_the_cap_and_forget_resets()
    {
        var time = new FakeTimeProvider();
        using var queue = new WorkQueue<string>(new WorkQueueOptions
        {
            TimeProvider = time,
            BaseRetryDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryDelay = TimeSpan.FromMilliseconds(50),
            RetryRate = double.PositiveInfinity,
        });

        // Delays 10, 20, 40, 50 (capped), 50 ms.
        foreach (var delay in new[] { 10, 20, 40, 50, 50 })
        {
            queue.AddRateLimited("a");
            Assert.That(queue.DelayedCount, Is.EqualTo(1));
            time.Advance(TimeSpan.FromMilliseconds(delay - 1));
            Assert.That(queue.Count, Is.Zero, $"not before {delay} ms");
            time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.That(queue.Count, Is.EqualTo(1), $"after {delay} ms");
            queue.Done(Take(queue));
        }

        Assert.That(queue.Retries("a"), Is.EqualTo(5));
        queue.Forget("a");
        Assert.That(queue.Retries("a"), Is.Zero);
        queue.AddRateLimited("a");
        time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.That(queue.Count, Is.EqualTo(1), "the backoff starts again after forget");
    }

    [Test]
    public void A_delayed_key_keeps_the_earlier_time_and_adds_nothing_twice()
    {
        var time = new FakeTimeProvider();
        using var queue = Queue(time);
        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        queue.AddAfter("a", TimeSpan.FromSeconds(3));
        queue.AddAfter("a", TimeSpan.FromSeconds(20));
        queue.AddAfter("b", TimeSpan.FromSeconds(5));
        Assert.That(queue.DelayedCount, Is.EqualTo(2));

        time.Advance(TimeSpan.FromSeconds(3));
        Assert.That(Take(queue), Is.EqualTo("a"));
        Assert.That(queue.Count, Is.Zero);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.That(Take(queue), Is.EqualTo("b"));
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.That(queue.Count, Is.Zero, "the later times of 'a' were folded into the earliest");
        Assert.That(queue.DelayedCount, Is.Zero);
    }

    [Test]
    public void The_overall_limit_holds_retries_back_until_the_limiter_grants_them_in_order()
    {
        var time = new FakeTimeProvider();
        using var limiter = new ManualLimiter(permits: 2);
        using var queue = Queue(time, limiter: limiter);
        foreach (var key in new[] { "a", "b", "c", "d" })
        {
            queue.AddRateLimited(key);
        }

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(new[] { Take(queue), Take(queue) }, Is.EqualTo(new[] { "a", "b" }), "the burst of two passes");
        Assert.That(queue.Count, Is.Zero, "the others wait for tokens");

        limiter.Grant(1);
        Assert.That(() => queue.Count, Is.EqualTo(1).After(5000, 5));
        Assert.That(Take(queue), Is.EqualTo("c"));
        limiter.Grant(1);
        Assert.That(() => queue.Count, Is.EqualTo(1).After(5000, 5));
        Assert.That(Take(queue), Is.EqualTo("d"));
    }

    [Test]
    public async Task Shutting_down_ignores_new_keys_drops_delayed_ones_and_lets_workers_drain_what_is_queued()
    {
        var time = new FakeTimeProvider();
        using var queue = Queue(time);
        queue.Add("a");
        queue.Add("b");
        queue.AddAfter("later", TimeSpan.FromSeconds(1));
        var a = Take(queue);

        var drained = queue.ShutDownAsync();
        queue.Add("c");
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.That(queue.DelayedCount, Is.Zero);
        Assert.That(drained.IsCompleted, Is.False, "'a' is being processed and 'b' is queued");

        Assert.That(await queue.WaitToTakeAsync(), Is.True);
        var b = Take(queue);
        Assert.That(b, Is.EqualTo("b"));
        queue.Done(a);
        Assert.That(drained.IsCompleted, Is.False, "'b' is still being processed");
        queue.Done(b);
        await drained.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(await queue.WaitToTakeAsync(), Is.False, "workers stop once drained");
        Assert.That(queue.TryTake(out _), Is.False, "'c' was added after shutdown");
    }

    [Test]
    public async Task Shutting_down_wakes_idle_workers_with_false()
    {
        using var queue = Queue();
        var waits = Enumerable.Range(0, 4).Select(_ => queue.WaitToTakeAsync().AsTask()).ToArray();
        queue.ShutDown();
        var results = await Task.WhenAll(waits).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(results, Is.All.False);
    }

    [Test]
    public void Options_out_of_range_are_refused_naming_the_option()
    {
        var ex = Assert.Throws<ArgumentException>(() => new WorkQueue<string>(new WorkQueueOptions { BaseRetryDelay = TimeSpan.FromSeconds(10), MaxRetryDelay = TimeSpan.FromSeconds(1) }));
        Assert.That(ex!.Message, Does.Contain("BaseRetryDelay"));
        ex = Assert.Throws<ArgumentException>(() => new WorkQueue<string>(new WorkQueueOptions { RetryRate = 0 }));
        Assert.That(ex!.Message, Does.Contain("RetryRate"));
    }

    [Test]
    public async Task Many_workers_never_hold_one_key_at_once_and_every_add_is_followed_by_a_pass()
    {
        using var queue = new WorkQueue<int>(new WorkQueueOptions { RetryRate = double.PositiveInfinity });
        const int Keys = 64;
        var holders = new int[Keys];
        var lastAdd = new long[Keys];
        var lastPassStart = new long[Keys];
        long clock = 0;
        var overlap = 0;
        using var stop = new CancellationTokenSource();

        async Task Worker()
        {
            while (await queue.WaitToTakeAsync())
            {
                if (!queue.TryTake(out var key))
                {
                    continue;
                }

                if (Interlocked.Increment(ref holders[key]) != 1)
                {
                    Interlocked.Increment(ref overlap);
                }

                Volatile.Write(ref lastPassStart[key], Interlocked.Increment(ref clock));
                await Task.Yield();
                Interlocked.Decrement(ref holders[key]);
                queue.Done(key);
            }
        }

        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(Worker)).ToArray();
        var producers = Enumerable.Range(0, 4).Select(p => Task.Run(() =>
        {
            var random = new Random(p);
            for (var i = 0; i < 50_000; i++)
            {
                var key = random.Next(Keys);
                Volatile.Write(ref lastAdd[key], Interlocked.Increment(ref clock));
                queue.Add(key);
            }
        })).ToArray();
        await Task.WhenAll(producers);
        await queue.ShutDownAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(overlap, Is.Zero, "no key was held by two workers at once");
        for (var key = 0; key < Keys; key++)
        {
            Assert.That(lastPassStart[key], Is.GreaterThan(lastAdd[key]), $"key {key}: a pass began after its last add");
        }
    }

    /// <summary>A limiter that grants the permits it is given, queueing requests oldest first until then.</summary>
    private sealed class ManualLimiter(int permits) : RateLimiter
    {
        private readonly Queue<TaskCompletionSource<RateLimitLease>> _waiting = new();
        private int _permits = permits;

        public override TimeSpan? IdleDuration => null;

        public void Grant(int count)
        {
            lock (_waiting)
            {
                _permits += count;
                while (_permits > 0 && _waiting.TryDequeue(out var waiter))
                {
                    _permits--;
                    waiter.TrySetResult(new Lease(true));
                }
            }
        }

        public override RateLimiterStatistics? GetStatistics() => null;

        protected override RateLimitLease AttemptAcquireCore(int permitCount)
        {
            lock (_waiting)
            {
                if (_permits >= permitCount && _waiting.Count == 0)
                {
                    _permits -= permitCount;
                    return new Lease(true);
                }

                return new Lease(false);
            }
        }

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
        {
            lock (_waiting)
            {
                if (_permits >= permitCount && _waiting.Count == 0)
                {
                    _permits -= permitCount;
                    return ValueTask.FromResult<RateLimitLease>(new Lease(true));
                }

                var waiter = new TaskCompletionSource<RateLimitLease>(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting.Enqueue(waiter);
                return new ValueTask<RateLimitLease>(waiter.Task);
            }
        }

        private sealed class Lease(bool acquired) : RateLimitLease
        {
            public override bool IsAcquired => acquired;

            public override IEnumerable<string> MetadataNames => [];

            public override bool TryGetMetadata(string metadataName, out object? metadata)
            {
                metadata = null;
                return false;
            }
        }
    }
}
