using ClusterState.Model;

namespace ClusterState.Benchmarks;

/// <summary>Objects shaped like a real cluster's: a Service with two ports, labels and a selector.</summary>
internal static class Fixtures
{
    public static Service Service(int i) => new()
    {
        Metadata = new()
        {
            Namespace = "ns" + (i % 10),
            Name = "svc-" + i,
            Labels = StringMap.Of(("app", "svc-" + i), ("tier", i % 2 == 0 ? "front" : "back")),
        },
        Spec = new()
        {
            ClusterIP = $"10.96.{i / 250 % 250}.{i % 250 + 1}",
            Selector = StringMap.Of(("app", "svc-" + i)),
            Ports = [new ServicePort { Name = "http", Port = 80, TargetPort = 8080 }, new ServicePort { Name = "https", Port = 443, TargetPort = 8443 }],
        },
    };

    public static async Task<(ClusterStore Store, Service[] Stored)> StoreWith(int count, long? retention = 10_000)
    {
        var store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = retention });
        var stored = new Service[count];
        for (var i = 0; i < count; i++)
        {
            stored[i] = await store.Services.CreateAsync(Service(i));
        }

        return (store, stored);
    }
}
