using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using ClusterState.Model;

namespace ClusterState.Benchmarks;

/// <summary>
/// One writer updating objects one at a time (validation, commit, version history, watch log, compaction), against
/// a ConcurrentDictionary replace of the same object as the peer: the cost of a bare in-memory map write. With
/// 100,000 keys, compaction's cost shows whether it follows the writes or the size of the store.
/// </summary>
[MemoryDiagnoser]
public class PointWriteBenchmarks
{
    private ClusterStore _store = null!;
    private Service[] _objects = null!;
    private ConcurrentDictionary<(string, string), Service> _map = null!;
    private int _next;

    /// <summary>How many objects the store holds; the writes cycle through them.</summary>
    [Params(1_000, 100_000)]
    public int Keys { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        (_store, _objects) = await Fixtures.StoreWith(Keys);
        _map = new ConcurrentDictionary<(string, string), Service>();
        foreach (var s in _objects)
        {
            _map[(s.Metadata.Namespace, s.Metadata.Name)] = s;
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    [Benchmark(Baseline = true, Description = "ConcurrentDictionary replace (peer)")]
    public Service DictionaryReplace()
    {
        var s = _objects[_next++ % Keys];
        return _map[(s.Metadata.Namespace, s.Metadata.Name)] = s with { Metadata = s.Metadata with { Version = s.Metadata.Version + 1 } };
    }

    [Benchmark(Description = "ClusterStore update (1 writer)")]
    public ValueTask<Service> StoreUpdate() => _store.Services.UpdateUnconditionallyAsync(_objects[_next++ % Keys]);
}
