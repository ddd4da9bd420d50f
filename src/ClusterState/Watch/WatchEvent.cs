using ClusterState.Model;

namespace ClusterState;

/// <summary>The type of a <see cref="WatchEvent{T}"/> (Kubernetes' watch event types).</summary>
public enum WatchEventType
{
    /// <summary>The object was created, or (with a label selector) it started matching.</summary>
    Added = 0,

    /// <summary>The object was updated and still matches.</summary>
    Modified = 1,

    /// <summary>The object was deleted, or (with a label selector) it stopped matching. The object is its last matching state.</summary>
    Deleted = 2,

    /// <summary>A progress notification: every change up to <see cref="WatchEvent{T}.Revision"/> has been delivered. No object.</summary>
    Bookmark = 3,
}

/// <summary>
/// One change seen by a watch. Events arrive in revision order, with no gaps and no duplicates; all the events of
/// one committed batch arrive together, and the last of them has <see cref="IsLastInBatch"/> set.
/// </summary>
/// <typeparam name="T">The object type.</typeparam>
/// <param name="Type">What happened.</param>
/// <param name="Revision">The revision of the commit that made the change (for a bookmark, the revision reached).</param>
/// <param name="Object">The object after the change; for <see cref="WatchEventType.Deleted"/>, its last state; null for a bookmark.</param>
/// <param name="PreviousObject">The object before the change, when the watch asked for it (<see cref="WatchOptions.IncludePreviousObject"/>).</param>
/// <param name="IsLastInBatch">True on the watch's last event of the revision: the batch boundary.</param>
public readonly record struct WatchEvent<T>(WatchEventType Type, long Revision, T? Object, T? PreviousObject, bool IsLastInBatch)
    where T : ClusterObject;
