using ClusterState;
using ClusterState.Controllers;
using ClusterState.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IntegrationTesting;

/// <summary>
/// How to test a controller against an embedded store: a fresh in-memory store per test (it is ready as soon as it
/// is constructed), the controller running on it in the background, and assertions that wait on the store's watch
/// for the state the controller should reach (<c>WaitForAsync</c>), instead of sleeping.
/// </summary>
public sealed class EndpointsMirrorTests
{
    private ClusterStore _store = null!;
    private InformerFactory _informers = null!;
    private Controller<Service> _controller = null!;

    [SetUp]
    public async Task StartStoreAndController()
    {
        _store = new ClusterStore();
        _informers = new InformerFactory(_store);
        var options = new ControllerOptions<Service>();
        EndpointsMirror.Configure(options);
        _controller = new Controller<Service>(_informers, new EndpointsMirror(_store, _informers), options);
        await _controller.StartAsync(CancellationToken.None);
    }

    [TearDown]
    public async Task StopController()
    {
        await _controller.StopAsync(CancellationToken.None);
        _controller.Dispose();
        await _informers.DisposeAsync();
        _store.Dispose();
    }

    [Test]
    public async Task Mirrors_ready_and_not_ready_endpoints_of_a_service()
    {
        await _store.Services.CreateAsync(Web());
        await _store.EndpointSlices.CreateAsync(WebSlice(("10.244.0.5", true), ("10.244.0.6", false)));

        var endpoints = await Eventually(_store.Endpoints, "default", "web", e => e.Subsets.Count == 1);
        Assert.That(endpoints.Subsets[0].Addresses.Single().IP, Is.EqualTo("10.244.0.5"));
        Assert.That(endpoints.Subsets[0].NotReadyAddresses.Single().IP, Is.EqualTo("10.244.0.6"));
    }

    [Test]
    public async Task Follows_a_pod_turning_ready()
    {
        await _store.Services.CreateAsync(Web());
        var slice = await _store.EndpointSlices.CreateAsync(WebSlice(("10.244.0.6", false)));
        await Eventually(_store.Endpoints, "default", "web", e => e.Subsets.Count == 1);

        await _store.EndpointSlices.UpdateAsync(slice with { Endpoints = [slice.Endpoints[0] with { Conditions = new() { Ready = true } }] });
        var endpoints = await Eventually(_store.Endpoints, "default", "web", e => e.Subsets[0].Addresses.Count == 1);
        Assert.That(endpoints.Subsets[0].NotReadyAddresses, Is.Empty);
    }

    [Test]
    public async Task Removes_the_endpoints_when_the_service_goes()
    {
        await _store.Services.CreateAsync(Web());
        await Eventually(_store.Endpoints, "default", "web", _ => true);
        await _store.Services.DeleteAsync("default", "web");
        await EventuallyGone(_store.Endpoints, "default", "web");
        Assert.That(_store.Endpoints.List().Items, Is.Empty);
    }

    [Test]
    public async Task The_same_controller_runs_in_a_generic_host()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddClusterState(o => o.HistoryRetention = 1_000);
        builder.Services.AddController<Service, EndpointsMirror>(EndpointsMirror.Configure);
        using var host = builder.Build();
        await host.StartAsync();

        var store = host.Services.GetRequiredService<IClusterStore>();
        await store.Services.CreateAsync(Web());
        await Eventually(store.Endpoints, "default", "web", _ => true);
        await host.StopAsync();
    }

    /// <summary>Waits, on a watch rather than by polling, until the object exists and satisfies the condition.</summary>
    private static async Task<T> Eventually<T>(IResourceCollection<T> collection, string ns, string name, Func<T, bool> condition)
        where T : ClusterObject
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return (await collection.WaitForAsync(ns, name, o => o is not null && condition(o), timeout.Token))!;
    }

    private static async Task EventuallyGone<T>(IResourceCollection<T> collection, string ns, string name)
        where T : ClusterObject
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await collection.WaitForAsync(ns, name, o => o is null, timeout.Token);
    }

    private static Service Web() => new()
    {
        Metadata = new() { Namespace = "default", Name = "web" },
        Spec = new() { ClusterIP = "10.96.0.10", Selector = StringMap.Of(("app", "web")), Ports = [new ServicePort { Name = "http", Port = 80, TargetPort = 8080 }] },
    };

    private static EndpointSlice WebSlice(params (string Ip, bool Ready)[] endpoints) => new()
    {
        Metadata = new() { Namespace = "default", Name = "web-1", Labels = StringMap.Of((EndpointSlice.ServiceNameLabel, "web")) },
        AddressType = AddressType.IPv4,
        Ports = [new EndpointPort { Name = "http", Port = 8080 }],
        Endpoints = ValueArray.From(endpoints.Select(e => new Endpoint { Addresses = [e.Ip], Conditions = new() { Ready = e.Ready } })),
    };
}
