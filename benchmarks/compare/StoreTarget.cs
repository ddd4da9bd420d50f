using System.Collections.Concurrent;
using ClusterState.Model;

namespace ClusterState.Comparison;

/// <summary>
/// A ClusterState store in this process: a single store (its reads are local and consistent), or the leader of
/// a Raft group (its reads go through ReadIndex first, as etcd's linearizable reads do).
/// </summary>
internal sealed class StoreTarget(ClusterStore store, bool linearizableReads) : ICompareTarget
{
    private readonly ConcurrentDictionary<string, Service[]> _objects = new();

    public async Task PrepareAsync(string ns, int count, CancellationToken cancellationToken)
    {
        var objects = Enumerable.Range(0, count).Select(i => Objects.Service(ns, i)).ToArray();
        _objects[ns] = objects;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (i, ct) =>
            await store.Services.CreateAsync(objects[i], ct));
    }

    public Task WriteAsync(string ns, int i)
    {
        var objects = _objects[ns];
        return store.Services.UpdateUnconditionallyAsync(objects[i % objects.Length]).AsTask();
    }

    public async Task ReadAsync(string ns, int i)
    {
        if (linearizableReads)
        {
            await store.SyncAsync();
        }

        if (store.Services.Get(ns, Objects.Name(i % _objects[ns].Length)) is null)
        {
            throw new InvalidOperationException("a prepared Service is missing");
        }
    }

    public Task<int> ListAsync(string ns) => Task.FromResult(store.Services.List(new ListOptions { Namespace = ns }).Items.Count);
}
