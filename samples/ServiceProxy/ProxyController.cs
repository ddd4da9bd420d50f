using ClusterState;
using ClusterState.Model;

namespace ServiceProxy;

/// <summary>
/// A kube-proxy-like controller: lists Services and EndpointSlices at one revision, then watches every change
/// after it, keeps a cache of both kinds, and rebuilds its routing table once per committed batch (so a
/// transaction that changes a Service and its slices together is applied at once), printing what changed.
/// </summary>
internal sealed class ProxyController(IClusterStore store, TextWriter output)
{
    private readonly Dictionary<(string, string), Service> _services = [];
    private readonly Dictionary<(string, string), EndpointSlice> _slices = [];
    private SortedDictionary<string, (Frontend Frontend, string Service, string[] Backends)> _table = new(StringComparer.Ordinal);

    private long _syncedRevision;

    /// <summary>The revision the routing table reflects (read from any thread).</summary>
    public long SyncedRevision => Volatile.Read(ref _syncedRevision);

    /// <summary>Runs until cancelled. On a compacted watch it re-lists, as a Kubernetes informer does.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var start = Relist();
            try
            {
                await foreach (var change in store.WatchAsync(new WatchOptions { StartRevision = start }, cancellationToken))
                {
                    Apply(change);
                    if (change.IsLastInBatch)
                    {
                        Publish(change.Revision);
                    }
                }
            }
            catch (RevisionCompactedException ex)
            {
                output.WriteLine($"watch fell behind compaction ({ex.Message}); re-listing");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Loads both kinds at one revision and returns where the watch continues.</summary>
    private long Relist()
    {
        var services = store.Services.List();
        var slices = store.EndpointSlices.List(new ListOptions { Revision = services.Revision });
        _services.Clear();
        _slices.Clear();
        foreach (var s in services.Items)
        {
            _services[(s.Metadata.Namespace, s.Metadata.Name)] = s;
        }

        foreach (var s in slices.Items)
        {
            _slices[(s.Metadata.Namespace, s.Metadata.Name)] = s;
        }

        Publish(services.Revision);
        return services.Revision + 1;
    }

    private void Apply(WatchEvent<ClusterObject> change)
    {
        switch (change.Object)
        {
            case Service service:
                Update(_services, service, change.Type);
                break;
            case EndpointSlice slice:
                Update(_slices, slice, change.Type);
                break;
        }
    }

    private static void Update<T>(Dictionary<(string, string), T> cache, T obj, WatchEventType type)
        where T : ClusterObject
    {
        var key = (obj.Metadata.Namespace, obj.Metadata.Name);
        if (type == WatchEventType.Deleted)
        {
            cache.Remove(key);
        }
        else
        {
            cache[key] = obj;
        }
    }

    private void Publish(long revision)
    {
        var next = RoutingTable.Build(_services.Values, _slices.Values);
        foreach (var (key, entry) in next)
        {
            if (!_table.TryGetValue(key, out var old))
            {
                output.WriteLine($"  rev {revision,3}  + {key,-22} {entry.Service,-16} -> {Format(entry.Backends)}");
            }
            else if (!old.Backends.SequenceEqual(entry.Backends))
            {
                output.WriteLine($"  rev {revision,3}  ~ {key,-22} {entry.Service,-16} -> {Format(entry.Backends)}");
            }
        }

        foreach (var (key, entry) in _table)
        {
            if (!next.ContainsKey(key))
            {
                output.WriteLine($"  rev {revision,3}  - {key,-22} {entry.Service,-16}");
            }
        }

        _table = next;
        Volatile.Write(ref _syncedRevision, revision);
    }

    private static string Format(string[] backends) => backends.Length == 0 ? "(no ready backends)" : string.Join(", ", backends);

    /// <summary>The current table, one line per frontend.</summary>
    public IEnumerable<string> Describe() =>
        _table.Select(e => $"{e.Key,-22} {e.Value.Service,-16} -> {Format(e.Value.Backends)}");
}
