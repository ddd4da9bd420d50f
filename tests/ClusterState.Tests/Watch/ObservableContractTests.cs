using ClusterState.Model;

namespace ClusterState.Tests.Watch;

/// <summary>The IObservable contract: OnNext* (OnError | OnCompleted)?, never concurrent, isolated, off the writer's thread.</summary>
public sealed class ObservableContractTests
{
    [ThreadStatic]
    private static bool t_insideWrite;

    [Test]
    public async Task OnNext_is_never_concurrent_and_never_runs_inside_a_write_call()
    {
        using var store = new ClusterStore();
        var onWriterThread = 0;
        var observer = new WatchCollector<Service>
        {
            Until = e => e.Revision == 2000,
            OnEach = _ =>
            {
                if (t_insideWrite)
                {
                    Interlocked.Increment(ref onWriterThread);
                }
            },
        };
        using var subscription = store.Services.Watch().Subscribe(observer);
        await Parallel.ForAsync(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            t_insideWrite = true;
            try
            {
                await store.Services.CreateAsync(Objects.Service($"s{i}", clusterIP: $"10.96.{i / 250}.{i % 250 + 1}"), ct);
            }
            finally
            {
                t_insideWrite = false;
            }
        });
        await observer.Reached.Task.Within();
        Assert.That(observer.ConcurrentCalls, Is.Zero);
        Assert.That(onWriterThread, Is.Zero);
        Assert.That(observer.Events.Select(e => e.Revision), Is.Ordered.And.Unique);
        Assert.That(observer.Events, Has.Count.EqualTo(2000));
    }

    [Test]
    public async Task A_throwing_subscriber_gets_OnError_and_harms_no_one_else()
    {
        using var store = new ClusterStore();
        var failing = new WatchCollector<Service> { OnEach = e => throw new InvalidOperationException("subscriber bug") };
        var healthy = new WatchCollector<Service> { Until = e => e.Revision == 3 };
        using var a = store.Services.Watch().Subscribe(failing);
        using var b = store.Services.Watch().Subscribe(healthy);
        for (var i = 0; i < 3; i++)
        {
            await store.Services.CreateAsync(Objects.Service($"s{i}", clusterIP: $"10.96.0.{i + 1}"));
        }

        await failing.Terminated.Within();
        await healthy.Reached.Task.Within();
        Assert.That(failing.Error, Is.TypeOf<InvalidOperationException>());
        Assert.That(failing.Events, Has.Count.EqualTo(1));
        Assert.That(healthy.Events, Has.Count.EqualTo(3));
        Assert.That(store.Revision, Is.EqualTo(3));
    }

    [Test]
    public async Task Disposing_unsubscribes_promptly_and_nothing_follows()
    {
        using var store = new ClusterStore();
        var observer = new WatchCollector<Service> { Until = e => e.Revision == 1 };
        var subscription = store.Services.Watch().Subscribe(observer);
        await store.Services.CreateAsync(Objects.Service());
        await observer.Reached.Task.Within();
        subscription.Dispose();
        subscription.Dispose();
        await store.Services.CreateAsync(Objects.Service("api", clusterIP: "10.96.0.11"));
        await Task.Delay(100);
        Assert.That(observer.Events, Has.Count.EqualTo(1));
        Assert.That(observer.Completed, Is.False);
        Assert.That(observer.Error, Is.Null);
        await WaitUntil(() => store.Hub.WatcherCount == 0);
    }

    [Test]
    public async Task Disposing_from_inside_OnNext_stops_the_subscription()
    {
        using var store = new ClusterStore();
        IDisposable? subscription = null;
        var observer = new WatchCollector<Service> { OnEach = _ => subscription!.Dispose() };
        subscription = store.Services.Watch(new() { StartRevision = 1 }).Subscribe(observer);
        await store.Transaction().Then(TxnOperation.Create(Objects.Service()), TxnOperation.Create(Objects.Service("b", clusterIP: "10.96.0.11"))).CommitAsync();
        await WaitUntil(() => observer.Events.Count > 0);
        await WaitUntil(() => store.Hub.WatcherCount == 0);
        Assert.That(observer.Events, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Disposing_the_store_completes_every_watch()
    {
        var store = new ClusterStore();
        var observer = new WatchCollector<ClusterObject>();
        using var subscription = store.Watch().Subscribe(observer);
        await Task.Delay(20);
        store.Dispose();
        await observer.Terminated.Within();
        Assert.That(observer.Completed, Is.True);
        Assert.That(observer.CallsAfterTerminal, Is.Zero);
        Assert.ThrowsAsync<StoreStoppedException>(async () => await store.Services.CreateAsync(Objects.Service()));
    }

    [Test]
    public async Task A_subscription_starts_at_subscribe_time_not_when_its_loop_first_runs()
    {
        using var store = new ClusterStore();
        var observer = new WatchCollector<Service> { Until = e => e.Revision == 1 };
        using var subscription = store.Services.Watch().Subscribe(observer);
        await store.Services.CreateAsync(Objects.Service());
        await observer.Reached.Task.Within();
        Assert.That(observer.Events.Single().Type, Is.EqualTo(WatchEventType.Added));
    }

    [Test]
    public async Task Dispose_does_not_throw_when_the_loop_ends_between_the_stop_and_the_cancel()
    {
        // The interleaving: Dispose marks the stop; the loop takes one more event, sees the stop and ends; then
        // Dispose cancels. The loop must not have released what Dispose still uses.
        using var store = new ClusterStore();
        var observer = new WatchCollector<Service> { Until = e => e.Revision == 1 };
        var subscription = (ClusterState.Watch.WatchSubscription<Service>)store.Services.Watch().Subscribe(observer);
        await store.Services.CreateAsync(Objects.Service());
        await observer.Reached.Task.Within();
        subscription.StopMarked = () =>
        {
            store.Services.CreateAsync(Objects.Service("api", clusterIP: "10.96.0.11")).AsTask().Wait();
            Assert.That(subscription.Completion.Wait(TaskTimeouts.Long), Is.True, "the loop ended");
        };

        Assert.DoesNotThrow(subscription.Dispose);
        Assert.That(observer.Events, Has.Count.EqualTo(1), "nothing is delivered after Dispose");
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TaskTimeouts.Long;
        while (!condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "condition not reached in time");
            await Task.Delay(5);
        }
    }
}
