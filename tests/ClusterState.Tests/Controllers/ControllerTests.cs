using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ClusterState.Controllers;
using ClusterState.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ClusterState.Tests.Controllers;

public sealed class ControllerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private const string VersionLabel = "v";

    /// <summary>
    /// Keeps one Endpoints per Service carrying the Service's "v" label as an annotation, and counts the ready slice
    /// endpoints of the Service; records any key it is ever given by two workers at once.
    /// </summary>
    private sealed class MirrorReconciler(IClusterStore store, Func<ObjectKey, bool>? fail = null) : IReconciler<Service>
    {
        private readonly ConcurrentDictionary<ObjectKey, byte> _inFlight = new();
        private int _overlaps;
        private int _calls;

        public int Overlaps => Volatile.Read(ref _overlaps);

        public int Calls => Volatile.Read(ref _calls);

        public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, Service? current, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            if (!_inFlight.TryAdd(key, 0))
            {
                Interlocked.Increment(ref _overlaps);
            }

            try
            {
                await Task.Yield();
                if (fail?.Invoke(key) == true)
                {
                    throw new InvalidOperationException($"failing {key} on purpose");
                }

                if (current is null)
                {
                    try
                    {
                        await store.Endpoints.DeleteAsync(key.Namespace, key.Name, cancellationToken: cancellationToken);
                    }
                    catch (NotFoundException)
                    {
                    }

                    return ReconcileResult.Done;
                }

                var slices = store.EndpointSlices.List(new ListOptions { Namespace = key.Namespace, LabelSelector = LabelSelector.Parse($"{EndpointSlice.ServiceNameLabel}={key.Name}") }).Items;
                var desired = new Endpoints
                {
                    Metadata = new()
                    {
                        Namespace = key.Namespace,
                        Name = key.Name,
                        Annotations = StringMap.Of(
                            (VersionLabel, current.Metadata.Labels.TryGetValue(VersionLabel, out var v) ? v : "-"),
                            ("ready", slices.Sum(s => s.Endpoints.Count).ToString(System.Globalization.CultureInfo.InvariantCulture))),
                    },
                };
                await store.Endpoints.CreateOrUpdateAsync(desired, cancellationToken: cancellationToken);
                return ReconcileResult.Done;
            }
            finally
            {
                _inFlight.TryRemove(key, out _);
            }
        }
    }

    private static Service Versioned(string ns, string name, int version, int ip) =>
        Objects.Service(name, ns, $"10.96.{ip / 250}.{(ip % 250) + 1}") with
        {
            Metadata = new() { Namespace = ns, Name = name, Labels = StringMap.Of((VersionLabel, version.ToString(System.Globalization.CultureInfo.InvariantCulture))) },
        };

    /// <summary>True when every Service has its Endpoints with its version, and no Endpoints is left without a Service.</summary>
    private static bool Reconciled(IClusterStore store)
    {
        var services = store.Services.List().Items.ToDictionary(ObjectKey.Of);
        var endpoints = store.Endpoints.List().Items;
        return endpoints.Count == services.Count && endpoints.All(e =>
            services.TryGetValue(ObjectKey.Of(e), out var s)
            && string.Equals(e.Metadata.Annotations[VersionLabel], s.Metadata.Labels[VersionLabel], StringComparison.Ordinal));
    }

    [Test]
    public async Task A_controller_reconciles_existing_and_new_objects_and_deletions()
    {
        using var store = new ClusterStore();
        await store.Services.CreateAsync(Versioned("shop", "web", 1, 1));
        await using var informers = new InformerFactory(store);
        var reconciler = new MirrorReconciler(store);
        using var controller = new Controller<Service>(informers, reconciler, new ControllerOptions<Service> { Workers = 2 });
        await controller.StartAsync(CancellationToken.None);

        using var timeout = new CancellationTokenSource(Patience);
        await store.Endpoints.WaitForAsync("shop", "web", e => e is not null, timeout.Token);
        await store.Services.CreateAsync(Versioned("shop", "db", 1, 2));
        await store.Services.UpdateAsync("shop", "web", s => s with { Metadata = s.Metadata with { Labels = StringMap.Of((VersionLabel, "2")) } }, timeout.Token);
        await store.Services.DeleteAsync("shop", "db");
        await store.WaitUntilAsync(Reconciled, timeout.Token);

        Assert.That(store.Endpoints.Get("shop", "web")!.Metadata.Annotations[VersionLabel], Is.EqualTo("2"));
        Assert.That(store.Endpoints.Get("shop", "db"), Is.Null);
        await controller.StopAsync(CancellationToken.None);
        Assert.That(controller.Queue.IsShuttingDown, Is.True);
    }

    [Test]
    public async Task A_failing_key_is_retried_after_a_backoff_while_other_keys_proceed_and_its_backoff_resets_on_success()
    {
        using var store = new ClusterStore();
        var failures = 0;
        await using var informers = new InformerFactory(store);
        var reconciler = new MirrorReconciler(store, key => key.Name == "flaky" && Interlocked.Increment(ref failures) <= 3);
        using var listener = new MeterListener();
        var results = new ConcurrentDictionary<string, long>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ControllerInstrumentation.MeterName && instrument.Name == "clusterstate.controller.reconciles")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? controller = null, result = null;
            foreach (var tag in tags)
            {
                if (tag.Key == ControllerInstrumentation.ControllerTag)
                {
                    controller = tag.Value as string;
                }
                else if (tag.Key == "result")
                {
                    result = tag.Value as string;
                }
            }

            if (controller == "retrying-mirror")
            {
                results.AddOrUpdate(result!, value, (_, v) => v + value);
            }
        });
        listener.Start();

        using var controller = new Controller<Service>(informers, reconciler, new ControllerOptions<Service>
        {
            Name = "retrying-mirror",
            Queue = new WorkQueueOptions { BaseRetryDelay = TimeSpan.FromMilliseconds(1), MaxRetryDelay = TimeSpan.FromMilliseconds(20) },
        });
        await controller.StartAsync(CancellationToken.None);
        await store.Services.CreateAsync(Versioned("default", "flaky", 1, 1));
        await store.Services.CreateAsync(Versioned("default", "steady", 1, 2));
        using var timeout = new CancellationTokenSource(Patience);
        await store.WaitUntilAsync(Reconciled, timeout.Token);

        Assert.That(failures, Is.EqualTo(4), "three failures, then a success");
        Assert.That(controller.Queue.Retries(new ObjectKey("default", "flaky")), Is.Zero, "forgotten after the success");
        Assert.That(results.GetValueOrDefault("error"), Is.EqualTo(3));
        Assert.That(results.GetValueOrDefault("done"), Is.GreaterThanOrEqualTo(2));
        await controller.StopAsync(CancellationToken.None);
    }

    [Test]
    public async Task A_watched_kind_wakes_the_controller_for_the_keys_it_maps_to()
    {
        using var store = new ClusterStore();
        await using var informers = new InformerFactory(store);
        var reconciler = new MirrorReconciler(store);
        var options = new ControllerOptions<Service>()
            .Watch<EndpointSlice>(slice => slice.ServiceName is { } service ? [new ObjectKey(slice.Metadata.Namespace, service)] : []);
        using var controller = new Controller<Service>(informers, reconciler, options);
        await controller.StartAsync(CancellationToken.None);
        await store.Services.CreateAsync(Versioned("default", "web", 1, 1));
        using var timeout = new CancellationTokenSource(Patience);
        await store.Endpoints.WaitForAsync("default", "web", e => e?.Metadata.Annotations["ready"] == "0", timeout.Token);

        await store.EndpointSlices.CreateAsync(Objects.Slice("web", "web-1", "default", "10.244.0.1", "10.244.0.2"));
        var endpoints = await store.Endpoints.WaitForAsync("default", "web", e => e?.Metadata.Annotations["ready"] == "2", timeout.Token);
        Assert.That(endpoints, Is.Not.Null, "the slice's change reached the Service's reconcile");
        await controller.StopAsync(CancellationToken.None);
    }

    [Test]
    public async Task Owned_objects_wake_their_controlling_owner()
    {
        using var store = new ClusterStore();
        await using var informers = new InformerFactory(store);
        var woken = new ConcurrentQueue<ObjectKey>();
        var options = new ControllerOptions<Service>().Owns<EndpointSlice>();
        using var controller = new Controller<Service>(informers, new DelegateReconciler((key, _) => woken.Enqueue(key)), options);
        await controller.StartAsync(CancellationToken.None);
        await informers.WaitForSyncAsync().WaitAsync(Patience);

        var slice = Objects.Slice("ignored", "s-1", "shop", "10.244.0.1");
        var owner = new OwnerReference { ApiVersion = "v1", Kind = "Service", Name = "owner", Uid = Guid.NewGuid(), Controller = true };
        await store.EndpointSlices.CreateAsync(slice with { Metadata = slice.Metadata with { OwnerReferences = [owner] } });
        await store.EndpointSlices.CreateAsync(Objects.Slice("ignored", "s-2", "shop", "10.244.0.2"));
        var deadline = DateTime.UtcNow + Patience;
        while (woken.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        await controller.StopAsync(CancellationToken.None);
        Assert.That(woken, Is.EqualTo(new[] { new ObjectKey("shop", "owner") }), "only the owned slice woke its owner");
    }

    private sealed class DelegateReconciler(Action<ObjectKey, Service?> action) : IReconciler<Service>
    {
        public Task<ReconcileResult> ReconcileAsync(ObjectKey key, Service? current, CancellationToken cancellationToken)
        {
            action(key, current);
            return Task.FromResult(ReconcileResult.Done);
        }
    }

    [Test]
    public async Task A_requeue_after_visits_the_key_again_without_a_change()
    {
        using var store = new ClusterStore();
        await using var informers = new InformerFactory(store);
        var visits = 0;
        using var controller = new Controller<Service>(informers, new PeriodicReconciler(() => Interlocked.Increment(ref visits)));
        await controller.StartAsync(CancellationToken.None);
        await store.Services.CreateAsync(Objects.Service());
        var deadline = DateTime.UtcNow + Patience;
        while (Volatile.Read(ref visits) < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        await controller.StopAsync(CancellationToken.None);
        Assert.That(visits, Is.GreaterThanOrEqualTo(3));
    }

    private sealed class PeriodicReconciler(Action visit) : IReconciler<Service>
    {
        public Task<ReconcileResult> ReconcileAsync(ObjectKey key, Service? current, CancellationToken cancellationToken)
        {
            visit();
            return Task.FromResult(ReconcileResult.After(TimeSpan.FromMilliseconds(10)));
        }
    }

    [Test]
    public async Task In_a_generic_host_the_controller_starts_after_the_store_and_stops_with_the_host()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddClusterState();
        builder.Services.AddSingleton<MirrorReconciler>(sp => new MirrorReconciler(sp.GetRequiredService<IClusterStore>()));
        builder.Services.AddController<Service, MirrorReconciler>(o => o.Workers = 4);
        using var host = builder.Build();
        await host.StartAsync();

        var store = host.Services.GetRequiredService<IClusterStore>();
        await store.Services.CreateAsync(Versioned("default", "web", 1, 1));
        using var timeout = new CancellationTokenSource(Patience);
        await store.WaitUntilAsync(Reconciled, timeout.Token);
        Assert.That(host.Services.GetServices<IHostedService>().OfType<Controller<Service>>().Single().Informer.HasSynced, Is.True);

        await host.StopAsync();
    }

    [Test]
    public void Two_controllers_of_one_kind_are_both_registered_and_share_one_informer_factory()
    {
        var services = new ServiceCollection();
        services.AddClusterState();
        services.AddSingleton(sp => new MirrorReconciler(sp.GetRequiredService<IClusterStore>()));
        services.AddSingleton(new DelegateReconciler((_, _) => { }));
        services.AddController<Service, MirrorReconciler>();
        services.AddController<Service, DelegateReconciler>();
        using var provider = services.BuildServiceProvider();
        var controllers = provider.GetServices<IHostedService>().OfType<Controller<Service>>().ToArray();
        Assert.That(controllers, Has.Length.EqualTo(2));
        Assert.That(controllers[0].Informer, Is.SameAs(controllers[1].Informer));
    }

    /// <summary>
    /// The toolkit under churn: 10,000 Services, 8 workers, random updates, deletes and re-creates from 4 writers, and
    /// compactions to the head while it runs (so the informer falls behind and lists again). At the end every Service
    /// has its Endpoints at its latest version and none is left over; no key was ever with two workers at once.
    /// </summary>
    [Test]
    public async Task Under_churn_every_key_ends_reconciled_and_no_key_is_ever_with_two_workers()
    {
        const int ObjectCount = 10_000;
        using var store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = null });
        for (var i = 0; i < ObjectCount; i += 500)
        {
            var txn = store.Transaction();
            var ops = Enumerable.Range(i, 500).Select(n => TxnOperation.Create(Versioned($"ns-{n % 20}", $"svc-{n}", 0, n))).ToArray();
            await txn.Then(ops).CommitAsync();
        }

        var log = new ListLogger();
        await using var informers = new InformerFactory(store, new InformerOptions { LoggerFactory = log });
        var reconciler = new MirrorReconciler(store);
        using var controller = new Controller<Service>(informers, reconciler, new ControllerOptions<Service>
        {
            Workers = 8,
            Queue = new WorkQueueOptions { BaseRetryDelay = TimeSpan.FromMilliseconds(1), MaxRetryDelay = TimeSpan.FromMilliseconds(50), RetryRate = double.PositiveInfinity },
        });
        await controller.StartAsync(CancellationToken.None);

        using var stopChurn = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            for (var i = 0; i < 5_000; i++)
            {
                var n = random.Next(ObjectCount);
                var (ns, name) = ($"ns-{n % 20}", $"svc-{n}");
                try
                {
                    switch (random.Next(10))
                    {
                        case 0:
                            await store.Services.DeleteAsync(ns, name);
                            break;
                        case 1:
                            await store.Services.CreateAsync(Versioned(ns, name, i, n));
                            break;
                        default:
                            await store.Services.UpdateAsync(ns, name, s => s with { Metadata = s.Metadata with { Labels = StringMap.Of((VersionLabel, $"{w}-{i}")) } });
                            break;
                    }
                }
                catch (Exception ex) when (ex is NotFoundException or AlreadyExistsException)
                {
                }
            }
        })).ToArray();
        var compactor = Task.Run(async () =>
        {
            while (!stopChurn.IsCancellationRequested)
            {
                // Compacting a revision already compacted is an error (as in etcd): only when writes moved on.
                var head = store.Revision;
                if (head > store.CompactedRevision)
                {
                    await store.CompactAsync(head);
                }

                await Task.Delay(2);
            }
        });

        await Task.WhenAll(writers);
        await stopChurn.CancelAsync();
        await compactor;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await store.WaitUntilAsync(Reconciled, timeout.Token);
        await controller.StopAsync(CancellationToken.None);

        Assert.That(reconciler.Overlaps, Is.Zero, "no key was reconciled by two workers at once");
        Assert.That(Reconciled(store), Is.True, "every key's final state reconciled");
        Assert.That(store.Endpoints.List().Items, Has.Count.EqualTo(store.Services.List().Items.Count));
        TestContext.Out.WriteLine($"re-lists after compaction: {log.Messages.Count(m => m.Contains("fell behind compaction", StringComparison.Ordinal))}; reconciles: {reconciler.Calls}");
    }
}
