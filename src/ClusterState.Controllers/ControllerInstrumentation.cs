namespace ClusterState.Controllers;

/// <summary>
/// The names under which the controller toolkit reports: its meter (work queues and controllers) and the tags that
/// tell several queues and controllers in one process apart.
/// </summary>
public static class ControllerInstrumentation
{
    /// <summary>The meter of work queues and controllers: <c>ClusterState.Controllers</c>.</summary>
    public const string MeterName = "ClusterState.Controllers";

    /// <summary>The tag naming a work queue (<see cref="WorkQueueOptions.Name"/>) on its instruments.</summary>
    public const string QueueTag = "clusterstate.queue";

    /// <summary>The tag naming a controller (<see cref="ControllerOptions{T}.Name"/>) on its instruments.</summary>
    public const string ControllerTag = "clusterstate.controller";
}
