using Microsoft.Extensions.Logging;

namespace ClusterState.Storage;

/// <summary>
/// The store's compaction rules, shared by every commit path: compact on request, and automatically keep about
/// <c>retention</c> revisions of history, compacting in steps of an eighth of it so the cost is spread out. The
/// caller owns the state's mutations (holds the commit lock, or is the loop that owns the state).
/// </summary>
internal sealed class CompactionPolicy(long? retention, ILogger logger)
{
    private readonly long _step = retention is { } r ? Math.Max(1, r / 8) : 0;

    /// <summary>Compacts at <paramref name="revision"/> and logs it.</summary>
    /// <exception cref="RevisionCompactedException">The revision is already compacted.</exception>
    /// <exception cref="FutureRevisionException">The revision is beyond the current one.</exception>
    public void Compact(MvccStore state, long revision)
    {
        var removed = state.Compact(revision);
        Log.Compacted(logger, revision, removed);
    }

    /// <summary>
    /// Compacts when the published history has grown a step past the retention. Only published revisions count:
    /// history readers cannot see yet is never compacted.
    /// </summary>
    public void CompactIfDue(MvccStore state)
    {
        var published = state.Revision;
        if (retention is { } keep && published - state.CompactedRevision >= keep + _step)
        {
            Compact(state, published - keep);
        }
    }
}
