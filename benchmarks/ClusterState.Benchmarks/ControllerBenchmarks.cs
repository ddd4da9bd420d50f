using System.Collections.Concurrent;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using ClusterState.Controllers;
using ClusterState.Model;

namespace ClusterState.Benchmarks;

/// <summary>
/// The informer's cache update per watch event, beside the plain ConcurrentDictionary a hand-written cache would use:
/// 10,000 events (1,000 objects, each added then modified nine times), applied as the informer's loop applies them.
/// </summary>
[MemoryDiagnoser]
public class InformerCacheBenchmarks
{
    private const int Objects = 1_000;
    private const int Versions = 10;
    private const int Events = Objects * Versions;

    private WatchEvent<Service>[] _events = null!;
    private ClusterStore _store = null!;
    private Informer<Service> _informer = null!;
    private Informer<Service> _indexedInformer = null!;
    private WorkQueue<ObjectKey> _queue = null!;
    private ConcurrentDictionary<(string, string), Service> _dictionary = null!;
    private ConcurrentDictionary<(string, string), byte> _pending = null!;
    private ConcurrentDictionary<string, ConcurrentDictionary<(string, string), Service>> _byApp = null!;
    private Channel<(string, string)> _channel = null!;

    [GlobalSetup]
    public void Setup()
    {
        _events = new WatchEvent<Service>[Events];
        var revision = 0L;
        for (var v = 0; v < Versions; v++)
        {
            for (var i = 0; i < Objects; i++)
            {
                var service = Fixtures.Service(i);
                revision++;
                var obj = service with { Metadata = service.Metadata with { ResourceVersion = revision, Labels = StringMap.Of(("app", $"a{i % 10}"), ("v", $"{v}")) } };
                _events[(v * Objects) + i] = new WatchEvent<Service>(v == 0 ? WatchEventType.Added : WatchEventType.Modified, revision, obj, null, true);
            }
        }

        _store = new ClusterStore();
        _informer = new Informer<Service>(_store);
        _indexedInformer = new Informer<Service>(_store);
        _indexedInformer.AddIndex("app", InformerIndexes.ByLabel("app"));
        _queue = new WorkQueue<ObjectKey>(new WorkQueueOptions { RetryRate = double.PositiveInfinity });
        _indexedInformer.AddHandler(onAdd: o => _queue.Add(ObjectKey.Of(o)), onUpdate: (_, o) => _queue.Add(ObjectKey.Of(o)), onDelete: o => _queue.Add(ObjectKey.Of(o)));
        _dictionary = new();
        _pending = new();
        _byApp = new();
        _channel = Channel.CreateUnbounded<(string, string)>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _queue.Dispose();
        _store.Dispose();
    }

    /// <summary>The hand-written cache: one dictionary write per event.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public void ConcurrentDictionary()
    {
        foreach (var e in _events)
        {
            _dictionary[(e.Object!.Metadata.Namespace, e.Object.Metadata.Name)] = e.Object;
        }
    }

    /// <summary>The informer's cache, no index, no handler.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public void Informer()
    {
        foreach (var e in _events)
        {
            _informer.Apply(e);
        }
    }

    /// <summary>The hand-written pipeline: the dictionary, a label index of one's own, and a deduplicated channel of keys.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public void DictionaryIndexAndChannel()
    {
        foreach (var e in _events)
        {
            var obj = e.Object!;
            var key = (obj.Metadata.Namespace, obj.Metadata.Name);
            var app = obj.Metadata.Labels["app"];
            if (_dictionary.TryGetValue(key, out var old) && old.Metadata.Labels["app"] is var oldApp && oldApp != app)
            {
                _byApp[oldApp].TryRemove(key, out _);
            }

            _dictionary[key] = obj;
            _byApp.GetOrAdd(app, static _ => new())[key] = obj;
            if (_pending.TryAdd(key, (byte)0))
            {
                _channel.Writer.TryWrite(key);
            }
        }

        while (_channel.Reader.TryRead(out var key))
        {
            _pending.TryRemove(key, out _);
        }
    }

    /// <summary>The informer with a label index and a handler that queues each key on a work queue (drained after).</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public void InformerIndexAndWorkQueue()
    {
        foreach (var e in _events)
        {
            _indexedInformer.Apply(e);
        }

        while (_queue.TryTake(out var key))
        {
            _queue.Done(key);
        }
    }
}

/// <summary>
/// Work queue throughput: 100,000 adds of 10,000 distinct keys from one producer, taken and finished by N workers,
/// beside a plain Channel with a ConcurrentDictionary for dedup (which, unlike the queue, does not keep one key from
/// two workers at once). Reported per add.
/// </summary>
[MemoryDiagnoser]
public class WorkQueueBenchmarks
{
    private const int Adds = 100_000;
    private const int Keys = 10_000;

    [Params(1, 4)]
    public int Workers { get; set; }

    [Benchmark(Baseline = true, OperationsPerInvoke = Adds)]
    public async Task ChannelWithDedup()
    {
        var channel = Channel.CreateUnbounded<int>();
        var pending = new ConcurrentDictionary<int, byte>();
        var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            await foreach (var key in channel.Reader.ReadAllAsync())
            {
                pending.TryRemove(key, out byte _);
            }
        })).ToArray();
        for (var i = 0; i < Adds; i++)
        {
            var key = i % Keys;
            if (pending.TryAdd(key, (byte)0))
            {
                channel.Writer.TryWrite(key);
            }
        }

        channel.Writer.Complete();
        await Task.WhenAll(workers);
    }

    [Benchmark(OperationsPerInvoke = Adds)]
    public async Task WorkQueue()
    {
        using var queue = new WorkQueue<int>(new WorkQueueOptions { RetryRate = double.PositiveInfinity });
        var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            while (await queue.WaitToTakeAsync())
            {
                if (queue.TryTake(out var key))
                {
                    queue.Done(key);
                }
            }
        })).ToArray();
        for (var i = 0; i < Adds; i++)
        {
            queue.Add(i % Keys);
        }

        await queue.ShutDownAsync();
        await Task.WhenAll(workers);
    }
}
