namespace ClusterState;

/// <summary>
/// The names under which stores publish their metrics and spans, for a <c>MeterListener</c> or <c>ActivityListener</c>,
/// OpenTelemetry (<c>AddMeter</c>, <c>AddSource</c>) or <c>dotnet-counters monitor --counters ClusterState</c>.
/// </summary>
public static class ClusterStateInstrumentation
{
    /// <summary>The meter every store's instruments are on.</summary>
    public const string MeterName = "ClusterState";

    /// <summary>The activity source of the stores' spans (<c>clusterstate.commit</c>, one per write request).</summary>
    public const string ActivitySourceName = "ClusterState";

    /// <summary>The tag naming the store (<see cref="ClusterStoreOptions.Name"/>) on every measurement.</summary>
    public const string StoreTag = "clusterstate.store";

    /// <summary>The tag holding a Raft peer's node id on every measurement of a replicated store.</summary>
    public const string RaftNodeTag = "clusterstate.raft.node";
}
