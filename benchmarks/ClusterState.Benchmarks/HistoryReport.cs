using ClusterState.Model;

namespace ClusterState.Benchmarks;

/// <summary>
/// '--history-report': the memory a store's history keeps per version when a controller re-applies objects it
/// builds from scratch each time (equal but new instances), measured as the managed heap after full collections.
/// </summary>
internal static class HistoryReport
{
    private const int Objects = 10_000;
    private const int Rounds = 10;

    public static async Task RunAsync()
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        using var store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = null });
        for (var i = 0; i < Objects; i++)
        {
            await store.Services.CreateAsync(Build(i, 0));
        }

        for (var round = 1; round <= Rounds; round++)
        {
            for (var i = 0; i < Objects; i++)
            {
                await store.Services.UpdateUnconditionallyAsync(Build(i, round));
            }
        }

        var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        var versions = Objects * (Rounds + 1);
        Console.WriteLine($"history of {Objects:N0} Services x {Rounds + 1} versions, each rebuilt with only a label changed: {retained / 1e6:F1} MB retained, {retained / (double)versions:F0} bytes per version");
        GC.KeepAlive(store);
    }

    /// <summary>A Service built from nothing, as a reconcile loop would: only the 'round' label changes.</summary>
    private static Service Build(int i, int round) => new()
    {
        Metadata = new()
        {
            Namespace = "ns" + (i % 10),
            Name = "svc-" + i,
            Labels = StringMap.Of(("app", "svc-" + i), ("round", round.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        },
        Spec = new()
        {
            ClusterIP = $"10.96.{i / 250 % 250}.{i % 250 + 1}",
            Selector = StringMap.Of(("app", "svc-" + i)),
            Ports = [new ServicePort { Name = "http", Port = 80, TargetPort = 8080 }, new ServicePort { Name = "https", Port = 443, TargetPort = 8443 }],
        },
    };
}
