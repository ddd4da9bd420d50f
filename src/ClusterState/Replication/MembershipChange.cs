namespace ClusterState.Replication;

/// <summary>What a membership change does to one node.</summary>
internal enum MembershipChangeKind
{
    /// <summary>Adds a node that receives the log without voting.</summary>
    AddLearner,

    /// <summary>Adds a voter, or promotes a learner that has caught up.</summary>
    AddVoter,

    /// <summary>Removes a voter or a learner.</summary>
    Remove,
}

/// <summary>One membership change, as the store's API asks for it.</summary>
internal sealed record MembershipChange(MembershipChangeKind Kind, ulong NodeId);
