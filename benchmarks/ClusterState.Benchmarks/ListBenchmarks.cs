using BenchmarkDotNet.Attributes;
using ClusterState.Model;

namespace ClusterState.Benchmarks;

/// <summary>A consistent list of 10,000 Services, against copying 10,000 references out of an array (the floor for any list).</summary>
[MemoryDiagnoser]
public class ListBenchmarks
{
    private const int Count = 10_000;
    private ClusterStore _store = null!;
    private Service[] _array = null!;
    private LabelSelector _front = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        (_store, _array) = await Fixtures.StoreWith(Count);
        _front = LabelSelector.Parse("tier=front");
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    [Benchmark(Baseline = true, Description = "copy 10,000 references (peer)")]
    public List<Service> CopyArray() => [.. _array];

    [Benchmark(Description = "ClusterStore list 10,000 (latest)")]
    public int ListAll() => _store.Services.List().Items.Count;

    [Benchmark(Description = "ClusterStore list 10,000 at a revision")]
    public int ListAtRevision() => _store.Services.List(new ListOptions { Revision = Count }).Items.Count;

    [Benchmark(Description = "ClusterStore list, label selector (5,000 match)")]
    public int ListSelected() => _store.Services.List(new ListOptions { LabelSelector = _front }).Items.Count;
}
