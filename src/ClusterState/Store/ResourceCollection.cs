using ClusterState.Model;
using ClusterState.Storage;
using ClusterState.Validation;
using ClusterState.Watch;

namespace ClusterState;

/// <summary>The typed view of one kind, over the store's shared state and commit path.</summary>
internal sealed class ResourceCollection<T>(ClusterStore store, ResourceKind kind) : IResourceCollection<T>, IUntypedCollection
    where T : ClusterObject
{
    public ListResult<ClusterObject> ListObjects(ListOptions? options)
    {
        var typed = List(options);
        return new ListResult<ClusterObject>(typed.Items, typed.Revision, typed.Continue, typed.RemainingItemCount);
    }

    public ClusterObject? GetObject(string @namespace, string name, long? revision) => Get(@namespace, name, revision);

    private ResourceKind Kind { get; } = kind;

    /// <summary>The kind's table in the store: resolved once, so reads pay no lookup.</summary>
    private readonly int _index = store.State.Kinds.IndexOf(kind);

    public T? Get(string @namespace, string name, long? revision = null)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        ArgumentNullException.ThrowIfNull(name);
        var state = store.State;
        var at = state.ResolveReadRevision(revision);
        return (T?)state.Get(_index, new ObjectName(@namespace, name), at);
    }

    public ListResult<T> List(ListOptions? options = null)
    {
        ObjectValidator.ValidateQuery(options?.LabelSelector, "list options");
        var state = store.State;
        ObjectValidator.ValidateFields(options?.FieldSelector, [state.Kinds.All[_index]], "list options");
        if (options?.Limit is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Limit, "ListOptions.Limit is a positive number of objects, or null for all of them.");
        }

        long? revision = options?.Revision;
        ObjectName? after = null;
        if (options?.Continue is { } token)
        {
            (var pageRevision, after) = ContinueToken.Decode(token);
            if (revision is { } asked && asked != pageRevision)
            {
                throw new ArgumentException($"A continued list is read at its first page's revision ({pageRevision}), not {asked}: leave Revision unset.", nameof(options));
            }

            revision = pageRevision;
        }

        var at = state.ResolveReadRevision(revision);
        var page = state.List<T>(_index, at, options?.Namespace, options?.LabelSelector, options?.FieldSelector, after, options?.Limit ?? int.MaxValue);
        if (!page.More)
        {
            return new ListResult<T>(page.Items, at);
        }

        var last = page.Items[^1].Metadata;
        return new ListResult<T>(page.Items, at, ContinueToken.Encode(at, new ObjectName(last.Namespace, last.Name)), page.Remaining);
    }

    public ValueTask<T> CreateAsync(T obj, CancellationToken cancellationToken = default) =>
        WriteAsync(TxnOperation.Create(obj), cancellationToken);

    public ValueTask<T> UpdateAsync(T obj, CancellationToken cancellationToken = default) =>
        WriteAsync(TxnOperation.Update(obj), cancellationToken);

    public ValueTask<T> UpdateUnconditionallyAsync(T obj, CancellationToken cancellationToken = default) =>
        WriteAsync(TxnOperation.UpdateUnconditionally(obj), cancellationToken);

    public ValueTask<T> DeleteAsync(string @namespace, string name, long? expectedResourceVersion = null, CancellationToken cancellationToken = default) =>
        WriteAsync(TxnOperation.Delete(Kind, @namespace, name, expectedResourceVersion), cancellationToken);

    public IObservable<WatchEvent<T>> Watch(WatchOptions? options = null) =>
        WatchObservable<T>.Create(store.Hub, Kind, options, store.Logger);

    public IAsyncEnumerable<WatchEvent<T>> WatchAsync(WatchOptions? options = null, CancellationToken cancellationToken = default) =>
        WatchStream.Open<T>(store.Hub, Kind, options, cancellationToken);

    private ValueTask<T> WriteAsync(TxnOperation operation, CancellationToken cancellationToken) =>
        store.CommitAsync<T>(operation, cancellationToken);
}
