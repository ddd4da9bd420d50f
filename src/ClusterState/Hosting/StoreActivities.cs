using System.Diagnostics;

namespace ClusterState.Hosting;

/// <summary>
/// The store's spans on the <see cref="ClusterStateInstrumentation.ActivitySourceName"/> source: one per committed
/// (or failed) write request, from validation done to the result, through the commit path (a Raft proposal, a log
/// append); a listener sees them with OpenTelemetry's <c>AddSource</c> or an <see cref="ActivityListener"/>.
/// </summary>
internal static class StoreActivities
{
    private static readonly ActivitySource Source = new(ClusterStateInstrumentation.ActivitySourceName);

    /// <summary>A started <c>clusterstate.commit</c> span, or null when nothing listens.</summary>
    public static Activity? StartCommit(string store, TxnRequest request)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity("clusterstate.commit", ActivityKind.Internal);
        activity?.SetTag(ClusterStateInstrumentation.StoreTag, store);
        activity?.SetTag("clusterstate.operations", Math.Max(request.Success.Length, request.Failure.Length));
        activity?.SetTag("clusterstate.compares", request.Compares.Length);
        return activity;
    }

    public static void Committed(Activity activity, TxnResult result)
    {
        activity.SetTag("clusterstate.revision", result.Revision);
        activity.SetTag("clusterstate.succeeded", result.Succeeded);
    }

    public static void Failed(Activity activity, Exception error)
    {
        activity.SetStatus(ActivityStatusCode.Error, error.Message);
        activity.SetTag("error.type", error.GetType().FullName);
    }
}
