using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using ClusterState.Model;

namespace ClusterState.Benchmarks;

/// <summary>
/// Watch fan-out: N subscribers each receiving every one of the writes of an invocation, measured from the first
/// write until the last subscriber has its last event. Reported per delivered event.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class WatchFanOutBenchmarks
{
    private ClusterStore _store = null!;
    private List<IDisposable> _subscriptions = null!;
    private Counter _counter = null!;
    private Service _service = null!;

    [Params(1, 100, 1000)]
    public int Subscribers { get; set; }

    /// <summary>Writes per invocation; every subscriber receives each one.</summary>
    [Params(10_000, 100_000)]
    public int Events { get; set; }

    [IterationSetup]
    public void Setup()
    {
        _store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = null });
        _service = _store.Services.CreateAsync(Fixtures.Service(0)).AsTask().GetAwaiter().GetResult();
        _counter = new Counter(Subscribers * Events);
        _subscriptions = [.. Enumerable.Range(0, Subscribers).Select(_ => _store.Services.Watch().Subscribe(_counter))];
    }

    [IterationCleanup]
    public void Cleanup()
    {
        _subscriptions.ForEach(s => s.Dispose());
        _store.Dispose();
    }

    [Benchmark(Description = "events delivered to every subscriber")]
    public async Task FanOut()
    {
        var svc = _service;
        for (var i = 0; i < Events; i++)
        {
            svc = await _store.Services.UpdateAsync(svc);
        }

        await _counter.Done.Task.WaitAsync(TimeSpan.FromMinutes(5));
    }

    private sealed class Counter(long expected) : IObserver<WatchEvent<Service>>
    {
        private long _received;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnCompleted()
        {
        }

        public void OnError(Exception error) => Done.TrySetException(error);

        public void OnNext(WatchEvent<Service> value)
        {
            if (Interlocked.Increment(ref _received) == expected)
            {
                Done.TrySetResult();
            }
        }
    }
}
