using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using ClusterState.Model;

namespace ClusterState.Benchmarks;

/// <summary>
/// One writer updating objects one at a time (validation, commit, version history, watch log), against a
/// ConcurrentDictionary replace of the same object as the peer: the cost of a bare in-memory map write.
/// </summary>
[MemoryDiagnoser]
public class PointWriteBenchmarks
{
    private const int Keys = 1000;
    private ClusterStore _store = null!;
    private Service[] _objects = null!;
    private ConcurrentDictionary<(string, string), Service> _map = null!;
    private int _next;

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
