using ClusterState.Model;

namespace ClusterState.Tests.Watch;

/// <summary>A slow subscriber never blocks writers and never grows memory without bound.</summary>
public sealed class SlowSubscriberTests
{
    [Test]
    public async Task A_stalled_subscriber_during_a_million_events_costs_writers_nothing_and_then_gets_the_compacted_error()
    {
        const int Events = 1_000_000;
        using var store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = 10_000 });
        using var gate = new ManualResetEventSlim(false);
        var observer = new WatchCollector<Service> { OnEach = _ => gate.Wait() };
        using var subscription = store.Services.Watch().Subscribe(observer);

        var svc = await store.Services.CreateAsync(Objects.Service());
        await ObservableContractTests.WaitUntil(() => observer.Events.Count == 1);
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);

        // The subscriber is stuck inside OnNext; the writer must run to the end regardless.
        for (var i = 1; i < Events; i++)
        {
            svc = await store.Services.UpdateAsync(svc);
        }

        var growth = GC.GetTotalMemory(forceFullCollection: true) - before;
        Assert.That(store.Revision, Is.EqualTo(Events));
        Assert.That(growth, Is.LessThan(64L * 1024 * 1024), $"memory grew by {growth:N0} bytes over {Events:N0} events");
        Assert.That(store.Hub.MaxLag(), Is.GreaterThan(Events - 10));

        gate.Set();
        await observer.Terminated.Within();
        var error = observer.Error as RevisionCompactedException;
        Assert.That(error, Is.Not.Null, observer.Error?.ToString());
        Assert.That(error!.RequestedRevision, Is.EqualTo(2));
        Assert.That(error.CompactedRevision, Is.GreaterThanOrEqualTo(Events - 10_000 - 1250));
        Assert.That(observer.Events, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_slow_subscriber_within_the_retained_history_catches_up_with_every_event_in_order()
    {
        const int Events = 200_000;
        using var store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = null });
        var received = 0L;
        var lastRevision = 0L;
        var outOfOrder = 0;
        var observer = new WatchCollector<Service>
        {
            OnEach = e =>
            {
                if (e.Revision != lastRevision + 1)
                {
                    outOfOrder++;
                }

                lastRevision = e.Revision;
                if (++received % 20_000 == 0)
                {
                    Thread.Sleep(20);
                }
            },
        };

        // Keep only a counter, not the events, so the subscriber's own memory stays small.
        using var subscription = store.Services.Watch(new() { StartRevision = 1 }).Subscribe(new CountingObserver(observer));
        var svc = await store.Services.CreateAsync(Objects.Service());
        for (var i = 1; i < Events; i++)
        {
            svc = await store.Services.UpdateAsync(svc);
        }

        await ObservableContractTests.WaitUntil(() => Interlocked.Read(ref received) == Events);
        Assert.That(outOfOrder, Is.Zero);
        Assert.That(lastRevision, Is.EqualTo(Events));
    }

    /// <summary>Forwards to a collector's callbacks without keeping events.</summary>
    private sealed class CountingObserver(WatchCollector<Service> inner) : IObserver<WatchEvent<Service>>
    {
        public void OnCompleted() => inner.OnCompleted();

        public void OnError(Exception error) => inner.OnError(error);

        public void OnNext(WatchEvent<Service> value) => inner.OnEach!(value);
    }
}
