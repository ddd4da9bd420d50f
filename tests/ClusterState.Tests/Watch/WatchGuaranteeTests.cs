using ClusterState.Model;

namespace ClusterState.Tests.Watch;

/// <summary>One test per documented watch guarantee.</summary>
public sealed class WatchGuaranteeTests
{
    private ClusterStore _store = null!;

    [SetUp]
    public void SetUp() => _store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = null });

    [TearDown]
    public void TearDown() => _store.Dispose();

    [Test]
    public async Task Live_events_arrive_in_order_with_their_types_and_previous_objects()
    {
        using var cts = new CancellationTokenSource(TaskTimeouts.Long);
        var events = _store.Services.WatchAsync(new() { IncludePreviousObject = true }, cts.Token).TakeAsync(3);
        var created = await _store.Services.CreateAsync(Objects.Service());
        var updated = await _store.Services.UpdateAsync(created with { Spec = created.Spec with { PublishNotReadyAddresses = true } });
        await _store.Services.DeleteAsync("default", "web");

        var seen = await events;
        Assert.That(seen.Select(e => (e.Type, e.Revision)), Is.EqualTo(new[] { (WatchEventType.Added, 1L), (WatchEventType.Modified, 2L), (WatchEventType.Deleted, 3L) }));
        Assert.Multiple(() =>
        {
            Assert.That(seen[0].Object, Is.EqualTo(created));
            Assert.That(seen[0].PreviousObject, Is.Null);
            Assert.That(seen[1].Object, Is.EqualTo(updated));
            Assert.That(seen[1].PreviousObject, Is.EqualTo(created));
            Assert.That(seen[2].Object, Is.EqualTo(updated), "a delete carries the last state");
            Assert.That(seen.All(e => e.IsLastInBatch), Is.True);
        });
    }

    [Test]
    public async Task Previous_objects_are_left_out_unless_asked_for()
    {
        using var cts = new CancellationTokenSource(TaskTimeouts.Long);
        var events = _store.Services.WatchAsync(cancellationToken: cts.Token).TakeAsync(2);
        var created = await _store.Services.CreateAsync(Objects.Service());
        await _store.Services.UpdateAsync(created);
        Assert.That((await events)[1].PreviousObject, Is.Null);
    }

    [Test]
    public async Task All_events_of_one_batch_arrive_together_with_the_boundary_on_the_last()
    {
        using var cts = new CancellationTokenSource(TaskTimeouts.Long);
        var events = _store.WatchAsync(cancellationToken: cts.Token).TakeAsync(4);
        await _store.Transaction().Then(TxnOperation.Create(Objects.Service()), TxnOperation.Create(Objects.Slice()), TxnOperation.Create(Objects.Policy())).CommitAsync();
        await _store.Services.CreateAsync(Objects.Service("api", clusterIP: "10.96.0.11"));

        var seen = await events;
        Assert.That(seen.Select(e => e.Revision), Is.EqualTo(new long[] { 1, 1, 1, 2 }));
        Assert.That(seen.Select(e => e.IsLastInBatch), Is.EqualTo(new[] { false, false, true, true }));
        Assert.That(seen.Take(3).Select(e => e.Object!.Kind), Is.EqualTo(new[] { ResourceKind.Service, ResourceKind.EndpointSlice, ResourceKind.NetworkPolicy }));
    }

    [Test]
    public async Task A_typed_watch_sees_its_kind_only_and_the_boundary_is_its_last_event_of_the_batch()
    {
        using var cts = new CancellationTokenSource(TaskTimeouts.Long);
        var events = _store.Services.WatchAsync(cancellationToken: cts.Token).TakeAsync(2);
        await _store.Transaction().Then(TxnOperation.Create(Objects.Service()), TxnOperation.Create(Objects.Slice())).CommitAsync();
        await _store.Services.CreateAsync(Objects.Service("api", clusterIP: "10.96.0.11"));
        var seen = await events;
        Assert.That(seen.Select(e => (e.Revision, e.IsLastInBatch)), Is.EqualTo(new[] { (1L, true), (2L, true) }));
    }

    [Test]
    public async Task A_watch_from_a_past_revision_replays_history_then_goes_live()
    {
        var created = await _store.Services.CreateAsync(Objects.Service());
        await _store.Services.UpdateAsync(created);
        await _store.Services.CreateAsync(Objects.Service("api", clusterIP: "10.96.0.11"));

        using var cts = new CancellationTokenSource(TaskTimeouts.Long);
        var events = _store.Services.WatchAsync(new() { StartRevision = 2 }, cts.Token).TakeAsync(3);
        await _store.Services.DeleteAsync("default", "api");
        Assert.That((await events).Select(e => (e.Type, e.Revision)), Is.EqualTo(new[] { (WatchEventType.Modified, 2L), (WatchEventType.Added, 3L), (WatchEventType.Deleted, 4L) }));
    }

    [Test]
    public async Task Resuming_under_concurrent_writes_has_no_gap_and_no_duplicate_at_the_seam()
    {
        const int Writes = 20_000;
        var svc = await _store.Services.CreateAsync(Objects.Service());
        using var writing = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var i = 1; i < Writes; i++)
            {
                svc = await _store.Services.UpdateAsync(svc);
            }
        });

        // Start watches at many points while the writer runs; each must see every revision from its start, once.
        var watches = new List<Task<(long Start, List<long> Revisions)>>();
        for (var k = 0; k < 8; k++)
        {
            await Task.Delay(2);
            var start = Math.Max(1, _store.Revision - 5);
            watches.Add(Task.Run(async () =>
            {
                var revisions = new List<long>();
                await foreach (var e in _store.Services.WatchAsync(new() { StartRevision = start }).WithCancellation(new CancellationTokenSource(TaskTimeouts.Long).Token))
                {
                    revisions.Add(e.Revision);
                    if (e.Revision == Writes)
                    {
                        break;
                    }
                }

                return (start, revisions);
            }));
        }

        await writer.Within();
        foreach (var (start, revisions) in await Task.WhenAll(watches).WaitAsync(TaskTimeouts.Long))
        {
            Assert.That(revisions, Is.EqualTo(Enumerable.Range((int)start, Writes - (int)start + 1).Select(r => (long)r)), $"watch from {start}");
        }
    }

    [Test]
    public async Task A_watch_below_the_compaction_revision_fails_with_the_typed_error()
    {
        for (var i = 0; i < 5; i++)
        {
            await _store.Services.CreateAsync(Objects.Service($"s{i}", clusterIP: $"10.96.0.{i + 1}"));
        }

        await _store.CompactAsync(4);
        var error = Assert.Throws<RevisionCompactedException>(() => _store.Services.WatchAsync(new() { StartRevision = 3 }));
        Assert.That(error!.CompactedRevision, Is.EqualTo(4));

        var observer = new WatchCollector<Service>();
        using var subscription = _store.Services.Watch(new() { StartRevision = 2 }).Subscribe(observer);
        await observer.Terminated.Within();
        Assert.That(observer.Error, Is.TypeOf<RevisionCompactedException>());

        var fromCompacted = await _store.Services.WatchAsync(new() { StartRevision = 4 }).TakeAsync(2);
        Assert.That(fromCompacted.Select(e => e.Revision), Is.EqualTo(new long[] { 4, 5 }));
    }

    [Test]
    public async Task Filters_by_namespace_and_name()
    {
        using var cts = new CancellationTokenSource(TaskTimeouts.Long);
        var inB = _store.Services.WatchAsync(new() { Namespace = "b" }, cts.Token).TakeAsync(2);
        var named = _store.Services.WatchAsync(new() { Namespace = "a", Name = "web" }, cts.Token).TakeAsync(1);
        await _store.Services.CreateAsync(Objects.Service("web", "a", clusterIP: "10.96.0.1"));
        await _store.Services.CreateAsync(Objects.Service("web", "b", clusterIP: "10.96.0.2"));
        await _store.Services.CreateAsync(Objects.Service("api", "a", clusterIP: "10.96.0.3"));
        await _store.Services.CreateAsync(Objects.Service("api", "b", clusterIP: "10.96.0.4"));
        Assert.That((await inB).Select(e => e.Object!.Metadata.Name), Is.EqualTo(new[] { "web", "api" }));
        Assert.That((await named).Single().Revision, Is.EqualTo(1));
    }

    [Test]
    public async Task A_label_selector_turns_updates_into_adds_and_deletes_as_objects_enter_and_leave_it()
    {
        using var cts = new CancellationTokenSource(TaskTimeouts.Long);
        var events = _store.Services.WatchAsync(new() { LabelSelector = LabelSelector.Parse("tier=front") }, cts.Token).TakeAsync(4);
        var svc = await _store.Services.CreateAsync(Objects.Service());
        svc = await _store.Services.UpdateAsync(svc with { Metadata = svc.Metadata with { Labels = StringMap.Of(("tier", "front")) } });
        svc = await _store.Services.UpdateAsync(svc);
        var front = svc;
        svc = await _store.Services.UpdateAsync(svc with { Metadata = svc.Metadata with { Labels = StringMap.Of(("tier", "back")) } });
        await _store.Services.DeleteAsync("default", "web");
        await _store.Services.CreateAsync(Objects.Service("api", clusterIP: "10.96.0.11") with { Metadata = new() { Namespace = "default", Name = "api", Labels = StringMap.Of(("tier", "front")) } });

        var seen = await events;
        Assert.That(seen.Select(e => (e.Type, e.Revision)), Is.EqualTo(new[] { (WatchEventType.Added, 2L), (WatchEventType.Modified, 3L), (WatchEventType.Deleted, 4L), (WatchEventType.Added, 6L) }));
        Assert.That(seen[2].Object, Is.EqualTo(front), "leaving the selector delivers the last matching state");
    }

    [Test]
    public async Task Progress_notifications_carry_the_current_revision_while_caught_up()
    {
        using var store = new ClusterStore(new ClusterStoreOptions { WatchProgressInterval = TimeSpan.FromMilliseconds(20) });
        await store.Services.CreateAsync(Objects.Service());
        await store.EndpointSlices.CreateAsync(Objects.Slice());
        using var cts = new CancellationTokenSource(TaskTimeouts.Long);
        var events = await store.Services.WatchAsync(new() { StartRevision = 1, ProgressNotifications = true }, cts.Token).TakeAsync(2);
        Assert.That(events[0].Type, Is.EqualTo(WatchEventType.Added));
        Assert.That(events[1].Type, Is.EqualTo(WatchEventType.Bookmark));
        Assert.That(events[1].Revision, Is.EqualTo(2), "the slice's revision, though the watch does not see slices");
        Assert.That(events[1].Object, Is.Null);
    }

    [Test]
    public async Task Watches_without_progress_notifications_get_no_bookmarks()
    {
        using var store = new ClusterStore(new ClusterStoreOptions { WatchProgressInterval = TimeSpan.FromMilliseconds(10) });
        var observer = new WatchCollector<Service> { Until = e => e.Type == WatchEventType.Added };
        using (store.Services.Watch().Subscribe(observer))
        {
            await Task.Delay(100);
            await store.Services.CreateAsync(Objects.Service());
            await observer.Reached.Task.Within();
            await Task.Delay(50);
        }

        Assert.That(observer.Events.Select(e => e.Type), Is.EqualTo(new[] { WatchEventType.Added }));
    }
}
