using System.Collections.Frozen;

namespace ClusterState.Replication.Raft;

/// <summary>
/// Who takes part in a Raft group: voters, and during a joint configuration (thesis §4.3) the outgoing voters as
/// well, whose majority must agree too; learners receive the log but neither vote nor count toward a quorum.
/// A configuration change entry carries a whole <see cref="Membership"/>, which replaces the previous one when the
/// entry is applied.
/// </summary>
internal sealed class Membership : IEquatable<Membership>
{
    public static readonly Membership Empty = new([], [], []);

    public Membership(IEnumerable<ulong> voters, IEnumerable<ulong> outgoing, IEnumerable<ulong> learners)
    {
        Voters = voters.ToFrozenSet();
        Outgoing = outgoing.ToFrozenSet();
        Learners = learners.ToFrozenSet();
        Nodes = Voters.Union(Outgoing).Union(Learners).Order().ToArray();
    }

    /// <summary>The (incoming) voters.</summary>
    public FrozenSet<ulong> Voters { get; }

    /// <summary>The previous voters while the configuration is joint; empty otherwise.</summary>
    public FrozenSet<ulong> Outgoing { get; }

    public FrozenSet<ulong> Learners { get; }

    /// <summary>Every node the leader replicates to, in id order.</summary>
    public IReadOnlyList<ulong> Nodes { get; }

    public bool IsJoint => Outgoing.Count > 0;

    public bool IsVoter(ulong id) => Voters.Contains(id) || Outgoing.Contains(id);

    /// <summary>True when the nodes <paramref name="yes"/> holds form a majority of the voters (of both halves when joint).</summary>
    public bool HasQuorum(Func<ulong, bool> yes) => Majority(Voters, yes) && (!IsJoint || Majority(Outgoing, yes));

    /// <summary>True when the nodes <paramref name="no"/> holds make a majority impossible.</summary>
    public bool QuorumLost(Func<ulong, bool> no) => Lost(Voters, no) || (IsJoint && Lost(Outgoing, no));

    /// <summary>The highest index a quorum has reached, given each voter's match index.</summary>
    public long CommittedIndex(Func<ulong, long> match)
    {
        var index = QuorumIndex(Voters, match);
        return IsJoint ? Math.Min(index, QuorumIndex(Outgoing, match)) : index;
    }

    /// <summary>The joint configuration that moves from this one to <paramref name="voters"/> and <paramref name="learners"/>.</summary>
    public Membership EnterJoint(IEnumerable<ulong> voters, IEnumerable<ulong> learners) => new(voters, Voters, learners);

    /// <summary>The configuration that ends a joint one: the incoming voters alone.</summary>
    public Membership LeaveJoint() => new(Voters, [], Learners);

    public byte[] Encode()
    {
        var bytes = new List<byte>();
        foreach (var set in new[] { Voters, Outgoing, Learners })
        {
            WriteVarUInt(bytes, (ulong)set.Count);
            foreach (var id in set.Order())
            {
                WriteVarUInt(bytes, id);
            }
        }

        return [.. bytes];
    }

    /// <exception cref="FormatException">The bytes are not a membership.</exception>
    public static Membership Decode(ReadOnlySpan<byte> bytes)
    {
        var position = 0;
        var sets = new ulong[3][];
        for (var s = 0; s < 3; s++)
        {
            var count = ReadVarUInt(bytes, ref position);
            if (count > (ulong)(bytes.Length - position))
            {
                throw new FormatException("a membership count is larger than the bytes left");
            }

            sets[s] = new ulong[count];
            for (var i = 0; i < (int)count; i++)
            {
                sets[s][i] = ReadVarUInt(bytes, ref position);
            }
        }

        return position == bytes.Length ? new Membership(sets[0], sets[1], sets[2]) : throw new FormatException("bytes follow the membership");
    }

    public bool Equals(Membership? other) =>
        other is not null && Voters.SetEquals(other.Voters) && Outgoing.SetEquals(other.Outgoing) && Learners.SetEquals(other.Learners);

    public override bool Equals(object? obj) => Equals(obj as Membership);

    public override int GetHashCode() => HashCode.Combine(Voters.Count, Outgoing.Count, Learners.Count, Nodes.Count > 0 ? Nodes[0] : 0);

    public override string ToString() =>
        $"voters [{string.Join(",", Voters.Order())}]" + (IsJoint ? $" & [{string.Join(",", Outgoing.Order())}]" : "") + (Learners.Count > 0 ? $" learners [{string.Join(",", Learners.Order())}]" : "");

    private static bool Majority(FrozenSet<ulong> voters, Func<ulong, bool> yes) => voters.Count(yes) > voters.Count / 2;

    private static bool Lost(FrozenSet<ulong> voters, Func<ulong, bool> no) => voters.Count(no) > voters.Count - ((voters.Count / 2) + 1);

    private static long QuorumIndex(FrozenSet<ulong> voters, Func<ulong, long> match)
    {
        if (voters.Count == 0)
        {
            return long.MaxValue;
        }

        // The median of the voters' match indexes, without allocating (this runs on every append acknowledgement).
        Span<long> matches = voters.Count <= 16 ? stackalloc long[voters.Count] : new long[voters.Count];
        var i = 0;
        foreach (var voter in voters)
        {
            matches[i++] = match(voter);
        }

        matches.Sort();
        return matches[matches.Length - 1 - (voters.Count / 2)];
    }

    private static void WriteVarUInt(List<byte> bytes, ulong value)
    {
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
    }

    private static ulong ReadVarUInt(ReadOnlySpan<byte> bytes, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= bytes.Length)
            {
                throw new FormatException("a membership is cut short");
            }

            var b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new FormatException("a membership id is too long");
    }
}
