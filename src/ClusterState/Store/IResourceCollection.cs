using ClusterState.Model;

namespace ClusterState;

/// <summary>The objects of one kind: reads, writes and watches.</summary>
/// <typeparam name="T">The object type.</typeparam>
public interface IResourceCollection<T>
    where T : ClusterObject
{
    /// <summary>
    /// The object at the latest revision, or at <paramref name="revision"/>; null when it does not exist there.
    /// </summary>
    /// <exception cref="RevisionCompactedException">The revision was compacted.</exception>
    /// <exception cref="FutureRevisionException">The revision is beyond the current one.</exception>
    T? Get(string @namespace, string name, long? revision = null);

    /// <summary>
    /// The objects at one revision (the latest unless <see cref="ListOptions.Revision"/> is set), ordered by
    /// namespace then name, with the revision they were read at.
    /// </summary>
    ListResult<T> List(ListOptions? options = null);

    /// <summary>Creates the object and returns it as stored (uid, revisions, creation time filled in).</summary>
    /// <exception cref="ValidationException">The object breaks a rule; every violation is listed.</exception>
    /// <exception cref="AlreadyExistsException">An object with the same namespace and name exists.</exception>
    ValueTask<T> CreateAsync(T obj, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the stored object if it is still at <c>obj.Metadata.ResourceVersion</c> (optimistic concurrency).
    /// </summary>
    /// <exception cref="ConflictException">The object changed since it was read; both versions are named.</exception>
    /// <exception cref="NotFoundException">The object does not exist.</exception>
    /// <exception cref="ValidationException">The object breaks a rule, or carries no resourceVersion.</exception>
    ValueTask<T> UpdateAsync(T obj, CancellationToken cancellationToken = default);

    /// <summary>Replaces the stored object whatever its resourceVersion (last write wins).</summary>
    /// <exception cref="NotFoundException">The object does not exist.</exception>
    ValueTask<T> UpdateUnconditionallyAsync(T obj, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the object and returns its last state; with <paramref name="expectedResourceVersion"/>, only if
    /// it is still at that version.
    /// </summary>
    /// <exception cref="NotFoundException">The object does not exist.</exception>
    /// <exception cref="ConflictException">The precondition failed.</exception>
    ValueTask<T> DeleteAsync(string @namespace, string name, long? expectedResourceVersion = null, CancellationToken cancellationToken = default);

    /// <summary>Watches this kind as an observable; each subscription is its own watch.</summary>
    IObservable<WatchEvent<T>> Watch(WatchOptions? options = null);

    /// <summary>Watches this kind as an async sequence; the start revision is fixed when this is called.</summary>
    IAsyncEnumerable<WatchEvent<T>> WatchAsync(WatchOptions? options = null, CancellationToken cancellationToken = default);
}
