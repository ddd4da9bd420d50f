using ClusterState.Controllers;
using ClusterState.Model;

namespace ServiceProxy;

/// <summary>
/// The proxy's reconcile: one Service's routing entries, rebuilt from the shared informers' caches (the Service, and
/// its EndpointSlices found through an index by service name) whenever the Service or one of its slices changes.
/// </summary>
internal sealed class ProxyReconciler : IReconciler<Service>
{
    private const string ByService = "service";
    private readonly Informer<Service> _services;
    private readonly Informer<EndpointSlice> _slices;
    private readonly RoutingTable _table;

    public ProxyReconciler(InformerFactory informers, RoutingTable table)
    {
        _services = informers.For<Service>();
        _slices = informers.For<EndpointSlice>();
        _slices.AddIndex(ByService, s => s.ServiceName is { } name ? [new ObjectKey(s.Metadata.Namespace, name).ToString()] : []);
        _table = table;
    }

    /// <summary>The keys of the Services a slice belongs to: what wakes the controller when a slice changes.</summary>
    public static IEnumerable<ObjectKey> ServiceOf(EndpointSlice slice) =>
        slice.ServiceName is { } name ? [new ObjectKey(slice.Metadata.Namespace, name)] : [];

    public Task<ReconcileResult> ReconcileAsync(ObjectKey key, Service? current, CancellationToken cancellationToken)
    {
        var slices = _slices.ByIndex(ByService, key.ToString());
        var entries = current is null ? [] : RoutingTable.Entries(current, slices);
        _table.Replace(key.ToString(), entries, Math.Max(_services.Revision, _slices.Revision));
        return Task.FromResult(ReconcileResult.Done);
    }
}
