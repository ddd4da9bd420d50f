using ClusterState.Model;

namespace ClusterState;

/// <summary>What <see cref="ResourceCollectionExtensions.CreateOrUpdateAsync"/> did.</summary>
public enum CreateOrUpdateOutcome
{
    /// <summary>The object did not exist and was created.</summary>
    Created = 0,

    /// <summary>The object existed and was changed.</summary>
    Updated = 1,

    /// <summary>The object existed as wanted: nothing was written.</summary>
    Unchanged = 2,
}

/// <summary>
/// The read-modify-write loops controllers write again and again: retry on conflict, update only when something
/// changes, create or update, and waiting for a condition (in tests).
/// </summary>
public static class ResourceCollectionExtensions
{
    /// <summary>Attempts <see cref="UpdateAsync"/> and <see cref="CreateOrUpdateAsync"/> make before giving up on conflicts.</summary>
    public const int DefaultMaxAttempts = 10;

    /// <summary>
    /// Runs <paramref name="attempt"/> again, up to <paramref name="maxAttempts"/> times in all, while it fails with
    /// <see cref="ConflictException"/> (someone wrote in between: read again and retry). Each attempt must read what it
    /// changes afresh. Other errors pass through at once.
    /// </summary>
    /// <exception cref="ConflictException">Every attempt conflicted (the last conflict is thrown).</exception>
    public static ValueTask<TResult> RetryOnConflictAsync<TResult>(Func<CancellationToken, ValueTask<TResult>> attempt, int maxAttempts = DefaultMaxAttempts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        return RetryAsync(attempt, static ex => ex is ConflictException, maxAttempts, cancellationToken);
    }

    private static async ValueTask<TResult> RetryAsync<TResult>(Func<CancellationToken, ValueTask<TResult>> attempt, Func<Exception, bool> retryable, int maxAttempts, CancellationToken cancellationToken)
    {
        for (var i = 1; ; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return await attempt(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (i < maxAttempts && retryable(ex))
            {
            }
        }
    }

    /// <summary>
    /// Reads the latest <paramref name="namespace"/>/<paramref name="name"/>, applies <paramref name="mutate"/> and
    /// writes the result with a resourceVersion precondition, reading again and retrying on a conflict. Writes nothing
    /// when <paramref name="mutate"/> returns null or an object with the same content (so watchers are not woken for
    /// nothing). Returns the object as stored afterwards.
    /// </summary>
    /// <exception cref="NotFoundException">The object does not exist.</exception>
    /// <exception cref="ConflictException">Every attempt conflicted.</exception>
    public static ValueTask<T> UpdateAsync<T>(this IResourceCollection<T> collection, string @namespace, string name, Func<T, T?> mutate, CancellationToken cancellationToken = default)
        where T : ClusterObject
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(mutate);
        return RetryOnConflictAsync(
            async ct =>
            {
                var current = collection.Get(@namespace, name) ?? throw new NotFoundException(ResourceKind.Of<T>(), @namespace, name);
                var changed = mutate(current);
                if (changed is null || changed.HasSameContentAs(current))
                {
                    return current;
                }

                return await collection.UpdateAsync(WithVersionOf(changed, current), ct).ConfigureAwait(false);
            },
            cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Makes the stored object what <paramref name="desired"/> says: creates it when it does not exist; otherwise
    /// writes <paramref name="merge"/>(existing, desired) (by default <paramref name="desired"/> with the existing
    /// object's metadata but the desired labels and annotations) with a resourceVersion precondition, unless that
    /// changes nothing. Retries when someone else creates, updates or deletes it in between.
    /// </summary>
    /// <exception cref="ConflictException">Every attempt conflicted (or <see cref="AlreadyExistsException"/> or
    /// <see cref="NotFoundException"/>: every attempt raced a create or a delete).</exception>
    public static ValueTask<(T Object, CreateOrUpdateOutcome Outcome)> CreateOrUpdateAsync<T>(this IResourceCollection<T> collection, T desired, Func<T, T, T>? merge = null, CancellationToken cancellationToken = default)
        where T : ClusterObject
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(desired);
        merge ??= static (existing, wanted) => wanted with
        {
            Metadata = existing.Metadata with { Labels = wanted.Metadata.Labels, Annotations = wanted.Metadata.Annotations },
        };
        return RetryAsync(
            async ct =>
            {
                var meta = desired.Metadata;
                var existing = collection.Get(meta.Namespace, meta.Name);
                if (existing is null)
                {
                    return (await collection.CreateAsync(desired, ct).ConfigureAwait(false), CreateOrUpdateOutcome.Created);
                }

                var merged = merge(existing, desired);
                if (merged.HasSameContentAs(existing))
                {
                    return (existing, CreateOrUpdateOutcome.Unchanged);
                }

                return (await collection.UpdateAsync(WithVersionOf(merged, existing), ct).ConfigureAwait(false), CreateOrUpdateOutcome.Updated);
            },
            static ex => ex is ConflictException or AlreadyExistsException or NotFoundException,
            DefaultMaxAttempts,
            cancellationToken);
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds for the object <paramref name="namespace"/>/<paramref name="name"/>
    /// (null while it does not exist) and returns it: checked now, then after every change of the object. For tests
    /// and for code that must wait for another controller.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first (use a timeout).</exception>
    public static async Task<T?> WaitForAsync<T>(this IResourceCollection<T> collection, string @namespace, string name, Func<T?, bool> condition, CancellationToken cancellationToken = default)
        where T : ClusterObject
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(condition);
        while (true)
        {
            // Read, then watch from just after what was read: no change can slip between the two.
            var list = collection.List(new ListOptions { Namespace = @namespace, FieldSelector = FieldSelector.Parse($"metadata.name={name}") });
            var current = list.Items.Count > 0 ? list.Items[0] : null;
            if (condition(current))
            {
                return current;
            }

            try
            {
                await foreach (var change in collection.WatchAsync(new WatchOptions { StartRevision = list.Revision + 1, Namespace = @namespace, Name = name }, cancellationToken).ConfigureAwait(false))
                {
                    current = change.Type == WatchEventType.Deleted ? null : change.Object;
                    if (change.Type != WatchEventType.Bookmark && condition(current))
                    {
                        return current;
                    }
                }

                throw new ObjectDisposedException(nameof(IClusterStore), "The store was disposed while waiting.");
            }
            catch (RevisionCompactedException)
            {
                // Fell behind compaction: read again.
            }
        }
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds for the store: checked now, then after every committed batch.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first (use a timeout).</exception>
    public static async Task WaitUntilAsync(this IClusterStore store, Func<IClusterStore, bool> condition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(condition);
        while (true)
        {
            var revision = store.Revision;
            if (condition(store))
            {
                return;
            }

            try
            {
                await foreach (var change in store.WatchAsync(new WatchOptions { StartRevision = revision + 1 }, cancellationToken).ConfigureAwait(false))
                {
                    if (change.IsLastInBatch && condition(store))
                    {
                        return;
                    }
                }

                throw new ObjectDisposedException(nameof(IClusterStore), "The store was disposed while waiting.");
            }
            catch (RevisionCompactedException)
            {
            }
        }
    }

    /// <summary><paramref name="obj"/> carrying <paramref name="read"/>'s resourceVersion: the precondition of the write.</summary>
    private static T WithVersionOf<T>(T obj, T read)
        where T : ClusterObject =>
        obj.Metadata.ResourceVersion == read.Metadata.ResourceVersion
            ? obj
            : (T)(obj with { Metadata = obj.Metadata with { ResourceVersion = read.Metadata.ResourceVersion } });
}
