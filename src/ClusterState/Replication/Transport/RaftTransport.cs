using ClusterState.Replication.Raft;

namespace ClusterState;

/// <summary>
/// How a Raft peer reaches the others: <see cref="InMemoryRaftNetwork"/> for peers in one process,
/// <see cref="TcpRaftTransport"/> for peers in separate processes. Delivery is best effort, as Raft expects:
/// messages may be lost, delayed, duplicated or reordered, never altered.
/// </summary>
public abstract class RaftTransport
{
    private protected RaftTransport()
    {
    }

    /// <summary>Starts delivering messages addressed to <paramref name="nodeId"/> to <paramref name="deliver"/>.</summary>
    internal abstract void Register(ulong nodeId, Action<RaftMessage> deliver);

    /// <summary>Stops delivering to <paramref name="nodeId"/>.</summary>
    internal abstract void Unregister(ulong nodeId);

    /// <summary>Sends <paramref name="message"/> to its <see cref="RaftMessage.To"/>; never blocks, may drop it.</summary>
    internal abstract void Send(RaftMessage message);

    /// <summary>Messages from <paramref name="nodeId"/> this transport dropped (a full send queue, a cut or faulty link).</summary>
    internal virtual long DroppedFrom(ulong nodeId) => 0;
}
