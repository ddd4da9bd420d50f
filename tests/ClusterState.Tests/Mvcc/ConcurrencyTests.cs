using ClusterState.Model;

namespace ClusterState.Tests.Mvcc;

/// <summary>Many writers and readers at once: writes serialize, readers see whole batches only.</summary>
public sealed class ConcurrencyTests
{
    /// <summary>
    /// Writers move endpoints between two slices in transactions guarded by resourceVersion compares, so the
    /// total is invariant; readers list both at one revision, again and again, and must always see the total.
    /// </summary>
    [Test]
    public async Task Readers_never_see_half_of_a_batch_while_many_writers_race()
    {
        const int Total = 40;
        using var store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = 5_000 });
        await store.Transaction().Then(
            TxnOperation.Create(Slice("a", Total)),
            TxnOperation.Create(Slice("b", 0))).CommitAsync();

        var committed = 0;
        var conflicts = 0;
        var torn = 0;
        var reads = 0;
        // A stopwatch, not a timed token: the loops below keep every pool thread busy, and a timer callback
        // would wait for one.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        bool Running() => clock.Elapsed < TimeSpan.FromSeconds(2);
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            while (Running())
            {
                var a = store.EndpointSlices.Get("default", "a")!;
                var b = store.EndpointSlices.Get("default", "b")!;
                var (source, target) = random.Next(2) == 0 ? (a, b) : (b, a);
                if (source.Endpoints.Count == 0)
                {
                    continue;
                }

                var result = await store.Transaction()
                    .If(Compare.ResourceVersion<EndpointSlice>("default", "a", CompareOperator.Equal, a.Metadata.ResourceVersion),
                        Compare.ResourceVersion<EndpointSlice>("default", "b", CompareOperator.Equal, b.Metadata.ResourceVersion))
                    .Then(
                        TxnOperation.Update(source with { Endpoints = source.Endpoints.RemoveAt(0) }),
                        TxnOperation.Update(target with { Endpoints = target.Endpoints.Add(source.Endpoints[0]) }))
                    .CommitAsync();
                if (result.Succeeded)
                {
                    Interlocked.Increment(ref committed);
                }
                else
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
        })).ToArray();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (Running())
            {
                var list = store.EndpointSlices.List();
                var sum = list.Items.Sum(s => s.Endpoints.Count);
                var stale = list.Items.Any(s => s.Metadata.ResourceVersion > list.Revision);
                var a = store.EndpointSlices.Get("default", "a", list.Revision)!;
                var b = store.EndpointSlices.Get("default", "b", list.Revision)!;
                if (sum != Total || stale || a.Endpoints.Count + b.Endpoints.Count != Total)
                {
                    Interlocked.Increment(ref torn);
                }

                Interlocked.Increment(ref reads);
            }
        })).ToArray();

        await Task.WhenAll(writers.Concat(readers)).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.That(torn, Is.Zero, $"{reads} reads");
        Assert.That(committed, Is.GreaterThan(100));
        Assert.That(store.Revision, Is.EqualTo(committed + 1), "one revision per committed transaction, none for failed compares");
        Assert.That(store.EndpointSlices.List().Items.Sum(s => s.Endpoints.Count), Is.EqualTo(Total));
    }

    [Test]
    public async Task Thousands_of_concurrent_callers_create_distinct_objects_at_distinct_revisions()
    {
        const int Callers = 4000;
        using var store = new ClusterStore();
        var results = await Task.WhenAll(Enumerable.Range(0, Callers).Select(i => Task.Run(async () =>
            await store.Services.CreateAsync(Objects.Service($"s{i}", clusterIP: $"10.96.{i / 250}.{i % 250 + 1}")))));
        Assert.That(results.Select(r => r.Metadata.ResourceVersion).Order(), Is.EqualTo(Enumerable.Range(1, Callers).Select(r => (long)r)));
        Assert.That(results.Select(r => r.Metadata.Uid).Distinct().Count(), Is.EqualTo(Callers));
        Assert.That(store.Services.List().Items, Has.Count.EqualTo(Callers));
    }

    [Test]
    public async Task Optimistic_increments_from_many_writers_lose_no_update()
    {
        const int Writers = 8;
        const int Each = 500;
        using var store = new ClusterStore();
        await store.Services.CreateAsync(Objects.Service());
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            for (var done = 0; done < Each;)
            {
                var svc = store.Services.Get("default", "web")!;
                var count = int.Parse(svc.Metadata.Annotations.TryGetValue("count", out var c) ? c : "0", System.Globalization.CultureInfo.InvariantCulture);
                try
                {
                    await store.Services.UpdateAsync(svc with { Metadata = svc.Metadata with { Annotations = StringMap.Of(("count", (count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))) } });
                    done++;
                }
                catch (ConflictException)
                {
                    // Lost the race: read again and retry, as a controller would.
                }
            }
        })));
        var final = store.Services.Get("default", "web")!;
        Assert.That(final.Metadata.Annotations["count"], Is.EqualTo((Writers * Each).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(final.Metadata.Version, Is.EqualTo(Writers * Each + 1));
    }

    private static EndpointSlice Slice(string name, int endpoints) => Objects.Slice(name: name) with
    {
        Endpoints = ValueArray.From(Enumerable.Range(1, endpoints).Select(i => new Endpoint { Addresses = [$"10.244.0.{i}"] })),
    };
}
