using System.Collections.Concurrent;
using ClusterState.Replication.Raft;

namespace ClusterState;

/// <summary>
/// A network for Raft peers in one process, with fault injection: cut links (partitions), and a drop rate. Share
/// one instance between the peers' <see cref="RaftOptions"/>.
/// </summary>
public sealed class InMemoryRaftNetwork
{
    private readonly ConcurrentDictionary<ulong, Action<RaftMessage>> _peers = new();
    private readonly Lock _lock = new();

    /// <summary>Directed links that deliver nothing; guarded by <see cref="_lock"/>.</summary>
    private readonly HashSet<(ulong From, ulong To)> _cut = [];
    private readonly Random _random = new();

    /// <summary>The share of messages dropped at random on every link (0 to 1).</summary>
    public double DropRate { get; set; }

    /// <summary>Cuts every link between <paramref name="node"/> and the others, both ways.</summary>
    public void Isolate(ulong node)
    {
        lock (_lock)
        {
            foreach (var other in _peers.Keys.Where(p => p != node))
            {
                _cut.Add((node, other));
                _cut.Add((other, node));
            }
        }
    }

    /// <summary>Cuts the links from <paramref name="from"/> to <paramref name="to"/> (one way).</summary>
    public void Cut(ulong from, ulong to)
    {
        lock (_lock)
        {
            _cut.Add((from, to));
        }
    }

    /// <summary>Restores every link.</summary>
    public void Heal()
    {
        lock (_lock)
        {
            _cut.Clear();
        }
    }

    internal void Register(ulong id, Action<RaftMessage> deliver)
    {
        if (!_peers.TryAdd(id, deliver))
        {
            throw new InvalidOperationException($"Node {id} is already on this network.");
        }
    }

    internal void Unregister(ulong id) => _peers.TryRemove(id, out _);

    internal void Send(RaftMessage message)
    {
        lock (_lock)
        {
            if (_cut.Contains((message.From, message.To)) || (DropRate > 0 && _random.NextDouble() < DropRate))
            {
                return;
            }
        }

        if (_peers.TryGetValue(message.To, out var deliver))
        {
            deliver(message);
        }
    }
}
