using ClusterState.Model;

namespace ClusterState;

/// <summary>The outcome of a committed transaction.</summary>
public sealed class TxnResult
{
    internal TxnResult(bool succeeded, long revision, ClusterObject?[] results)
    {
        Succeeded = succeeded;
        Revision = revision;
        Results = results;
    }

    /// <summary>True when every compare held and the <c>Then</c> branch ran; false when the <c>Else</c> branch ran.</summary>
    public bool Succeeded { get; }

    /// <summary>The revision the writes were committed at, or the current revision when the branch wrote nothing.</summary>
    public long Revision { get; }

    /// <summary>
    /// One entry per operation of the branch that ran: the stored object for creates and updates, the deleted
    /// object's last state for deletes.
    /// </summary>
    public IReadOnlyList<ClusterObject?> Results { get; }
}
