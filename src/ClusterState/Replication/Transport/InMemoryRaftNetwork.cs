using System.Collections.Concurrent;
using ClusterState.Replication.Raft;

namespace ClusterState;

/// <summary>
/// A network for Raft peers in one process, with fault injection: cut links (partitions), and per link or for
/// every link loss, duplication, delay and reordering (<see cref="RaftLinkFaults"/>). Share one instance between
/// the peers' <see cref="RaftOptions"/>.
/// </summary>
public sealed class InMemoryRaftNetwork : RaftTransport
{
    private readonly ConcurrentDictionary<ulong, Action<RaftMessage>> _peers = new();
    private readonly Lock _lock = new();

    /// <summary>Directed links that deliver nothing; guarded by <see cref="_lock"/>.</summary>
    private readonly HashSet<(ulong From, ulong To)> _cut = [];

    /// <summary>Messages dropped (by a cut link or a link's drop rate), by the node that sent them. Guarded by <c>_lock</c>.</summary>
    private readonly Dictionary<ulong, long> _dropped = [];

    /// <summary>Faults of single directed links, over <see cref="Faults"/>; guarded by <see cref="_lock"/>.</summary>
    private readonly Dictionary<(ulong From, ulong To), RaftLinkFaults> _links = [];
    private readonly Random _random = new();
    private RaftLinkFaults _faults = RaftLinkFaults.None;

    /// <summary>Faults on every link that has none of its own (<see cref="SetLinkFaults"/>). Default: none.</summary>
    public RaftLinkFaults Faults
    {
        get => _faults;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            _faults = value;
        }
    }

    /// <summary>The share of messages dropped at random on every link (0 to 1): shorthand for <see cref="Faults"/>.</summary>
    public double DropRate
    {
        get => Faults.DropRate;
        set => Faults = Faults with { DropRate = value };
    }

    /// <summary>Sets the faults of the link from <paramref name="from"/> to <paramref name="to"/> (one way); null restores <see cref="Faults"/>.</summary>
    public void SetLinkFaults(ulong from, ulong to, RaftLinkFaults? faults)
    {
        faults?.Validate();
        lock (_lock)
        {
            if (faults is null)
            {
                _links.Remove((from, to));
            }
            else
            {
                _links[(from, to)] = faults;
            }
        }
    }

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

    /// <summary>Restores every cut link (faults set per link stay).</summary>
    public void Heal()
    {
        lock (_lock)
        {
            _cut.Clear();
        }
    }

    internal override void Register(ulong nodeId, Action<RaftMessage> deliver)
    {
        if (!_peers.TryAdd(nodeId, deliver))
        {
            throw new InvalidOperationException($"Node {nodeId} is already on this network.");
        }
    }

    internal override void Unregister(ulong nodeId) => _peers.TryRemove(nodeId, out _);

    internal override long DroppedFrom(ulong nodeId)
    {
        lock (_lock)
        {
            return _dropped.GetValueOrDefault(nodeId);
        }
    }

    internal override void Send(RaftMessage message)
    {
        RaftLinkFaults faults;
        int copies;
        TimeSpan delay;
        lock (_lock)
        {
            if (_cut.Contains((message.From, message.To)))
            {
                _dropped[message.From] = _dropped.GetValueOrDefault(message.From) + 1;
                return;
            }

            faults = _links.GetValueOrDefault((message.From, message.To), _faults);
            if (faults.IsNone)
            {
                copies = 1;
                delay = TimeSpan.Zero;
            }
            else
            {
                if (faults.DropRate > 0 && _random.NextDouble() < faults.DropRate)
                {
                    _dropped[message.From] = _dropped.GetValueOrDefault(message.From) + 1;
                    return;
                }

                copies = faults.DuplicateRate > 0 && _random.NextDouble() < faults.DuplicateRate ? 2 : 1;
                delay = faults.Delay + (faults.Jitter * _random.NextDouble());
            }
        }

        for (var i = 0; i < copies; i++)
        {
            if (delay <= TimeSpan.Zero)
            {
                Deliver(message);
            }
            else
            {
                _ = Task.Delay(delay).ContinueWith(static (_, state) =>
                {
                    var (network, message) = ((InMemoryRaftNetwork, RaftMessage))state!;
                    network.Deliver(message);
                }, (this, message), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    private void Deliver(RaftMessage message)
    {
        if (_peers.TryGetValue(message.To, out var deliver))
        {
            deliver(message);
        }
    }
}
