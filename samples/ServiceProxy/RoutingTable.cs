using ClusterState.Model;

namespace ServiceProxy;

/// <summary>A virtual endpoint: a Service's cluster IP, port and protocol.</summary>
internal readonly record struct Frontend(string ClusterIP, int Port, Protocol Protocol)
{
    public override string ToString() => $"{ClusterIP}:{Port}/{Protocol}";
}

/// <summary>
/// What kube-proxy programs: for every Service port, the ready backends (pod IP and target port) from the
/// Service's EndpointSlices. Rebuilt from the proxy's cache of Services and slices.
/// </summary>
internal static class RoutingTable
{
    public static SortedDictionary<string, (Frontend Frontend, string Service, string[] Backends)> Build(
        IEnumerable<Service> services, IEnumerable<EndpointSlice> slices)
    {
        var slicesByService = slices
            .Where(s => s.ServiceName is not null)
            .ToLookup(s => (s.Metadata.Namespace, s.ServiceName!));
        var table = new SortedDictionary<string, (Frontend, string, string[])>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            if (service.IsHeadless || string.IsNullOrEmpty(service.Spec.ClusterIP) || service.Spec.Type == ServiceType.ExternalName)
            {
                continue;
            }

            var owned = slicesByService[(service.Metadata.Namespace, service.Metadata.Name)].ToList();
            foreach (var port in service.Spec.Ports)
            {
                var frontend = new Frontend(service.Spec.ClusterIP, port.Port, port.Protocol);
                var backends = new SortedSet<string>(StringComparer.Ordinal);
                foreach (var slice in owned)
                {
                    // The slice port that serves this Service port has the same name (both empty for a single port).
                    var slicePort = slice.Ports.FirstOrDefault(p => (p.Name ?? string.Empty) == (port.Name ?? string.Empty) && p.Protocol == port.Protocol);
                    if (slicePort?.Port is not { } targetPort)
                    {
                        continue;
                    }

                    foreach (var endpoint in slice.Endpoints)
                    {
                        if (endpoint.Conditions.IsReady && endpoint.Addresses.Count > 0)
                        {
                            backends.Add($"{endpoint.Addresses[0]}:{targetPort}");
                        }
                    }
                }

                table[frontend.ToString()] = (frontend, $"{service.Metadata.Namespace}/{service.Metadata.Name}", [.. backends]);
            }
        }

        return table;
    }
}
