using ClusterState.Kinds;
using BenchmarkDotNet.Attributes;
using ClusterState.Model;
using ClusterState.Validation;

namespace ClusterState.Benchmarks;

/// <summary>Where a write's time goes: validation (on the caller's thread) against the whole update.</summary>
[MemoryDiagnoser]
public class WritePathBenchmarks
{
    private ClusterStore _store = null!;
    private Service _service = null!;

    /// <summary>Revisions of history kept; every retained version lives on the managed heap.</summary>
    [Params(1_000L, 10_000L, 100_000L)]
    public long Retention { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = Retention });
        _service = await _store.Services.CreateAsync(Fixtures.Service(1));
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    [Benchmark(Baseline = true, Description = "whole update")]
    public ValueTask<Service> Update() => _store.Services.UpdateUnconditionallyAsync(_service);

    [Benchmark(Description = "validation only")]
    public long Validate() => ObjectValidator.Validate(_service, ClusterStoreOptions.DefaultMaxObjectBytes, KindRegistry.BuiltIn);
}
