namespace ClusterState;

/// <summary>
/// A write reached a Raft peer that does not lead, and the group is set not to forward writes
/// (<see cref="RaftOptions.ForwardWritesToLeader"/> is false). Send it to <see cref="LeaderId"/>.
/// </summary>
public sealed class NotLeaderException : ClusterStateException
{
    /// <summary>Creates the exception.</summary>
    public NotLeaderException(ulong nodeId, ulong leaderId)
        : base(leaderId == 0
            ? $"Peer {nodeId} does not lead and knows no leader yet (an election is under way); retry."
            : $"Peer {nodeId} does not lead: send the write to peer {leaderId}.")
    {
        NodeId = nodeId;
        LeaderId = leaderId;
    }

    /// <summary>The peer that refused the write.</summary>
    public ulong NodeId { get; }

    /// <summary>The leader that peer knows, or 0 when it knows none.</summary>
    public ulong LeaderId { get; }
}
