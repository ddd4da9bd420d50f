using ClusterState;
using ClusterState.Controllers;
using ClusterState.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServiceProxy;

// A kube-proxy-like controller in a Generic Host, on an embedded, in-memory ClusterState store. The program seeds
// the store itself (as a cluster's API would), so it runs alone: each step below is a write, and the controller
// prints how the routing table (cluster IP:port -> ready backends) changes in response.
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddClusterState(o => o.WatchProgressInterval = TimeSpan.FromMilliseconds(5));
builder.Services.AddSingleton(new RoutingTable(Console.Out));
builder.Services.AddController<Service, ProxyReconciler>(o => o.Watch<EndpointSlice>(ProxyReconciler.ServiceOf));
using var host = builder.Build();

Console.WriteLine("ServiceProxy: reconciling Services and their EndpointSlices");
await host.StartAsync();
var store = host.Services.GetRequiredService<IClusterStore>();
var informers = host.Services.GetRequiredService<InformerFactory>();
var proxy = host.Services.GetServices<IHostedService>().OfType<Controller<Service>>().Single();

async Task Step(string what, Func<Task> write)
{
    Console.WriteLine($"- {what}");
    await write();

    // Wait until the informers have seen this write and the controller has nothing left to do, so the output reads in order.
    var revision = store.Revision;
    while (informers.Informers.Any(i => i.Revision < revision) || proxy.Queue.Count + proxy.Queue.ProcessingCount > 0)
    {
        await Task.Delay(1);
    }
}

static Service Service(string ns, string name, string clusterIP, params ServicePort[] ports) => new()
{
    Metadata = new() { Namespace = ns, Name = name, Labels = StringMap.Of(("app", name)) },
    Spec = new() { ClusterIP = clusterIP, Selector = StringMap.Of(("app", name)), Ports = ports },
};

static EndpointSlice Slice(string ns, string service, string name, EndpointPort[] ports, params (string Ip, bool Ready)[] endpoints) => new()
{
    Metadata = new() { Namespace = ns, Name = name, Labels = StringMap.Of((EndpointSlice.ServiceNameLabel, service)) },
    AddressType = AddressType.IPv4,
    Ports = ports,
    Endpoints = ValueArray.From(endpoints.Select(e => new Endpoint
    {
        Addresses = [e.Ip],
        Conditions = new() { Ready = e.Ready },
        NodeName = "node-1",
    })),
};

EndpointPort[] webPorts = [new() { Name = "http", Port = 8080 }, new() { Name = "https", Port = 8443 }];

await Step("create Service shop/web with two ports, and its slice with two ready pods (one transaction)", async () =>
    await store.Transaction()
        .Then(
            TxnOperation.Create(Service("shop", "web", "10.96.0.10", new ServicePort { Name = "http", Port = 80, TargetPort = 8080 }, new ServicePort { Name = "https", Port = 443, TargetPort = 8443 })),
            TxnOperation.Create(Slice("shop", "web", "web-a1", webPorts, ("10.244.1.11", true), ("10.244.2.12", true))))
        .CommitAsync());

await Step("create Service shop/cart (no endpoints yet)", async () =>
    await store.Services.CreateAsync(Service("shop", "cart", "10.96.0.20", new ServicePort { Port = 9000, TargetPort = 9000 })));

await Step("cart's first pod comes up not ready", async () =>
    await store.EndpointSlices.CreateAsync(Slice("shop", "cart", "cart-x1", [new() { Port = 9000 }], ("10.244.1.21", false))));

await Step("cart's pod turns ready, and a second one joins", async () =>
{
    var slice = store.EndpointSlices.Get("shop", "cart-x1")!;
    await store.EndpointSlices.UpdateAsync(slice with
    {
        Endpoints = [slice.Endpoints[0] with { Conditions = new() { Ready = true } }, new Endpoint { Addresses = ["10.244.2.22"] }],
    });
});

await Step("web scales out: a second slice with one more pod", async () =>
    await store.EndpointSlices.CreateAsync(Slice("shop", "web", "web-b2", webPorts, ("10.244.3.13", true))));

await Step("a stale writer tries to update cart's slice with an old resourceVersion", async () =>
{
    var old = store.EndpointSlices.List(new ListOptions { Namespace = "shop", Revision = 3 }).Items.Single(s => s.Metadata.Name == "cart-x1");
    try
    {
        await store.EndpointSlices.UpdateAsync(old with { Endpoints = [] });
    }
    catch (ConflictException ex)
    {
        Console.WriteLine($"  rejected: {ex.Message}");
    }
});

await Step("web drops its https port", async () =>
{
    var web = store.Services.Get("shop", "web")!;
    await store.Services.UpdateAsync(web with { Spec = web.Spec with { Ports = [web.Spec.Ports[0]] } });
});

await Step("delete Service shop/cart and its slice together", async () =>
    await store.Transaction()
        .Then(TxnOperation.Delete<Service>("shop", "cart"), TxnOperation.Delete<EndpointSlice>("shop", "cart-x1"))
        .CommitAsync());

Console.WriteLine($"Final routing table at revision {store.Revision}:");
foreach (var line in host.Services.GetRequiredService<RoutingTable>().Describe())
{
    Console.WriteLine("  " + line);
}

await host.StopAsync();
