using ClusterState.Model;

namespace ClusterState;

/// <summary>The outcome of a committed transaction.</summary>
public sealed class TxnResult
{
    internal TxnResult(bool succeeded, long revision, ClusterObject?[] results, int writes)
    {
        Succeeded = succeeded;
        Revision = revision;
        Results = results;
        Writes = writes;
    }

    /// <summary>True when every compare held and the <c>Then</c> branch ran; false when the <c>Else</c> branch ran.</summary>
    public bool Succeeded { get; }

    /// <summary>The revision the writes were committed at, or the current revision when the branch wrote nothing.</summary>
    public long Revision { get; }

    /// <summary>
    /// One entry per operation of the branch that ran: the stored object for creates and updates (for an update
    /// skipped because it changed nothing, the object as it was already stored), the deleted object's last state for
    /// deletes.
    /// </summary>
    public IReadOnlyList<ClusterObject?> Results { get; }

    /// <summary>Objects the branch created, changed or deleted (skipped updates not counted); 0 when it committed no revision.</summary>
    internal int Writes { get; }
}
