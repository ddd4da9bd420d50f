using ClusterState.Model;

namespace ClusterState.Tests.Watch;

/// <summary>Many watchers each receive every event.</summary>
public sealed class FanOutTests
{
    [Test]
    public async Task Two_hundred_watchers_each_receive_all_twenty_thousand_events_in_order()
    {
        const int Watchers = 200;
        const int Events = 20_000;
        using var store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = null });
        var counts = new long[Watchers];
        var bad = new int[Watchers];
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finished = 0;
        var subscriptions = new List<IDisposable>();
        for (var w = 0; w < Watchers; w++)
        {
            var index = w;
            var last = 0L;
            subscriptions.Add(store.Services.Watch().Subscribe(new WatchCollectorless(e =>
            {
                if (e.Revision != last + 1)
                {
                    bad[index]++;
                }

                last = e.Revision;
                if (++counts[index] == Events && Interlocked.Increment(ref finished) == Watchers)
                {
                    done.TrySetResult();
                }
            })));
        }

        var svc = await store.Services.CreateAsync(Objects.Service());
        for (var i = 1; i < Events; i++)
        {
            svc = await store.Services.UpdateAsync(svc);
        }

        await done.Task.Within();
        Assert.That(counts, Is.All.EqualTo(Events));
        Assert.That(bad, Is.All.Zero);
        subscriptions.ForEach(s => s.Dispose());
    }

    private sealed class WatchCollectorless(Action<WatchEvent<Service>> onNext) : IObserver<WatchEvent<Service>>
    {
        public void OnCompleted()
        {
        }

        public void OnError(Exception error) => Assert.Fail(error.ToString());

        public void OnNext(WatchEvent<Service> value) => onNext(value);
    }
}
