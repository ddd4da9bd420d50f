using ClusterState.Model;

namespace ClusterState.Controllers;

/// <summary>
/// A controller's own logic: brings the world in line with one object. A <see cref="Controller{T}"/> calls it for a
/// key whenever the object (or anything mapped to it) changed, never for one key on two workers at once, and again
/// after a backoff when it throws.
/// </summary>
/// <typeparam name="T">The kind the controller reconciles.</typeparam>
public interface IReconciler<in T>
    where T : ClusterObject
{
    /// <summary>
    /// Reconciles the object named <paramref name="key"/>; <paramref name="current"/> is the informer's cached copy,
    /// null when the object does not exist (it was deleted). Throw to be retried after a backoff.
    /// </summary>
    Task<ReconcileResult> ReconcileAsync(ObjectKey key, T? current, CancellationToken cancellationToken);
}
