using ClusterState.Model;
using ClusterState.Tests.Watch;

namespace ClusterState.Tests.Scale;

/// <summary>Paged lists at one revision, field selectors on lists and watches, and both under concurrent writes and compactions.</summary>
public sealed class PagedListTests
{
    [Test]
    public async Task Pages_are_read_at_the_first_page_s_revision_and_join_into_the_whole_list()
    {
        using var store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = null });
        for (var i = 0; i < 95; i++)
        {
            await store.Services.CreateAsync(Objects.Service($"s{i:D3}", ns: i % 2 == 0 ? "a" : "b", clusterIP: $"10.96.1.{i + 1}"));
        }

        var whole = store.Services.List();
        var first = store.Services.List(new ListOptions { Limit = 10 });
        Assert.That(first.Items, Has.Count.EqualTo(10));
        Assert.That(first.Continue, Is.Not.Null);
        Assert.That(first.RemainingItemCount, Is.EqualTo(85));

        // Writes between pages do not show: every page is read at the first page's revision.
        await store.Services.DeleteAsync("a", "s050");
        await store.Services.CreateAsync(Objects.Service("s999", ns: "b", clusterIP: "10.96.9.9"));
        var pages = new List<ListResult<Service>> { first };
        while (pages[^1].Continue is { } token)
        {
            pages.Add(store.Services.List(new ListOptions { Limit = 10, Continue = token }));
        }

        Assert.That(pages.SelectMany(p => p.Items), Is.EqualTo(whole.Items));
        Assert.That(pages.Select(p => p.Revision).Distinct(), Is.EqualTo(new[] { whole.Revision }));
        Assert.That(pages, Has.Count.EqualTo(10));
        Assert.That(pages[^1].Continue, Is.Null);
        Assert.That(pages[^1].RemainingItemCount, Is.Null);

        // Within a namespace, the count stops at the namespace's end.
        var inA = store.Services.List(new ListOptions { Namespace = "a", Limit = 40 });
        Assert.That(inA.Items.Select(s => s.Metadata.Namespace).Distinct(), Is.EqualTo(new[] { "a" }));
        Assert.That(inA.RemainingItemCount, Is.EqualTo(7), "s082 to s094: the keys of the namespace after the page");
        var restOfA = store.Services.List(new ListOptions { Namespace = "a", Limit = 40, Continue = inA.Continue });
        Assert.That(restOfA.Items.Select(s => s.Metadata.Name), Does.Not.Contain("s050").And.Not.Contain("s001"));
        Assert.That(inA.Items.Count + restOfA.Items.Count, Is.EqualTo(47));
    }

    [Test]
    public async Task A_token_for_a_compacted_revision_fails_and_a_foreign_one_is_refused()
    {
        using var store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = null });
        for (var i = 0; i < 20; i++)
        {
            await store.Services.CreateAsync(Objects.Service($"s{i:D2}", clusterIP: $"10.96.1.{i + 1}"));
        }

        var first = store.Services.List(new ListOptions { Limit = 5 });
        await store.Services.CreateAsync(Objects.Service("late", clusterIP: "10.96.2.1"));
        await store.CompactAsync(store.Revision);
        var error = Assert.Throws<RevisionCompactedException>(() => store.Services.List(new ListOptions { Limit = 5, Continue = first.Continue }));
        Assert.That(error!.RequestedRevision, Is.EqualTo(first.Revision));

        var foreign = Assert.Throws<ValidationException>(() => store.Services.List(new ListOptions { Continue = "bm90LWEtdG9rZW4" }));
        Assert.That(foreign!.Errors.Single().Field, Is.EqualTo("continue"));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.Services.List(new ListOptions { Limit = 0 }));
        Assert.Throws<ArgumentException>(() => store.Services.List(new ListOptions { Limit = 5, Continue = store.Services.List(new ListOptions { Limit = 5 }).Continue, Revision = 3 }));
    }

    [Test]
    public async Task Field_selectors_select_on_lists_and_watches_with_kubernetes_syntax()
    {
        using var store = new ClusterStore();
        var pods = store.Collection<Pod>();
        await pods.CreateAsync(Objects.Pod("a", node: "node-1"));
        await pods.CreateAsync(Objects.Pod("b", ip: "10.244.1.6", node: "node-2"));
        var pending = Objects.Pod("c", ip: "10.244.1.7") with { Spec = Objects.Pod().Spec with { NodeName = null }, Status = new() { Phase = PodPhase.Pending } };
        await pods.CreateAsync(pending);

        string[] Names(string selector) => [.. pods.List(new ListOptions { FieldSelector = FieldSelector.Parse(selector) }).Items.Select(p => p.Metadata.Name)];
        Assert.That(Names("spec.nodeName=node-1"), Is.EqualTo(new[] { "a" }));
        Assert.That(Names("spec.nodeName==node-2"), Is.EqualTo(new[] { "b" }));
        Assert.That(Names("spec.nodeName="), Is.EqualTo(new[] { "c" }), "a missing value compares as empty");
        Assert.That(Names("status.phase!=Running"), Is.EqualTo(new[] { "c" }));
        Assert.That(Names("status.phase=Running, metadata.name!=a"), Is.EqualTo(new[] { "b" }));
        Assert.That(Names("metadata.namespace=default,status.podIP=10.244.1.6"), Is.EqualTo(new[] { "b" }));
        Assert.That(store.Services.List(new ListOptions { FieldSelector = FieldSelector.Parse("spec.type=ClusterIP") }).Items, Is.Empty);

        var unsupported = Assert.Throws<ValidationException>(() => pods.List(new ListOptions { FieldSelector = FieldSelector.Parse("spec.nodename=x") }));
        Assert.That(unsupported!.Errors.Single().Message, Does.Contain("field label not supported for Pod").And.Contain("\"spec.nodeName\""));
        Assert.Throws<FormatException>(() => FieldSelector.Parse("spec.nodeName"));
        Assert.Throws<FormatException>(() => FieldSelector.Parse("a=b,,c=d"));
        Assert.That(FieldSelector.Parse(@"metadata.name=a\,b").Requirements.Single().Value, Is.EqualTo("a,b"));

        // A watch: a pod that moves onto the node arrives as added, one that leaves as deleted.
        using var cts = new CancellationTokenSource(TaskTimeouts.Long);
        var events = pods.WatchAsync(new WatchOptions { FieldSelector = FieldSelector.Parse("spec.nodeName=node-1") }, cts.Token).TakeAsync(2);
        var c = pods.Get("default", "c")!;
        await pods.UpdateAsync(c with { Spec = c.Spec with { NodeName = "node-1" } });
        var a = pods.Get("default", "a")!;
        await pods.UpdateAsync(a with { Spec = a.Spec with { NodeName = "node-3" } });
        Assert.That((await events).Select(e => (e.Type, e.Object!.Metadata.Name)), Is.EqualTo(new[] { (WatchEventType.Added, "c"), (WatchEventType.Deleted, "a") }));
        Assert.Throws<ValidationException>(() => store.WatchAsync(new WatchOptions { FieldSelector = FieldSelector.Parse("spec.nodeName=x") }), "not every kind has the field");
    }

    [Test]
    public async Task Paged_reads_from_many_threads_stay_consistent_under_writes_and_compactions()
    {
        using var store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = null });
        for (var i = 0; i < 2_000; i++)
        {
            await store.Services.CreateAsync(Objects.Service($"s{i:D4}", ns: "ns" + (i % 7), clusterIP: $"10.96.{i / 250}.{i % 250 + 1}"));
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var consistent = 0;
        var restarted = 0;
        var writer = Task.Run(async () =>
        {
            var random = new Random(1);
            var n = 2_000;
            var checkedAtCompaction = -1;
            while (!stop.IsCancellationRequested)
            {
                var victim = $"s{random.Next(n):D4}";
                var ns = "ns" + (int.Parse(victim[1..], System.Globalization.CultureInfo.InvariantCulture) % 7);
                if (random.Next(2) == 0 && store.Services.Get(ns, victim) is not null)
                {
                    await store.Services.DeleteAsync(ns, victim);
                }
                else
                {
                    var i = n++;
                    await store.Services.CreateAsync(Objects.Service($"s{i:D4}", ns: "ns" + (i % 7), clusterIP: "10.97.0.1"));
                }

                // Compactions interleave with the paged reads, but a new one waits until some paged list finished
                // since the last: on a loaded machine the writer can otherwise compact past every reader's pages
                // before any of them completes, and nothing is checked.
                if (random.Next(50) == 0 && Volatile.Read(ref consistent) != checkedAtCompaction)
                {
                    checkedAtCompaction = Volatile.Read(ref consistent);
                    await store.CompactAsync(Math.Max(1, store.Revision - 200));
                }
            }
        });

        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var ns = r % 2 == 0 ? null : "ns" + r;
                try
                {
                    var page = store.Services.List(new ListOptions { Namespace = ns, Limit = 97 });
                    var items = new List<Service>(page.Items);
                    while (page.Continue is { } token)
                    {
                        page = store.Services.List(new ListOptions { Namespace = ns, Limit = 97, Continue = token });
                        items.AddRange(page.Items);
                    }

                    // The pages together are exactly the list at their revision.
                    var whole = store.Services.List(new ListOptions { Namespace = ns, Revision = page.Revision });
                    Assert.That(items, Is.EqualTo(whole.Items));
                    Interlocked.Increment(ref consistent);
                }
                catch (RevisionCompactedException)
                {
                    // A compaction passed the pages' revision: Kubernetes' clients re-list, as this one does.
                    Interlocked.Increment(ref restarted);
                }
            }
        })).ToArray();

        await Task.WhenAll([writer, .. readers]);
        Assert.That(consistent, Is.GreaterThan(10), $"{consistent} whole paged lists checked, {restarted} restarted after compaction");
    }
}
