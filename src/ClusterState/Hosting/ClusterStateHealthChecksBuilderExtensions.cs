using ClusterState;
using ClusterState.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the health check of the store <c>AddClusterState</c> registers.</summary>
public static class ClusterStateHealthChecksBuilderExtensions
{
    /// <summary>
    /// Checks that the store can take writes: not disposed, its log or Raft peer not failed, a Raft leader known
    /// (else <paramref name="failureStatus"/>, Unhealthy by default); a Raft peer that has applied more than
    /// <paramref name="maxRaftLag"/> entries fewer than it knows committed is Degraded.
    /// </summary>
    public static IHealthChecksBuilder AddClusterStateCheck(this IHealthChecksBuilder builder, string name = "clusterstate", long maxRaftLag = 1_000, HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRaftLag);
        return builder.Add(new HealthCheckRegistration(name, sp => new ClusterStoreHealthCheck(sp.GetRequiredService<ClusterStore>(), maxRaftLag), failureStatus, tags));
    }
}
