using System.Diagnostics;
using System.Globalization;
using ClusterState.Model;

using static ClusterState.Benchmarks.ReportTiming;

namespace ClusterState.Benchmarks;

/// <summary>
/// '--scale-report [sizes]': how the store behaves from 10,000 to 1,000,000 one-port Services in 100 namespaces
/// (history 1,000): loading, heap per object, listing one namespace alone and right after a create, pages of 500,
/// a whole paged list against the unpaged list, and point reads and updates. Every figure is printed beside its peer
/// in the same run, as a ratio. '--durable' adds reopening a durable store of the largest size against loading the same
/// objects into a new in-memory store.
/// </summary>
internal static class ScaleReport
{
    private const int Namespaces = 100;

    public static async Task RunAsync(IReadOnlyList<string> args)
    {
        var sizes = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray();
        if (sizes.Length == 0)
        {
            sizes = [10_000, 100_000, 1_000_000];
        }

        var reads = new Dictionary<int, Figures>();
        foreach (var size in sizes)
        {
            reads[size] = await Measure(size);
        }

        if (sizes.Length > 1)
        {
            var (small, large) = (sizes.Min(), sizes.Max());
            var (a, b) = (reads[small], reads[large]);
            Console.WriteLine($"{large:N0} vs {small:N0}: point read {b.Read / a.Read:F2}x (peer {b.PeerRead / a.PeerRead:F2}x); update {b.Update / a.Update:F2}x (peer {b.PeerUpdate / a.PeerUpdate:F2}x)");
        }

        foreach (var size in sizes.Where(s => s >= 100_000))
        {
            CompareIndexDesigns(size);
        }

        if (args.Contains("--durable"))
        {
            await MeasureReopen(sizes.Max());
        }
    }

    private static async Task<Figures> Measure(int size)
    {
        Console.WriteLine($"--- {size:N0} Services, {Namespaces} namespaces, history 1,000");
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var watch = Stopwatch.StartNew();
        var store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = 1_000 });
        await Load(store, size);
        var load = watch.Elapsed;
        var heap = GC.GetTotalMemory(forceFullCollection: true) - before;
        Console.WriteLine($"load (transactions of 500): {load.TotalSeconds:F2} s, {size / load.TotalSeconds:N0} objects/s; heap {heap / (double)size:F0} bytes per Service");

        const string ns = "ns7";
        var listAlone = Median(50, () => store.Services.List(new ListOptions { Namespace = ns }));
        var created = 0;
        var createThenList = Median(50, () =>
        {
            store.Services.CreateAsync(OneService(size + created++, ns)).AsTask().GetAwaiter().GetResult();
            store.Services.List(new ListOptions { Namespace = ns });
        });
        var createAlone = Median(50, () => store.Services.CreateAsync(OneService(size + created++, ns)).AsTask().GetAwaiter().GetResult());
        Console.WriteLine($"list one namespace ({store.Services.List(new ListOptions { Namespace = ns }).Items.Count:N0} objects): {Ms(listAlone)}; create then list: {Ms(createThenList)} = {createThenList / listAlone:F2}x the list alone (a create alone: {Ms(createAlone)})");

        var firstPage = Median(50, () => store.Services.List(new ListOptions { Limit = 500 }));
        var middle = store.Services.List(new ListOptions { Limit = size / 2 });
        var middlePage = Median(50, () => store.Services.List(new ListOptions { Limit = 500, Continue = middle.Continue }));
        Console.WriteLine($"page of 500: first {Ms(firstPage)}, from the middle {Ms(middlePage)}");

        var runs = size >= 1_000_000 ? 3 : 7;
        var unpaged = Median(runs, () => store.Services.List());
        var paged = Median(runs, () =>
        {
            var page = store.Services.List(new ListOptions { Limit = 500 });
            while (page.Continue is { } token)
            {
                page = store.Services.List(new ListOptions { Limit = 500, Continue = token });
            }
        });
        Console.WriteLine($"whole list: unpaged {Ms(unpaged)}, in pages of 500 {Ms(paged)} = {paged / unpaged:F2}x");

        // Random keys, their names built beforehand: the timing is the read alone (at a million objects, mostly
        // the cache misses of a random key in a large heap).
        var random = new Random(1);
        const int readCount = 1_000_000;
        var keys = Enumerable.Range(0, readCount).Select(_ => random.Next(size)).Select(n => ("ns" + (n % Namespaces), "svc-" + n)).ToArray();
        watch.Restart();
        foreach (var (keyNs, keyName) in keys)
        {
            store.Services.Get(keyNs, keyName);
        }

        var read = watch.Elapsed.TotalNanoseconds / readCount;

        // The peer: the same objects in a ConcurrentDictionary, the same random keys.
        var peer = new System.Collections.Concurrent.ConcurrentDictionary<(string, string), Service>();
        foreach (var service in store.Services.List().Items)
        {
            peer[(service.Metadata.Namespace, service.Metadata.Name)] = service;
        }

        watch.Restart();
        foreach (var key in keys)
        {
            peer.TryGetValue(key, out _);
        }

        var peerRead = watch.Elapsed.TotalNanoseconds / readCount;
        const int updateCount = 50_000;
        var targets = Enumerable.Range(0, updateCount).Select(_ => random.Next(size)).Select(n => store.Services.Get("ns" + (n % Namespaces), "svc-" + n)!).ToArray();

        // A second of the same updates untimed, then two timed: the timing is the steady state, collections
        // included. (Timing the first 50,000 updates measured mostly the tiered JIT's unoptimized code at 10,000
        // objects, about 6 µs per update against about 2 µs once compiled, and one collection more or less swung it.)
        var next = 0;
        async Task<long> UpdateFor(TimeSpan duration)
        {
            var done = 0L;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < duration)
            {
                for (var i = 0; i < 1_000; i++, next = (next + 1) % targets.Length)
                {
                    await store.Services.UpdateUnconditionallyAsync(targets[next]);
                }

                done += 1_000;
            }

            return done;
        }

        await UpdateFor(TimeSpan.FromSeconds(1));
        var (update, updatePauses) = Timed(() => UpdateFor(TimeSpan.FromSeconds(2)).GetAwaiter().GetResult());

        // The peer: replacing the same keys' values in the dictionary with a copy carrying a new resourceVersion (the
        // objects a store keeps, without its checks, history or log), while the store's objects stay alive beside it.
        var peerKeys = targets.Select(t => (t.Metadata.Namespace, t.Metadata.Name)).ToArray();
        long PeerUpdateFor(TimeSpan duration)
        {
            var done = 0L;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < duration)
            {
                for (var i = 0; i < 1_000; i++, next = (next + 1) % targets.Length)
                {
                    var target = targets[next];
                    peer[peerKeys[next]] = target with { Metadata = target.Metadata with { ResourceVersion = target.Metadata.ResourceVersion + done + i } };
                }

                done += 1_000;
            }

            return done;
        }

        PeerUpdateFor(TimeSpan.FromSeconds(1));
        var (peerUpdate, peerPauses) = Timed(() => PeerUpdateFor(TimeSpan.FromSeconds(2)));
        Console.WriteLine($"point read of a random key {read:F0} ns (peer: ConcurrentDictionary lookup {peerRead:F0} ns, {read / peerRead:F1}x)");
        Console.WriteLine($"update of a random key (50,000 keys) {update:F0} ns, {updatePauses:P0} of it in collection pauses (peer: ConcurrentDictionary replace {peerUpdate:F0} ns, {peerPauses:P0} in pauses; {update / peerUpdate:F1}x)");
        peer.Clear();
        store.Dispose();
        return new Figures(read, peerRead, update, peerUpdate);
    }

    /// <summary>The point read and update costs of one size, and their peers'.</summary>
    private readonly record struct Figures(double Read, double PeerRead, double Update, double PeerUpdate);

    /// <summary>Nanoseconds per operation of <paramref name="run"/> (which returns its operation count), and the share of the time the collector paused.</summary>
    private static (double Nanoseconds, double PauseShare) Timed(Func<long> run)
    {
        var paused = GC.GetTotalPauseDuration();
        var watch = Stopwatch.StartNew();
        var operations = run();
        var elapsed = watch.Elapsed;
        return (elapsed.TotalNanoseconds / operations, (GC.GetTotalPauseDuration() - paused) / elapsed);
    }

    private static async Task MeasureReopen(int size)
    {
        var directory = Path.Combine(Path.GetTempPath(), "clusterstate-scale-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new ClusterStoreOptions { DataDirectory = directory, HistoryRetention = 1_000, Durability = DurabilityMode.Fsync, SnapshotEveryRevisions = 1_000 };
            using (var durable = new ClusterStore(options))
            {
                await Load(durable, size);
            }

            var watch = Stopwatch.StartNew();
            using (var reopened = new ClusterStore(options))
            {
                watch.Stop();
                Console.WriteLine($"reopen a durable store of {reopened.Services.List(new ListOptions { Limit = 1 }).RemainingItemCount + 1:N0} Services: {watch.Elapsed.TotalSeconds:F2} s");
            }

            watch.Restart();
            using (var memory = new ClusterStore(new ClusterStoreOptions { HistoryRetention = 1_000 }))
            {
                await Load(memory, size);
            }

            var load = watch.Elapsed;
            watch.Restart();
            using (new ClusterStore(options))
            {
            }

            var again = watch.Elapsed;
            Console.WriteLine($"loading them into a new in-memory store: {load.TotalSeconds:F2} s; reopen again: {again.TotalSeconds:F2} s = {again / load:F2}x the load");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// The two designs that give readers an immutable ordered view while one writer changes it: the copy-on-write
    /// B+tree the store uses, and a copy-on-write sorted array (binary search, one array copy per new key). Both are
    /// read the same way: find the first key of a namespace, walk 1 % of the keys.
    /// </summary>
    private static void CompareIndexDesigns(int size)
    {
        var names = Enumerable.Range(0, size).Select(i => new Storage.ObjectName("ns" + (i % Namespaces), "svc-" + i)).ToArray();
        var tree = new Storage.OrderedIndex();
        foreach (var name in names)
        {
            tree.InsertLocked(new Storage.KeyHistory(name));
        }

        var array = names.Order().Select(n => new Storage.KeyHistory(n)).ToArray();
        var fresh = Enumerable.Range(size, 1_000).Select(i => new Storage.KeyHistory(new Storage.ObjectName("ns" + (i % Namespaces), "svc-" + i))).ToArray();
        var extra = Enumerable.Range(size + 1_000, 30_000).Select(i => new Storage.KeyHistory(new Storage.ObjectName("ns" + (i % Namespaces), "svc-" + i))).ToArray();

        // The tree's inserts are cheap enough to time in rounds of 10,000, the best round counting.
        var treeInsert = double.MaxValue;
        GC.Collect();
        for (var round = 0; round < 3; round++)
        {
            var started = Stopwatch.GetTimestamp();
            for (var i = round * 10_000; i < (round + 1) * 10_000; i++)
            {
                tree.InsertLocked(extra[i]);
            }

            treeInsert = Math.Min(treeInsert, Stopwatch.GetElapsedTime(started).TotalNanoseconds / 10_000);
        }

        var watch = Stopwatch.StartNew();
        foreach (var key in fresh)
        {
            var at = ~Array.BinarySearch(array, key, Comparer<Storage.KeyHistory>.Create((a, b) => a.Name.CompareTo(b.Name)));
            var next = new Storage.KeyHistory[array.Length + 1];
            Array.Copy(array, next, at);
            next[at] = key;
            Array.Copy(array, at, next, at + 1, array.Length - at);
            array = next;
        }

        var arrayInsert = watch.Elapsed.TotalNanoseconds / fresh.Length;
        var start = new Storage.ObjectName("ns7", string.Empty);
        var treeRange = Median(50, () =>
        {
            var count = 0;
            tree.Root.Visit(start, ref count, static (Storage.KeyHistory key, ref int c) => key.Name.Namespace == "ns7" && ++c > 0);
        });
        var arrayRange = Median(50, () =>
        {
            var at = ~Array.BinarySearch(array, new Storage.KeyHistory(start), Comparer<Storage.KeyHistory>.Create((a, b) => a.Name.CompareTo(b.Name)));
            var count = 0;
            for (var i = at; i < array.Length && array[i].Name.Namespace == "ns7"; i++)
            {
                count++;
            }
        });
        Console.WriteLine($"index designs at {size:N0} keys: insert B+tree {treeInsert:F0} ns vs sorted array {arrayInsert:F0} ns ({arrayInsert / treeInsert:F0}x); walk one namespace B+tree {Ms(treeRange)} vs array {Ms(arrayRange)} ({treeRange / arrayRange:F2}x)");
    }

    private static async Task Load(ClusterStore store, int size)
    {
        for (var start = 0; start < size; start += 500)
        {
            await store.Transaction().Then(Enumerable.Range(start, Math.Min(500, size - start)).Select(i => TxnOperation.Create(OneService(i, "ns" + (i % Namespaces))))).CommitAsync();
        }
    }

    private static Service OneService(int i, string ns) => new()
    {
        Metadata = new() { Namespace = ns, Name = "svc-" + i, Labels = StringMap.Of(("app", "svc-" + i)) },
        Spec = new()
        {
            ClusterIP = $"10.{96 + (i >> 16 & 15)}.{i >> 8 & 255}.{(i & 255) + 1 & 255}",
            Selector = StringMap.Of(("app", "svc-" + i)),
            Ports = [new ServicePort { Name = "http", Port = 80, TargetPort = 8080 }],
        },
    };
}
