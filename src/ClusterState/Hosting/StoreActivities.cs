using System.Diagnostics;

namespace ClusterState.Hosting;

/// <summary>
/// The store's spans on the <see cref="ClusterStateInstrumentation.ActivitySourceName"/> source: one per committed
/// (or failed) write request, from validation done to the result, through the commit path (a Raft proposal, a log
/// append); one per Raft proposal; one per snapshot written (background, backup, Raft log compaction) or installed
/// from a Raft leader. A listener sees them with OpenTelemetry's <c>AddSource</c> or an <see cref="ActivityListener"/>.
/// </summary>
internal static class StoreActivities
{
    private static readonly ActivitySource Source = new(ClusterStateInstrumentation.ActivitySourceName);

    /// <summary>
    /// True when something listens. Callers start spans inside an async method of their own when it is, so that the
    /// span becomes the current activity of that method only, never of their caller.
    /// </summary>
    public static bool HasListeners => Source.HasListeners();

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

    /// <summary>
    /// A started span of work other than a commit (<c>clusterstate.raft.propose</c>, <c>clusterstate.snapshot.*</c>),
    /// tagged with its store or Raft node; null when nothing listens.
    /// </summary>
    public static Activity? Start(string name, string tag, object value)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(name, ActivityKind.Internal);
        activity?.SetTag(tag, value);
        return activity;
    }

    /// <summary>
    /// Awaits <paramref name="work"/> inside <paramref name="activity"/> (if any), marking it failed when it throws.
    /// Start the activity in the same async method that calls this, so that it stays that method's current activity.
    /// </summary>
    public static async Task<T> TraceAsync<T>(Activity? activity, Task<T> work)
    {
        if (activity is null)
        {
            return await work.ConfigureAwait(false);
        }

        using (activity)
        {
            try
            {
                return await work.ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Failed(activity, ex);
                throw;
            }
        }
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
