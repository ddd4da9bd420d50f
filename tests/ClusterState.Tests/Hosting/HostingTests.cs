using System.Diagnostics.Metrics;
using ClusterState.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClusterState.Tests.Hosting;

/// <summary>Dependency injection, options and metrics.</summary>
public sealed class HostingTests
{
    [Test]
    public async Task AddClusterState_registers_one_singleton_behind_both_types_with_its_options_and_time()
    {
        var time = new ManualTime(new DateTimeOffset(2030, 5, 6, 7, 8, 9, TimeSpan.Zero));
        await using var provider = new ServiceCollection()
            .AddSingleton<TimeProvider>(time)
            .AddClusterState(o => o.MaxObjectBytes = 2048)
            .BuildServiceProvider();

        var store = provider.GetRequiredService<IClusterStore>();
        Assert.That(provider.GetRequiredService<ClusterStore>(), Is.SameAs(store));
        Assert.That(provider.GetRequiredService<IClusterStore>(), Is.SameAs(store));
        Assert.That(provider.GetRequiredService<IOptions<ClusterStoreOptions>>().Value.MaxObjectBytes, Is.EqualTo(2048));

        var created = await store.Services.CreateAsync(Objects.Service());
        Assert.That(created.Metadata.CreationTimestamp, Is.EqualTo(time.GetUtcNow()));
        var big = Objects.Service() with { Metadata = new() { Namespace = "default", Name = "big", Annotations = StringMap.Of(("x", new string('x', 4000))) } };
        Assert.ThrowsAsync<LimitExceededException>(async () => await store.Services.CreateAsync(big));
    }

    [Test]
    public void Bad_options_fail_with_the_setting_named()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ClusterStore(new ClusterStoreOptions { MaxOperationsPerTransaction = 0 }));
        Assert.That(error!.ParamName, Is.EqualTo(nameof(ClusterStoreOptions.MaxOperationsPerTransaction)));

        using var provider = new ServiceCollection().AddClusterState(o => o.HistoryRetention = 0).BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IClusterStore>());
    }

    [Test]
    public async Task Options_given_to_a_store_are_copied_so_later_changes_do_not_leak_in()
    {
        var options = new ClusterStoreOptions { MaxObjectBytes = 2048 };
        using var store = new ClusterStore(options);
        options.MaxObjectBytes = ClusterStoreOptions.DefaultMaxObjectBytes;
        var big = Objects.Service() with { Metadata = new() { Namespace = "default", Name = "big", Annotations = StringMap.Of(("x", new string('x', 4000))) } };
        Assert.ThrowsAsync<LimitExceededException>(async () => await store.Services.CreateAsync(big));
        await store.Services.CreateAsync(Objects.Service());
    }

    [Test]
    public async Task Metrics_report_writes_revision_watchers_and_deliveries()
    {
        await using var provider = new ServiceCollection().AddMetrics().AddClusterState().BuildServiceProvider();
        var store = provider.GetRequiredService<IClusterStore>();
        var meterFactory = provider.GetRequiredService<IMeterFactory>();
        var values = new Dictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "ClusterState" && instrument.Meter.Scope == meterFactory)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => values[instrument.Name] = value);
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => values[instrument.Name] = value);
        listener.Start();

        var received = new TaskCompletionSource();
        using var subscription = store.Services.Watch().Subscribe(new Observer(e =>
        {
            if (e.Revision == 2)
            {
                received.TrySetResult();
            }
        }));
        await store.Transaction().Then(TxnOperation.Create(Objects.Service()), TxnOperation.Create(Objects.Slice())).CommitAsync();
        await store.Services.CreateAsync(Objects.Service("api", clusterIP: "10.96.0.11"));
        await received.Task.WaitAsync(TimeSpan.FromSeconds(30));

        listener.RecordObservableInstruments();
        Assert.Multiple(() =>
        {
            Assert.That(values["clusterstate.store.commits"], Is.EqualTo(2));
            Assert.That(values["clusterstate.store.object_writes"], Is.EqualTo(3));
            Assert.That(values["clusterstate.store.revision"], Is.EqualTo(2));
            Assert.That(values["clusterstate.store.keys"], Is.EqualTo(3));
            Assert.That(values["clusterstate.watch.watchers"], Is.EqualTo(1));
            Assert.That(values["clusterstate.watch.events_delivered"], Is.EqualTo(2));
            Assert.That(values, Does.ContainKey("clusterstate.watch.max_lag"));
        });
    }

    private sealed class Observer(Action<WatchEvent<Service>> onNext) : IObserver<WatchEvent<Service>>
    {
        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void OnNext(WatchEvent<Service> value) => onNext(value);
    }
}
