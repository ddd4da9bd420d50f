using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ClusterState.Tests.Persistence;

namespace ClusterState.Tests.Hosting;

/// <summary>The latency histograms: commit duration, fsync duration and watch delivery lag, tagged with their store.</summary>
public sealed class LatencyHistogramTests
{
    /// <summary>Every histogram measurement of the named store, by instrument.</summary>
    private static (MeterListener Listener, ConcurrentDictionary<string, ConcurrentBag<double>> Values) Listen(string store)
    {
        var values = new ConcurrentDictionary<string, ConcurrentBag<double>>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ClusterStateInstrumentation.MeterName && instrument is Histogram<double>)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == ClusterStateInstrumentation.StoreTag && (string?)tag.Value == store)
                {
                    values.GetOrAdd(instrument.Name, _ => []).Add(value);
                }
            }
        });
        listener.Start();
        return (listener, values);
    }

    [Test]
    public async Task A_durable_store_times_its_commits_its_fsyncs_and_its_watches_lag()
    {
        using var dir = new TempDirectory();
        var (listener, values) = Listen("timed");
        using (listener)
        {
            using var store = new ClusterStore(new ClusterStoreOptions { Name = "timed", DataDirectory = dir.Path });
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var watch = store.Services.WatchAsync(new WatchOptions { StartRevision = 1 }, stop.Token).GetAsyncEnumerator(stop.Token);
            for (var i = 0; i < 5; i++)
            {
                await store.Services.CreateAsync(Objects.Service($"s{i}", clusterIP: $"10.96.0.{i + 1}"));
            }

            for (var i = 0; i < 5; i++)
            {
                Assert.That(await watch.MoveNextAsync(), Is.True);
            }

            await watch.DisposeAsync();
        }

        Assert.That(values["clusterstate.store.commit_duration"], Has.Count.EqualTo(5));
        Assert.That(values["clusterstate.store.fsync_duration"], Has.Count.GreaterThanOrEqualTo(1).And.Count.LessThanOrEqualTo(5), "one fsync per group commit");
        Assert.That(values["clusterstate.watch.delivery_lag"], Has.Count.EqualTo(5), "one per batch the watch read");
        Assert.That(values.Values.SelectMany(v => v), Is.All.GreaterThanOrEqualTo(0).And.All.LessThan(20));
    }

    [Test]
    public async Task A_store_in_memory_times_its_commits_and_has_no_fsyncs()
    {
        var (listener, values) = Listen("memory");
        using (listener)
        {
            using var store = new ClusterStore(new ClusterStoreOptions { Name = "memory" });
            await store.Services.CreateAsync(Objects.Service());
        }

        Assert.That(values.Keys, Is.EquivalentTo(new[] { "clusterstate.store.commit_duration" }));
    }
}
