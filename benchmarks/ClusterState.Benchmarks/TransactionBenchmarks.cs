using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using ClusterState.Model;

namespace ClusterState.Benchmarks;

/// <summary>A 10-object transaction with a compare, against ten ConcurrentDictionary replaces under a lock (the peer).</summary>
[MemoryDiagnoser]
public class TransactionBenchmarks
{
    private const int Keys = 1000;
    private ClusterStore _store = null!;
    private Service[] _objects = null!;
    private ConcurrentDictionary<(string, string), Service> _map = null!;
    private readonly Lock _lock = new();
    private int _next;

    [GlobalSetup]
    public async Task Setup()
    {
        (_store, _objects) = await Fixtures.StoreWith(Keys);
        _map = new ConcurrentDictionary<(string, string), Service>(_objects.Select(s => KeyValuePair.Create((s.Metadata.Namespace, s.Metadata.Name), s)));
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    [Benchmark(Baseline = true, Description = "10 ConcurrentDictionary replaces under a lock (peer)")]
    public void DictionaryBatch()
    {
        var start = (_next += 10) % Keys;
        lock (_lock)
        {
            for (var i = 0; i < 10; i++)
            {
                var s = _objects[(start + i) % Keys];
                _map[(s.Metadata.Namespace, s.Metadata.Name)] = s with { Metadata = s.Metadata with { Version = s.Metadata.Version + 1 } };
            }
        }
    }

    [Benchmark(Description = "ClusterStore 10-object transaction")]
    public ValueTask<TxnResult> StoreTransaction()
    {
        var start = (_next += 10) % Keys;
        var operations = new TxnOperation[10];
        for (var i = 0; i < 10; i++)
        {
            operations[i] = TxnOperation.UpdateUnconditionally(_objects[(start + i) % Keys]);
        }

        var first = _objects[start];
        return _store.Transaction()
            .If(Compare.Exists<Service>(first.Metadata.Namespace, first.Metadata.Name))
            .Then(operations)
            .CommitAsync();
    }
}
