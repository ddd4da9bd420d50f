using ClusterState.Replication.Raft;

namespace ClusterState;

/// <summary>The members of a Raft group, as one peer has applied them.</summary>
public sealed class RaftMembership
{
    private RaftMembership(IReadOnlySet<ulong> voters, IReadOnlySet<ulong> outgoingVoters, IReadOnlySet<ulong> learners)
    {
        Voters = voters;
        OutgoingVoters = outgoingVoters;
        Learners = learners;
    }

    /// <summary>The voters (the incoming ones while a change is under way).</summary>
    public IReadOnlySet<ulong> Voters { get; }

    /// <summary>While a change of voters is under way (a joint configuration), the previous voters; empty otherwise.</summary>
    public IReadOnlySet<ulong> OutgoingVoters { get; }

    /// <summary>Members that receive the log without voting.</summary>
    public IReadOnlySet<ulong> Learners { get; }

    /// <inheritdoc />
    public override string ToString() => RaftMembershipText(Voters, OutgoingVoters, Learners);

    internal static RaftMembership From(Membership membership) => new(membership.Voters, membership.Outgoing, membership.Learners);

    private static string RaftMembershipText(IReadOnlySet<ulong> voters, IReadOnlySet<ulong> outgoing, IReadOnlySet<ulong> learners) =>
        $"voters [{string.Join(",", voters.Order())}]" + (outgoing.Count > 0 ? $" joint with [{string.Join(",", outgoing.Order())}]" : "") + $" learners [{string.Join(",", learners.Order())}]";
}
