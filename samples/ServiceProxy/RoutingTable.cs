using ClusterState.Model;

namespace ServiceProxy;

/// <summary>A virtual endpoint: a Service's cluster IP, port and protocol.</summary>
internal readonly record struct Frontend(string ClusterIP, int Port, Protocol Protocol)
{
    public override string ToString() => $"{ClusterIP}:{Port}/{Protocol}";
}

/// <summary>
/// What kube-proxy programs: for every Service port, the ready backends (pod IP and target port) from the Service's
/// EndpointSlices. Each Service's entries are replaced whole by its reconcile, which prints what changed.
/// </summary>
internal sealed class RoutingTable(TextWriter output)
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, (string Service, string[] Backends)> _entries = new(StringComparer.Ordinal);

    /// <summary>The entries of one Service's ports, from the Service and its slices (none for a Service without a cluster IP).</summary>
    public static List<(Frontend Frontend, string[] Backends)> Entries(Service service, IEnumerable<EndpointSlice> slices)
    {
        var entries = new List<(Frontend, string[])>();
        if (service.IsHeadless || string.IsNullOrEmpty(service.Spec.ClusterIP) || service.Spec.Type == ServiceType.ExternalName)
        {
            return entries;
        }

        foreach (var port in service.Spec.Ports)
        {
            // The slice port that serves this Service port has the same name (both empty for a single port).
            var backends = slices
                .Select(s => (Slice: s, Port: s.Ports.FirstOrDefault(p => (p.Name ?? string.Empty) == (port.Name ?? string.Empty) && p.Protocol == port.Protocol)?.Port))
                .Where(s => s.Port is not null)
                .SelectMany(s => s.Slice.Endpoints.Where(e => e.Conditions.IsReady && e.Addresses.Count > 0).Select(e => $"{e.Addresses[0]}:{s.Port}"))
                .Order(StringComparer.Ordinal)
                .Distinct();
            entries.Add((new Frontend(service.Spec.ClusterIP, port.Port, port.Protocol), [.. backends]));
        }

        return entries;
    }

    /// <summary>Replaces the entries of <paramref name="service"/> with <paramref name="entries"/>, printing the differences.</summary>
    public void Replace(string service, IEnumerable<(Frontend Frontend, string[] Backends)> entries, long revision)
    {
        var next = entries.ToDictionary(e => e.Frontend.ToString(), e => e.Backends, StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var (frontend, backends) in next)
            {
                var sign = !_entries.TryGetValue(frontend, out var old) ? "+" : old.Backends.SequenceEqual(backends) ? null : "~";
                if (sign is not null)
                {
                    output.WriteLine($"  rev {revision,3}  {sign} {frontend,-22} {service,-16} -> {Format(backends)}");
                }

                _entries[frontend] = (service, backends);
            }

            foreach (var (frontend, entry) in _entries.Where(e => e.Value.Service == service && !next.ContainsKey(e.Key)).ToList())
            {
                output.WriteLine($"  rev {revision,3}  - {frontend,-22} {entry.Service,-16}");
                _entries.Remove(frontend);
            }
        }
    }

    /// <summary>The current table, one line per frontend.</summary>
    public IReadOnlyList<string> Describe()
    {
        lock (_gate)
        {
            return [.. _entries.Select(e => $"{e.Key,-22} {e.Value.Service,-16} -> {Format(e.Value.Backends)}")];
        }
    }

    private static string Format(string[] backends) => backends.Length == 0 ? "(no ready backends)" : string.Join(", ", backends);
}
