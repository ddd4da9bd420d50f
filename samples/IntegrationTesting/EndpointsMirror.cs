using ClusterState;
using ClusterState.Model;

namespace IntegrationTesting;

/// <summary>
/// The code under test: a small controller that keeps a legacy Endpoints object for every Service, mirrored from
/// the Service's EndpointSlices (ready endpoints as addresses, others as not-ready addresses). It reconciles one
/// Service at a time and writes with optimistic concurrency, retrying on conflicts, as real controllers do.
/// </summary>
public sealed class EndpointsMirror(IClusterStore store)
{
    /// <summary>Follows every change and reconciles the Services it touches, until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var start = store.Revision + 1;
        foreach (var service in store.Services.List().Items)
        {
            await ReconcileAsync(service.Metadata.Namespace, service.Metadata.Name, cancellationToken);
        }

        await foreach (var change in store.WatchAsync(new WatchOptions { StartRevision = start }, cancellationToken))
        {
            (string Namespace, string? Name) target = change.Object switch
            {
                Service s => (s.Metadata.Namespace, s.Metadata.Name),
                EndpointSlice { ServiceName: { } name } slice => (slice.Metadata.Namespace, name),
                _ => (string.Empty, null),
            };
            if (target.Name is not null)
            {
                await ReconcileAsync(target.Namespace, target.Name, cancellationToken);
            }
        }
    }

    /// <summary>Brings the Endpoints of one Service in line with its slices.</summary>
    public async Task ReconcileAsync(string ns, string name, CancellationToken cancellationToken)
    {
        while (true)
        {
            var service = store.Services.Get(ns, name);
            var existing = store.Endpoints.Get(ns, name);
            try
            {
                if (service is null)
                {
                    if (existing is not null)
                    {
                        await store.Endpoints.DeleteAsync(ns, name, existing.Metadata.ResourceVersion, cancellationToken);
                    }

                    return;
                }

                var desired = Desired(service);
                if (existing is null)
                {
                    await store.Endpoints.CreateAsync(desired, cancellationToken);
                }
                else if (existing.Subsets != desired.Subsets)
                {
                    await store.Endpoints.UpdateAsync(existing with { Subsets = desired.Subsets }, cancellationToken);
                }

                return;
            }
            catch (Exception ex) when (ex is ConflictException or AlreadyExistsException or NotFoundException)
            {
                // Someone else wrote in between: read again and retry.
            }
        }
    }

    private Endpoints Desired(Service service)
    {
        var slices = store.EndpointSlices.List(new ListOptions
        {
            Namespace = service.Metadata.Namespace,
            LabelSelector = LabelSelector.Parse($"{EndpointSlice.ServiceNameLabel}={service.Metadata.Name}"),
        }).Items;
        var subsets = slices
            .Where(s => s.Endpoints.Count > 0 && s.Ports.Count > 0)
            .Select(s => new EndpointSubset
            {
                Addresses = ValueArray.From(s.Endpoints.Where(e => e.Conditions.IsReady).Select(e => new EndpointAddress { IP = e.Addresses[0], NodeName = e.NodeName })),
                NotReadyAddresses = ValueArray.From(s.Endpoints.Where(e => !e.Conditions.IsReady).Select(e => new EndpointAddress { IP = e.Addresses[0], NodeName = e.NodeName })),
                Ports = s.Ports,
            });
        return new Endpoints
        {
            Metadata = new() { Namespace = service.Metadata.Namespace, Name = service.Metadata.Name },
            Subsets = ValueArray.From(subsets),
        };
    }
}
