using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClusterState.Hosting;

/// <summary>
/// Whether a store can take writes now: not disposed, its log (or its Raft peer) not failed, and on a Raft peer a
/// leader known; a peer whose applied index trails the commit index it knows by more than the allowed lag is
/// degraded (its reads are that far behind). The data carries the revision and, on a Raft peer, its node, term,
/// leader and indexes.
/// </summary>
internal sealed class ClusterStoreHealthCheck(ClusterStore store, long maxRaftLag) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failed = context.Registration.FailureStatus;
        var data = new Dictionary<string, object> { ["revision"] = store.Revision, ["compacted_revision"] = store.CompactedRevision };
        if (store.IsDisposed)
        {
            return Task.FromResult(new HealthCheckResult(failed, "The store has been disposed.", data: data));
        }

        if (store.CommitFailure is { } failure)
        {
            return Task.FromResult(new HealthCheckResult(failed, $"The store takes no more writes: {failure.Message}", failure, data));
        }

        if (store.RaftPeer is { } peer)
        {
            var stats = peer.Stats;
            data["raft.node"] = peer.Id;
            data["raft.term"] = stats.Term;
            data["raft.leader"] = stats.Leader;
            data["raft.commit_index"] = stats.CommitIndex;
            data["raft.applied_index"] = stats.AppliedIndex;
            if (stats.Leader == 0)
            {
                return Task.FromResult(new HealthCheckResult(failed, "No Raft leader is known (an election is under way, or this peer is cut off from the majority): writes and linearizable reads wait.", data: data));
            }

            var lag = stats.CommitIndex - stats.AppliedIndex;
            data["raft.lag"] = lag;
            if (lag > maxRaftLag)
            {
                return Task.FromResult(HealthCheckResult.Degraded($"This peer has applied {lag.ToString(CultureInfo.InvariantCulture)} entries fewer than it knows committed (more than {maxRaftLag.ToString(CultureInfo.InvariantCulture)}): its reads are behind.", data: data));
            }

            return Task.FromResult(HealthCheckResult.Healthy($"Raft peer {peer.Id.ToString(CultureInfo.InvariantCulture)}, leader {stats.Leader.ToString(CultureInfo.InvariantCulture)}, at revision {store.Revision.ToString(CultureInfo.InvariantCulture)}.", data));
        }

        return Task.FromResult(HealthCheckResult.Healthy($"Writable at revision {store.Revision.ToString(CultureInfo.InvariantCulture)}.", data));
    }
}
