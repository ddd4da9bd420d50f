using ClusterState.Model;

namespace ClusterState;

/// <summary>What a watch delivers and where it starts.</summary>
public sealed record WatchOptions
{
    /// <summary>
    /// Deliver every change at this revision and after (history replayed, then live, with no gap or duplicate at
    /// the seam). Null starts after the current revision, with the next commit. To follow a list, start at the
    /// list's revision + 1. A revision below the compaction revision fails with
    /// <see cref="RevisionCompactedException"/>.
    /// </summary>
    public long? StartRevision { get; init; }

    /// <summary>Only objects in this namespace.</summary>
    public string? Namespace { get; init; }

    /// <summary>Only the object with this name.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// Only objects whose labels match. As in Kubernetes, an update that makes an object match arrives as
    /// <see cref="WatchEventType.Added"/>, and one that makes it stop matching as <see cref="WatchEventType.Deleted"/>.
    /// </summary>
    public LabelSelector? LabelSelector { get; init; }

    /// <summary>
    /// On the store's own watch (<see cref="IClusterStore.WatchAsync"/>): the kinds to deliver, on one stream in one
    /// revision order across them; null (the default) for every kind. On a watch of one kind it may only name that kind.
    /// </summary>
    /// <example><c>store.WatchAsync(new() { Kinds = [ResourceKind.Service, ResourceKind.EndpointSlice] })</c></example>
    public IReadOnlyList<ResourceKind>? Kinds { get; init; }

    /// <summary>
    /// Only objects whose fields match (see <see cref="ListOptions.FieldSelector"/>); every watched kind must support
    /// each field. As with a label selector, an object that starts or stops matching arrives as added or deleted.
    /// </summary>
    public FieldSelector? FieldSelector { get; init; }

    /// <summary>Fill <see cref="WatchEvent{T}.PreviousObject"/> on updates and deletes.</summary>
    public bool IncludePreviousObject { get; init; }

    /// <summary>
    /// Receive a <see cref="WatchEventType.Bookmark"/> with the current revision every
    /// <see cref="ClusterStoreOptions.WatchProgressInterval"/> while caught up.
    /// </summary>
    public bool ProgressNotifications { get; init; }
}
