using System.Diagnostics;
using ClusterState.Kubernetes.Api;
using ClusterState.Model;
using k8s;

using static ClusterState.Benchmarks.ReportTiming;

namespace ClusterState.Benchmarks;

/// <summary>
/// '--api-report': the Kubernetes API endpoint over HTTP on loopback, each figure beside the same work done in
/// process in the same run: a list of 10,000 Services (raw bytes, and decoded by KubernetesClient), a watch
/// delivering 10,000 events to 100 HTTP watchers, and the time from nothing to an endpoint that answers a list.
/// </summary>
internal static class ApiReport
{
    private const int Services = 10_000;

    public static async Task RunAsync()
    {
        await StartupAsync();
        if (Environment.GetEnvironmentVariable("API_STARTUP_ONLY") == "1")
        {
            return;
        }

        using var store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = 20_000 });
        for (var start = 0; start < Services; start += 500)
        {
            await store.Transaction().Then(Enumerable.Range(start, 500).Select(i => TxnOperation.Create(Fixtures.Service(i)))).CommitAsync();
        }

        await using var api = await KubernetesApiServer.StartAsync(store);
        using var http = new HttpClient { BaseAddress = api.Url };
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = api.Url.ToString().TrimEnd('/') });

        var inProcess = Median(21, () => store.Services.List());
        var bytes = 0L;
        var raw = await MedianAsync(21, async () => bytes = (await http.GetByteArrayAsync(new Uri("api/v1/services", UriKind.Relative))).LongLength);
        var typed = await MedianAsync(11, async () => await client.CoreV1.ListServiceForAllNamespacesAsync());
        Console.WriteLine($"list of {Services:N0} Services: in process {Ms(inProcess)}; over HTTP {Ms(raw)} ({bytes / 1e6:F1} MB, {raw / inProcess:F0}x); decoded by KubernetesClient {Ms(typed)} ({typed / inProcess:F0}x)");

        await WatchAsync(store, api);
    }

    /// <summary>10,000 updates, each delivered to 100 watchers: over HTTP (each watcher reads and counts event lines) and in process.</summary>
    private static async Task WatchAsync(ClusterStore store, KubernetesApiServer api)
    {
        var watchers = int.Parse(Environment.GetEnvironmentVariable("API_WATCHERS") ?? "100", System.Globalization.CultureInfo.InvariantCulture);
        var events = int.Parse(Environment.GetEnvironmentVariable("API_EVENTS") ?? "10000", System.Globalization.CultureInfo.InvariantCulture);
        var services = store.Services.List(new ListOptions { Namespace = "ns0" }).Items.ToArray();

        // In process: 100 async-enumerable watchers of the same kind.
        var from = store.Revision;
        using (var cts = new CancellationTokenSource())
        {
            var readers = Enumerable.Range(0, watchers).Select(_ => Task.Run(async () =>
            {
                var seen = 0;
                await foreach (var _ in store.Services.WatchAsync(new WatchOptions { StartRevision = from + 1 }, cts.Token))
                {
                    if (++seen == events)
                    {
                        break;
                    }
                }
            })).ToArray();
            var inProcess = await TimeWritesAsync(store, services, events, readers);
            Console.WriteLine($"watch, {events:N0} events to {watchers} watchers: in process {inProcess.TotalMilliseconds:F0} ms ({events * watchers / inProcess.TotalSeconds / 1e6:F2}M deliveries/s)");

            // Over HTTP: the same, each watcher a streaming GET ?watch=1 from the revision before the writes.
            from = store.Revision;
            using var http = new HttpClient { BaseAddress = api.Url, Timeout = Timeout.InfiniteTimeSpan };
            var streams = await Task.WhenAll(Enumerable.Range(0, watchers).Select(async _ =>
            {
                var response = await http.GetAsync(new Uri($"api/v1/services?watch=1&resourceVersion={from}", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
                response.EnsureSuccessStatusCode();
                return response;
            }));
            var httpReaders = streams.Select(response => Task.Run(async () =>
            {
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
                var seen = 0;
                while (seen < events && await reader.ReadLineAsync() is { } line)
                {
                    if (line.StartsWith("{\"type\":\"MODIFIED\"", StringComparison.Ordinal))
                    {
                        seen++;
                    }
                }

                if (seen < events)
                {
                    throw new InvalidOperationException($"a watcher saw {seen} of {events} events");
                }
            })).ToArray();
            var overHttp = await TimeWritesAsync(store, services, events, httpReaders);
            foreach (var response in streams)
            {
                response.Dispose();
            }

            Console.WriteLine($"watch, {events:N0} events to {watchers} HTTP watchers: {overHttp.TotalMilliseconds:F0} ms ({events * watchers / overHttp.TotalSeconds / 1e6:F2}M deliveries/s, {overHttp / inProcess:F1}x in process)");
        }
    }

    private static async Task<TimeSpan> TimeWritesAsync(ClusterStore store, Service[] services, int events, Task[] readers)
    {
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < events; i++)
        {
            var service = services[i % services.Length];
            await store.Services.UpdateUnconditionallyAsync(service with { Metadata = service.Metadata with { Labels = StringMap.Of(("app", service.Metadata.Name), ("n", (i % 7).ToString(System.Globalization.CultureInfo.InvariantCulture))) } });
        }

        await Task.WhenAll(readers);
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>From nothing (no store) to an endpoint that has answered a Service list: the first in this process, then the median of ten.</summary>
    private static async Task StartupAsync()
    {
        async Task<double> Once()
        {
            var started = Stopwatch.GetTimestamp();
            using var store = new ClusterStore();
            await using var api = await KubernetesApiServer.StartAsync(store);
            using var http = new HttpClient { BaseAddress = api.Url };
            (await http.GetAsync(new Uri("api/v1/services", UriKind.Relative))).EnsureSuccessStatusCode();
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        var first = await Once();
        var times = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            times.Add(await Once());
        }

        times.Sort();
        Console.WriteLine($"from nothing to an endpoint that answers a Service list: first in the process {first:F0} ms, then median {times[5]:F1} ms (min {times[0]:F1}, max {times[^1]:F1})");

        // The peer: a real etcd (what envtest-class tools start, with a kube-apiserver after it) from process start to
        // its first successful write, in the same run.
        if (ClusterState.Etcd.EtcdProcess.Binary() is null)
        {
            Console.WriteLine("etcd is not on the PATH: no etcd start-up to compare with");
            return;
        }

        var etcd = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await using (await ClusterState.Etcd.EtcdProcess.StartAsync(fsync: false))
            {
                etcd.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        etcd.Sort();
        Console.WriteLine($"a real etcd (--unsafe-no-fsync) from process start to its first write: median {etcd[2]:F0} ms of 5 (min {etcd[0]:F0}, max {etcd[^1]:F0}); the endpoint's median is {times[5] / etcd[2]:F3}x of it");
    }
}
