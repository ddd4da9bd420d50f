using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using ClusterState.Model;

namespace ClusterState.Benchmarks;

/// <summary>Point reads of one of 10,000 objects, at the latest revision and at a past one, against a ConcurrentDictionary lookup.</summary>
[MemoryDiagnoser]
public class PointReadBenchmarks
{
    private const int Keys = 10_000;
    private const int Batch = 1000;
    private ClusterStore _store = null!;
    private (string Ns, string Name)[] _keys = null!;
    private ConcurrentDictionary<(string, string), Service> _map = null!;
    private long _pastRevision;

    [GlobalSetup]
    public async Task Setup()
    {
        Service[] stored;
        (_store, stored) = await Fixtures.StoreWith(Keys);
        _pastRevision = _store.Revision;
        foreach (var s in stored.Take(Keys / 2))
        {
            await _store.Services.UpdateUnconditionallyAsync(s);
        }

        _keys = stored.Select(s => (s.Metadata.Namespace, s.Metadata.Name)).OrderBy(_ => Random.Shared.Next()).ToArray();
        _map = new ConcurrentDictionary<(string, string), Service>(stored.Select(s => KeyValuePair.Create((s.Metadata.Namespace, s.Metadata.Name), s)));
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch, Description = "ConcurrentDictionary lookup (peer)")]
    public int DictionaryLookup()
    {
        var found = 0;
        for (var i = 0; i < Batch; i++)
        {
            if (_map.TryGetValue(_keys[i], out _))
            {
                found++;
            }
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "ClusterStore get (latest)")]
    public int StoreGetLatest()
    {
        var found = 0;
        var services = _store.Services;
        for (var i = 0; i < Batch; i++)
        {
            if (services.Get(_keys[i].Ns, _keys[i].Name) is not null)
            {
                found++;
            }
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "ClusterStore get (past revision)")]
    public int StoreGetPast()
    {
        var found = 0;
        var services = _store.Services;
        for (var i = 0; i < Batch; i++)
        {
            if (services.Get(_keys[i].Ns, _keys[i].Name, _pastRevision) is not null)
            {
                found++;
            }
        }

        return found;
    }
}
