using System.Collections.Concurrent;
using ClusterState.Etcd;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Net.Client;

namespace ClusterState.Comparison;

/// <summary>
/// etcd through the official gRPC API (the dotnet-etcd package's generated clients), over several HTTP/2
/// connections so that concurrent clients are not serialized on one; reads are etcd's default, linearizable.
/// </summary>
internal sealed class EtcdTarget : ICompareTarget, IDisposable
{
    private readonly GrpcChannel[] _channels;
    private readonly KV.KVClient[] _clients;
    private readonly ConcurrentDictionary<string, ByteString[]> _values = new();
    private int _next;

    public EtcdTarget(int clientPort, int connections)
    {
        _channels = [.. Enumerable.Range(0, connections).Select(_ => EtcdProcess.OpenChannel(clientPort))];
        _clients = [.. _channels.Select(c => new KV.KVClient(c))];
    }

    public KV.KVClient Client => _clients[(int)((uint)Interlocked.Increment(ref _next) % (uint)_clients.Length)];

    public async Task PrepareAsync(string ns, int count, CancellationToken cancellationToken)
    {
        var values = Enumerable.Range(0, count).Select(i => ByteString.CopyFrom(Objects.Json(Objects.Service(ns, i)))).ToArray();
        _values[ns] = values;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (i, ct) =>
            await Client.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8(Objects.Key(ns, i)), Value = values[i] }, cancellationToken: ct));
    }

    public Task WriteAsync(string ns, int i)
    {
        var values = _values[ns];
        return Client.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8(Objects.Key(ns, i % values.Length)), Value = values[i % values.Length] }).ResponseAsync;
    }

    public async Task ReadAsync(string ns, int i)
    {
        var response = await Client.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(Objects.Key(ns, i % _values[ns].Length)) });
        if (response.Kvs.Count != 1)
        {
            throw new InvalidOperationException($"etcd returned {response.Kvs.Count} values for one key");
        }
    }

    public async Task<int> ListAsync(string ns)
    {
        var (start, end) = Objects.Range(ns);
        var response = await Client.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(start), RangeEnd = ByteString.CopyFromUtf8(end) });
        return response.Kvs.Count;
    }

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }
}
