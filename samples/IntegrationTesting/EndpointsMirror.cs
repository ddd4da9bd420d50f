using ClusterState;
using ClusterState.Controllers;
using ClusterState.Model;

namespace IntegrationTesting;

/// <summary>
/// The code under test: a reconciler that keeps a legacy Endpoints object for every Service, mirrored from the
/// Service's EndpointSlices (ready endpoints as addresses, others as not-ready addresses). The toolkit's controller
/// calls it for each Service that changed, or whose slices changed, one Service at a time, retrying on failure.
/// </summary>
public sealed class EndpointsMirror(IClusterStore store, InformerFactory informers) : IReconciler<Service>
{
    /// <summary>The controller's options: a change of a slice wakes the Service it belongs to.</summary>
    public static void Configure(ControllerOptions<Service> options) =>
        options.Watch<EndpointSlice>(s => s.ServiceName is { } name ? [new ObjectKey(s.Metadata.Namespace, name)] : []);

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, Service? service, CancellationToken cancellationToken)
    {
        if (service is null)
        {
            try
            {
                await store.Endpoints.DeleteAsync(key.Namespace, key.Name, cancellationToken: cancellationToken);
            }
            catch (NotFoundException)
            {
            }

            return ReconcileResult.Done;
        }

        var slices = informers.For<EndpointSlice>().List(key.Namespace, LabelSelector.Parse($"{EndpointSlice.ServiceNameLabel}={key.Name}"));
        var subsets = slices
            .Where(s => s.Endpoints.Count > 0 && s.Ports.Count > 0)
            .OrderBy(s => s.Metadata.Name, StringComparer.Ordinal)
            .Select(s => new EndpointSubset
            {
                Addresses = ValueArray.From(s.Endpoints.Where(e => e.Conditions.IsReady).Select(e => new EndpointAddress { IP = e.Addresses[0], NodeName = e.NodeName })),
                NotReadyAddresses = ValueArray.From(s.Endpoints.Where(e => !e.Conditions.IsReady).Select(e => new EndpointAddress { IP = e.Addresses[0], NodeName = e.NodeName })),
                Ports = s.Ports,
            });
        await store.Endpoints.CreateOrUpdateAsync(
            new Endpoints { Metadata = new() { Namespace = key.Namespace, Name = key.Name }, Subsets = ValueArray.From(subsets) },
            cancellationToken: cancellationToken);
        return ReconcileResult.Done;
    }
}
