namespace ClusterState;

/// <summary>
/// The names under which stores publish their metrics, for a <c>MeterListener</c>, OpenTelemetry
/// (<c>AddMeter(ClusterStateInstrumentation.MeterName)</c>) or <c>dotnet-counters monitor --counters ClusterState</c>.
/// </summary>
public static class ClusterStateInstrumentation
{
    /// <summary>The meter every store's instruments are on.</summary>
    public const string MeterName = "ClusterState";

    /// <summary>The tag naming the store (<see cref="ClusterStoreOptions.Name"/>) on every measurement.</summary>
    public const string StoreTag = "clusterstate.store";

    /// <summary>The tag holding a Raft peer's node id on every measurement of a replicated store.</summary>
    public const string RaftNodeTag = "clusterstate.raft.node";
}
