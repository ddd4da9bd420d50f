using System.Collections.Concurrent;
using ClusterState.Controllers;
using ClusterState.Model;
using Microsoft.Extensions.Time.Testing;

namespace ClusterState.Tests.Controllers;

public sealed class InformerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>Records every call, in order, as text.</summary>
    private sealed class Recorder : IInformerHandler<Service>
    {
        public ConcurrentQueue<string> Calls { get; } = new();

        public void OnAdd(Service obj, bool isInInitialList) => Calls.Enqueue($"add {obj.Metadata.Name}@{obj.Metadata.ResourceVersion}{(isInInitialList ? " initial" : "")}");

        public void OnUpdate(Service oldObj, Service newObj) => Calls.Enqueue($"update {newObj.Metadata.Name}@{oldObj.Metadata.ResourceVersion}->{newObj.Metadata.ResourceVersion}");

        public void OnDelete(Service obj) => Calls.Enqueue($"delete {obj.Metadata.Name}@{obj.Metadata.ResourceVersion}");
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting for {what}");
            }

            await Task.Delay(5);
        }
    }

    [Test]
    public async Task It_lists_then_follows_every_change_and_tells_handlers_after_the_cache_has_it()
    {
        using var store = new ClusterStore();
        var a = await store.Services.CreateAsync(Objects.Service("a", clusterIP: "10.96.0.1"));
        var informer = new Informer<Service>(store);
        var recorder = new Recorder();
        var cacheHadIt = true;
        informer.AddHandler(recorder);
        informer.AddHandler(onUpdate: (_, o) => cacheHadIt &= ReferenceEquals(informer.Get(ObjectKey.Of(o)), o));

        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync().WaitAsync(Patience);
        Assert.That(informer.HasSynced, Is.True);
        Assert.That(informer.Revision, Is.EqualTo(1));

        var b = await store.Services.CreateAsync(Objects.Service("b", clusterIP: "10.96.0.2"));
        a = await store.Services.UpdateAsync(a with { Metadata = a.Metadata with { Labels = StringMap.Of(("tier", "front")) } });
        await store.Services.DeleteAsync("default", "b");
        await Until(() => informer.Revision == store.Revision, "the informer to reach the store's revision");

        Assert.That(recorder.Calls, Is.EqualTo(new[] { "add a@1 initial", "add b@2", "update a@1->3", "delete b@2" }));
        Assert.That(cacheHadIt, Is.True, "handlers run after the cache holds the change");
        Assert.That(informer.Get("default", "a"), Is.EqualTo(a));
        Assert.That(informer.Get("default", "b"), Is.Null);
        Assert.That(informer.Count, Is.EqualTo(1));

        await stop.CancelAsync();
        await run.WaitAsync(Patience);
    }

    [Test]
    public async Task Lists_and_indexes_answer_from_the_cache_and_follow_changes()
    {
        using var store = new ClusterStore();
        var informer = new Informer<Service>(store);
        informer.AddIndex("app", InformerIndexes.ByLabel("app"));
        informer.AddIndex("type", InformerIndexes.ByField<Service>(s => s.Spec.Type.ToString()));
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync().WaitAsync(Patience);

        var web = await store.Services.CreateAsync(Objects.Service("web", "shop", "10.96.0.1") with { Metadata = new() { Namespace = "shop", Name = "web", Labels = StringMap.Of(("app", "web")) } });
        await store.Services.CreateAsync(Objects.Service("db", "shop", "10.96.0.2") with { Metadata = new() { Namespace = "shop", Name = "db", Labels = StringMap.Of(("app", "db")) } });
        await store.Services.CreateAsync(Objects.Service("web", "blog", "10.96.0.3") with { Metadata = new() { Namespace = "blog", Name = "web", Labels = StringMap.Of(("app", "web")) } });
        await Until(() => informer.Revision == store.Revision, "the cache");

        Assert.That(informer.List().Select(s => s.Metadata.Name), Is.EquivalentTo(new[] { "web", "db", "web" }));
        Assert.That(informer.List("shop").Select(s => s.Metadata.Name), Is.EquivalentTo(new[] { "web", "db" }));
        Assert.That(informer.List("none"), Is.Empty);
        Assert.That(informer.List(null, LabelSelector.Parse("app=web")).Select(s => s.Metadata.Namespace), Is.EquivalentTo(new[] { "shop", "blog" }));
        Assert.That(informer.ByIndex("app", "web").Select(s => s.Metadata.Namespace), Is.EquivalentTo(new[] { "shop", "blog" }));
        Assert.That(informer.ByIndex("type", "ClusterIP"), Has.Count.EqualTo(3));

        // A label change moves the object between index values; a delete takes it out.
        await store.Services.UpdateAsync(web with { Metadata = web.Metadata with { Labels = StringMap.Of(("app", "shop-web")) } });
        await store.Services.DeleteAsync("blog", "web");
        await Until(() => informer.Revision == store.Revision, "the cache");
        Assert.That(informer.ByIndex("app", "web"), Is.Empty);
        Assert.That(informer.ByIndex("app", "shop-web").Single().Metadata.Name, Is.EqualTo("web"));
        Assert.That(informer.List("blog"), Is.Empty);

        // An index added to a filled cache is built at once; names are unique; unknown names are refused.
        informer.AddIndex("name", InformerIndexes.ByField<Service>(s => s.Metadata.Name));
        Assert.That(informer.ByIndex("name", "db"), Has.Count.EqualTo(1));
        Assert.Throws<ArgumentException>(() => informer.AddIndex("name", InformerIndexes.ByLabel("x")));
        Assert.That(Assert.Throws<ArgumentException>(() => informer.ByIndex("nope", "x"))!.Message, Does.Contain("nope"));

        await stop.CancelAsync();
        await run.WaitAsync(Patience);
    }

    [Test]
    public async Task An_owner_index_files_objects_under_their_owners_uid()
    {
        using var store = new ClusterStore();
        var service = await store.Services.CreateAsync(Objects.Service());
        var owner = new OwnerReference { ApiVersion = "v1", Kind = "Service", Name = "web", Uid = service.Metadata.Uid, Controller = true };
        var slice = Objects.Slice("web", "web-1", "default", "10.244.0.1");
        await store.EndpointSlices.CreateAsync(slice with { Metadata = slice.Metadata with { OwnerReferences = [owner] } });
        await store.EndpointSlices.CreateAsync(Objects.Slice("web", "web-2", "default", "10.244.0.2"));

        var informer = new Informer<EndpointSlice>(store);
        informer.AddIndex("owner", InformerIndexes.ByOwner(controllerOnly: true));
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync().WaitAsync(Patience);
        Assert.That(informer.ByIndex("owner", service.Metadata.Uid.ToString("D")).Single().Metadata.Name, Is.EqualTo("web-1"));
        await stop.CancelAsync();
        await run.WaitAsync(Patience);
    }

    [Test]
    public async Task A_handler_added_after_the_list_first_hears_of_every_cached_object_then_of_changes()
    {
        using var store = new ClusterStore();
        await store.Services.CreateAsync(Objects.Service("a", clusterIP: "10.96.0.1"));
        await store.Services.CreateAsync(Objects.Service("b", clusterIP: "10.96.0.2"));
        var informer = new Informer<Service>(store);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync().WaitAsync(Patience);

        var late = new Recorder();
        var registration = informer.AddHandler(late);
        Assert.That(late.Calls, Is.EquivalentTo(new[] { "add a@1 initial", "add b@2 initial" }));
        await store.Services.CreateAsync(Objects.Service("c", clusterIP: "10.96.0.3"));
        await Until(() => late.Calls.Count == 3, "the new object");

        registration.Dispose();
        await store.Services.CreateAsync(Objects.Service("d", clusterIP: "10.96.0.4"));
        await Until(() => informer.Revision == store.Revision, "the cache");
        Assert.That(late.Calls, Has.Count.EqualTo(3), "a removed handler hears nothing more");

        await stop.CancelAsync();
        await run.WaitAsync(Patience);
    }

    [Test]
    public async Task A_handler_that_throws_is_logged_and_neither_stops_the_informer_nor_other_handlers()
    {
        using var store = new ClusterStore();
        var informer = new Informer<Service>(store);
        informer.AddHandler(onAdd: _ => throw new InvalidOperationException("boom"));
        var recorder = new Recorder();
        informer.AddHandler(recorder);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync().WaitAsync(Patience);
        await store.Services.CreateAsync(Objects.Service("a", clusterIP: "10.96.0.1"));
        await store.Services.CreateAsync(Objects.Service("b", clusterIP: "10.96.0.2"));
        await Until(() => recorder.Calls.Count == 2, "both adds");
        Assert.That(informer.Count, Is.EqualTo(2));
        await stop.CancelAsync();
        await run.WaitAsync(Patience);
    }

    [Test]
    public async Task Falling_behind_compaction_lists_again_and_handlers_hear_what_changed_meanwhile()
    {
        using var store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = null });
        await store.Services.CreateAsync(Objects.Service("stays", clusterIP: "10.96.0.1"));
        await store.Services.CreateAsync(Objects.Service("goes", clusterIP: "10.96.0.2"));
        var changes = await store.Services.CreateAsync(Objects.Service("changes", clusterIP: "10.96.0.3"));

        // A handler holds the informer's loop on its first live event, so the watch falls behind.
        using var release = new ManualResetEventSlim();
        var held = new TaskCompletionSource();
        var informer = new Informer<Service>(store);
        var recorder = new Recorder();
        informer.AddHandler(onAdd: o =>
        {
            if (o.Metadata.Name == "blocker")
            {
                held.TrySetResult();
                release.Wait();
            }
        });
        informer.AddHandler(recorder);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync().WaitAsync(Patience);

        await store.Services.CreateAsync(Objects.Service("blocker", clusterIP: "10.96.0.4"));
        await held.Task.WaitAsync(Patience);
        await store.Services.DeleteAsync("default", "goes");
        var changed = await store.Services.UpdateAsync(changes with { Metadata = changes.Metadata with { Labels = StringMap.Of(("v", "2")) } });
        await store.Services.CreateAsync(Objects.Service("new", clusterIP: "10.96.0.5"));
        await store.CompactAsync(store.Revision);
        release.Set();

        await Until(() => informer.Revision == store.Revision && informer.Count == 4, "the re-list");
        Assert.That(recorder.Calls.Skip(4), Is.EquivalentTo(new[] { $"update changes@3->{changed.Metadata.ResourceVersion}", "add new@7", "delete goes@2" }),
            "the re-list reports what the watch missed");
        Assert.That(informer.List().Select(s => (s.Metadata.Name, s.Metadata.ResourceVersion)),
            Is.EquivalentTo(store.Services.List().Items.Select(s => (s.Metadata.Name, s.Metadata.ResourceVersion))));

        // It keeps following after the re-list.
        await store.Services.DeleteAsync("default", "new");
        await Until(() => informer.Get("default", "new") is null, "the delete after the re-list");
        await stop.CancelAsync();
        await run.WaitAsync(Patience);
    }

    [Test]
    public async Task A_resync_hands_every_cached_object_on_again_as_an_update_of_itself()
    {
        using var store = new ClusterStore();
        await store.Services.CreateAsync(Objects.Service("a", clusterIP: "10.96.0.1"));
        var time = new FakeTimeProvider();
        var informer = new Informer<Service>(store, new InformerOptions { ResyncPeriod = TimeSpan.FromMinutes(1), TimeProvider = time });
        var recorder = new Recorder();
        informer.AddHandler(recorder);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync().WaitAsync(Patience);

        time.Advance(TimeSpan.FromSeconds(59));
        await Task.Delay(20);
        Assert.That(recorder.Calls, Has.Count.EqualTo(1));
        time.Advance(TimeSpan.FromSeconds(1));
        await Until(() => recorder.Calls.Count == 2, "the resync");
        Assert.That(recorder.Calls.Last(), Is.EqualTo("update a@1->1"));

        await stop.CancelAsync();
        await run.WaitAsync(Patience);
    }

    [Test]
    public async Task Selectors_limit_what_is_cached_and_objects_that_stop_matching_are_deleted()
    {
        using var store = new ClusterStore();
        var informer = new Informer<Service>(store, new InformerOptions { Namespace = "shop", LabelSelector = LabelSelector.Parse("app=web") });
        var recorder = new Recorder();
        informer.AddHandler(recorder);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync().WaitAsync(Patience);

        Service Labeled(string ns, string name, string ip, string app) =>
            Objects.Service(name, ns, ip) with { Metadata = new() { Namespace = ns, Name = name, Labels = StringMap.Of(("app", app)) } };
        var web = await store.Services.CreateAsync(Labeled("shop", "web", "10.96.0.1", "web"));
        await store.Services.CreateAsync(Labeled("shop", "db", "10.96.0.2", "db"));
        await store.Services.CreateAsync(Labeled("blog", "web", "10.96.0.3", "web"));
        await store.Services.UpdateAsync(web with { Metadata = web.Metadata with { Labels = StringMap.Of(("app", "other")) } });
        await Until(() => recorder.Calls.Count == 2, "the add and the delete");

        Assert.That(recorder.Calls, Is.EqualTo(new[] { "add web@1", "delete web@1" }));
        Assert.That(informer.Count, Is.Zero);
        await stop.CancelAsync();
        await run.WaitAsync(Patience);
    }

    [Test]
    public async Task The_factory_gives_one_informer_per_kind_and_so_one_watch_per_kind()
    {
        using var store = new ClusterStore();
        await using var factory = new InformerFactory(store);
        var services = factory.For<Service>();
        Assert.That(factory.For<Service>(), Is.SameAs(services));
        var first = new Recorder();
        var second = new Recorder();
        factory.For<Service>().AddHandler(first);
        factory.For<Service>().AddHandler(second);
        factory.For<EndpointSlice>();
        factory.Start();
        await factory.WaitForSyncAsync().WaitAsync(Patience);
        await Until(() => store.Hub.WatcherCount == 2, "the watches to open");

        // An informer asked for after the start starts at once.
        var late = factory.For<NetworkPolicy>();
        await late.WaitForSyncAsync().WaitAsync(Patience);
        await store.Services.CreateAsync(Objects.Service());
        await Until(() => first.Calls.Count == 1 && second.Calls.Count == 1, "both consumers to hear of the Service");
        Assert.That(store.Hub.WatcherCount, Is.EqualTo(3), "one watch per kind, not per consumer");
        Assert.That(factory.Informers, Has.Count.EqualTo(3));

        await factory.DisposeAsync();
        await Until(() => store.Hub.WatcherCount == 0, "the watches to close");
    }

    [Test]
    public async Task Running_twice_at_once_is_refused_and_disposing_the_store_ends_the_run()
    {
        var store = new ClusterStore();
        var informer = new Informer<Service>(store);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync().WaitAsync(Patience);
        Assert.ThrowsAsync<InvalidOperationException>(() => informer.RunAsync(CancellationToken.None));
        store.Dispose();
        await run.WaitAsync(Patience);
    }
}
