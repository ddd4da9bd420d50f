using System.Collections.Concurrent;
using System.Diagnostics;
using ClusterState.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterState.Controllers;

/// <summary>
/// An in-memory cache of one kind's objects, kept current from a store: it lists, then watches from the list's
/// revision, applies every change to the cache and then tells its handlers; it lists again (telling handlers what
/// changed meanwhile) when the watch falls behind compaction. Reads of the cache (<see cref="Get(string, string)"/>,
/// <see cref="List(string?)"/>, <see cref="ByIndex"/>) never block and never touch the store.
/// </summary>
/// <remarks>
/// <para>
/// One loop owns the cache: it alone writes it, and calls handlers one at a time, in revision order, after the cache
/// holds the change. Readers on other threads see each object change whole, but may see a multi-object batch part
/// applied; <see cref="Revision"/> moves when a whole batch is in.
/// </para>
/// <para>
/// Several consumers of one kind should share one informer (and so one watch): an <see cref="InformerFactory"/> hands
/// out one per kind.
/// </para>
/// </remarks>
/// <typeparam name="T">The kind of object.</typeparam>
[DebuggerDisplay("{Kind}: {Count} objects at revision {Revision}, synced {HasSynced}")]
public sealed class Informer<T> : IInformer
    where T : ClusterObject
{
    /// <summary>Page size of a list: each page is read at the first page's revision.</summary>
    private const int ListPageSize = 5_000;

    private readonly IResourceCollection<T> _collection;
    private readonly InformerOptions _options;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The cache. Written only by the loop under <see cref="_dispatch"/>; read by anyone.</summary>
    private readonly ConcurrentDictionary<ObjectKey, T> _items = new();

    /// <summary>The cached keys by namespace, changed only when a key comes or goes (not when its object changes).</summary>
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<ObjectKey, byte>> _byNamespace = new(StringComparer.Ordinal);

    /// <summary>Carries the new object into, and the replaced one out of, the cache's add-or-update (one writer: reused).</summary>
    private readonly Replacement _replacement = new();

    /// <summary>The user's indexes with their names, replaced whole (under <see cref="_dispatch"/>) when one is added: read without locks.</summary>
    private (string Name, InformerIndex<T> Index)[] _indexes = [];

    /// <summary>
    /// Held while the cache changes and while handlers run: one change at a time, and a handler added meanwhile gets its
    /// replay of the cache between two changes, never inside one. Never held while waiting on the store.
    /// </summary>
    private readonly Lock _dispatch = new();

    /// <summary>The handlers, replaced whole (under <see cref="_dispatch"/>) when one is added or removed.</summary>
    private IInformerHandler<T>[] _handlers = [];

    private long _revision;

    /// <summary>Objects in the cache, kept by the loop (a dictionary's own count takes all its locks).</summary>
    private int _count;
    private int _running;

    /// <summary>An informer of <typeparamref name="T"/> objects in <paramref name="store"/>; it does nothing until run.</summary>
    /// <exception cref="UnknownKindException"><typeparamref name="T"/> is not a kind of the store.</exception>
    public Informer(IClusterStore store, InformerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _collection = store.Collection<T>();
        _options = options ?? new InformerOptions();
        _logger = _options.LoggerFactory?.CreateLogger<Informer<T>>() ?? NullLogger<Informer<T>>.Instance;
        Kind = ResourceKind.Of<T>();
    }

    /// <inheritdoc/>
    public ResourceKind Kind { get; }

    /// <inheritdoc/>
    public bool HasSynced => _synced.Task.IsCompleted;

    /// <inheritdoc/>
    public long Revision => Volatile.Read(ref _revision);

    /// <inheritdoc/>
    public int Count => Volatile.Read(ref _count);

    /// <inheritdoc/>
    public Task WaitForSyncAsync(CancellationToken cancellationToken = default) => _synced.Task.WaitAsync(cancellationToken);

    /// <summary>The cached object, or null.</summary>
    public T? Get(string @namespace, string name) => Get(new ObjectKey(@namespace, name));

    /// <summary>The cached object, or null.</summary>
    public T? Get(ObjectKey key) => _items.TryGetValue(key, out var obj) ? obj : null;

    /// <summary>Every cached object, in no particular order.</summary>
    public IReadOnlyList<T> List() => List(null);

    /// <summary>The cached objects of one namespace (of every namespace when null), in no particular order.</summary>
    public IReadOnlyList<T> List(string? @namespace)
    {
        // Enumerated, not read through Keys or Values: those take every lock of the dictionary.
        var found = new List<T>();
        if (@namespace is null)
        {
            foreach (var (_, obj) in _items)
            {
                found.Add(obj);
            }
        }
        else if (_byNamespace.TryGetValue(@namespace, out var keys))
        {
            foreach (var (key, _) in keys)
            {
                if (_items.TryGetValue(key, out var obj))
                {
                    found.Add(obj);
                }
            }
        }

        return found;
    }

    /// <summary>The cached objects whose labels match <paramref name="selector"/>, in one namespace or all.</summary>
    public IReadOnlyList<T> List(string? @namespace, LabelSelector selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return [.. List(@namespace).Where(o => selector.Matches(o.Metadata.Labels))];
    }

    /// <summary>
    /// Adds an index: <paramref name="indexKeys"/> gives the values an object is found under (none, one or several),
    /// and <see cref="ByIndex"/> finds the objects under a value. <see cref="InformerIndexes"/> has the usual ones (by
    /// label, by owner). An index added to a filled cache is built from it at once.
    /// </summary>
    /// <exception cref="ArgumentException">An index of that name exists.</exception>
    public void AddIndex(string name, Func<T, IEnumerable<string>> indexKeys)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(indexKeys);
        lock (_dispatch)
        {
            if (Array.Exists(_indexes, i => i.Name == name))
            {
                throw new ArgumentException($"The informer for {Kind} already has an index named '{name}'.", nameof(name));
            }

            var index = new InformerIndex<T>(indexKeys);
            foreach (var obj in List())
            {
                index.Update(null, obj);
            }

            Volatile.Write(ref _indexes, [.. _indexes, (name, index)]);
        }
    }

    /// <summary>The cached objects the index <paramref name="indexName"/> files under <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentException">There is no such index.</exception>
    public IReadOnlyList<T> ByIndex(string indexName, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        foreach (var (name, index) in Volatile.Read(ref _indexes))
        {
            if (name == indexName)
            {
                return index.Find(value);
            }
        }

        throw new ArgumentException($"The informer for {Kind} has no index named '{indexName}'.", nameof(indexName));
    }

    /// <summary>
    /// Adds a handler. If the informer has listed already, the handler is first told of every cached object as an
    /// add (with <c>isInInitialList</c> true), before any later change. Dispose the result to remove it.
    /// </summary>
    public IDisposable AddHandler(IInformerHandler<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_dispatch)
        {
            _handlers = [.. _handlers, handler];
            if (HasSynced)
            {
                foreach (var obj in List())
                {
                    Call(handler, static (h, o, _) => h.OnAdd(o, true), obj, null);
                }
            }
        }

        return new Registration(this, handler);
    }

    /// <summary>Adds a handler made of delegates (each may be null); see <see cref="AddHandler(IInformerHandler{T})"/>.</summary>
    public IDisposable AddHandler(Action<T>? onAdd = null, Action<T, T>? onUpdate = null, Action<T>? onDelete = null) =>
        AddHandler(new DelegateHandler(onAdd, onUpdate, onDelete));

    /// <inheritdoc/>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            throw new InvalidOperationException($"The informer for {Kind} is already running.");
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var resync = _options.ResyncPeriod is { } period ? ResyncAsync(period, stop.Token) : Task.CompletedTask;
        try
        {
            await WatchLoopAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await resync.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            Volatile.Write(ref _running, 0);
        }
    }

    private async Task WatchLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var start = Relist();
                var watch = _collection.WatchAsync(
                    new WatchOptions
                    {
                        StartRevision = start + 1,
                        Namespace = _options.Namespace,
                        LabelSelector = _options.LabelSelector,
                        FieldSelector = _options.FieldSelector,
                        ProgressNotifications = true,
                    },
                    cancellationToken);
                await foreach (var change in watch.ConfigureAwait(false))
                {
                    Apply(change);
                }

                // The store was disposed: nothing more will come.
                return;
            }
            catch (RevisionCompactedException ex)
            {
                Log.Compacted(_logger, Kind, ex);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.InformerFailed(_logger, Kind, _options.RetryDelay, ex);
                try
                {
                    await Task.Delay(_options.RetryDelay, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Lists (page by page, at one revision) and brings the cache to the list: handlers hear of objects added, changed
    /// and gone since the cache last saw them. Returns the list's revision.
    /// </summary>
    private long Relist()
    {
        var listed = new List<T>();
        var options = new ListOptions
        {
            Namespace = _options.Namespace,
            LabelSelector = _options.LabelSelector,
            FieldSelector = _options.FieldSelector,
            Limit = ListPageSize,
        };
        var page = _collection.List(options);
        var revision = page.Revision;
        listed.AddRange(page.Items);
        while (page.Continue is { } token)
        {
            page = _collection.List(options with { Continue = token });
            listed.AddRange(page.Items);
        }

        lock (_dispatch)
        {
            var initial = !HasSynced;
            var seen = new HashSet<ObjectKey>(listed.Count);
            foreach (var obj in listed)
            {
                var key = ObjectKey.Of(obj);
                seen.Add(key);
                if (Get(key)?.Metadata.ResourceVersion != obj.Metadata.ResourceVersion)
                {
                    Put(obj, initial);
                }
            }

            foreach (var (key, _) in _items)
            {
                if (!seen.Contains(key))
                {
                    Remove(key);
                }
            }

            Volatile.Write(ref _revision, revision);
        }

        Log.Listed(_logger, Kind, listed.Count, revision);
        _synced.TrySetResult();
        return revision;
    }

    internal void Apply(WatchEvent<T> change)
    {
        lock (_dispatch)
        {
            switch (change.Type)
            {
                case WatchEventType.Added or WatchEventType.Modified when change.Object is { } obj:
                    Put(obj, initial: false);
                    break;
                case WatchEventType.Deleted when change.Object is { } obj:
                    Remove(ObjectKey.Of(obj));
                    break;
            }

            if (change.IsLastInBatch)
            {
                Volatile.Write(ref _revision, change.Revision);
            }
        }
    }

    /// <summary>Stores <paramref name="obj"/> (replacing what the cache held under its key) and tells the handlers. Under <see cref="_dispatch"/>.</summary>
    private void Put(T obj, bool initial)
    {
        var key = ObjectKey.Of(obj);

        // One lookup both stores the object and hands back the one it replaced.
        _replacement.New = obj;
        _replacement.Old = null;
        _items.AddOrUpdate(key, static (_, r) => r.New!, Replacement.Swap, _replacement);
        var old = _replacement.Old;
        _replacement.New = null;
        _replacement.Old = null;
        if (old is null)
        {
            _byNamespace.GetOrAdd(key.Namespace, static _ => new ConcurrentDictionary<ObjectKey, byte>())[key] = 0;
            Volatile.Write(ref _count, _count + 1);
        }

        foreach (var (_, index) in _indexes)
        {
            index.Update(old, obj);
        }

        foreach (var handler in _handlers)
        {
            if (old is null)
            {
                Call(handler, initial ? static (h, o, _) => h.OnAdd(o, true) : static (h, o, _) => h.OnAdd(o, false), obj, null);
            }
            else
            {
                Call(handler, static (h, o, before) => h.OnUpdate(before!, o), obj, old);
            }
        }
    }

    /// <summary>Removes the object cached under <paramref name="key"/>, if any, and tells the handlers. Under <see cref="_dispatch"/>.</summary>
    private void Remove(ObjectKey key)
    {
        if (!_items.TryRemove(key, out var cached))
        {
            return;
        }

        Volatile.Write(ref _count, _count - 1);
        if (_byNamespace.TryGetValue(key.Namespace, out var keys) && keys.TryRemove(key, out _) && keys.IsEmpty)
        {
            _byNamespace.TryRemove(new KeyValuePair<string, ConcurrentDictionary<ObjectKey, byte>>(key.Namespace, keys));
        }

        foreach (var (_, index) in _indexes)
        {
            index.Update(cached, null);
        }

        foreach (var handler in _handlers)
        {
            Call(handler, static (h, o, _) => h.OnDelete(o), cached, null);
        }
    }

    private void Call(IInformerHandler<T> handler, Action<IInformerHandler<T>, T, T?> call, T obj, T? old)
    {
        try
        {
            call(handler, obj, old);
        }
#pragma warning disable CA1031 // A handler's failure is logged; it must not stop the informer or other handlers.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.HandlerFailed(_logger, Kind, ex);
        }
    }

    private async Task ResyncAsync(TimeSpan period, CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(period, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            lock (_dispatch)
            {
                foreach (var obj in List())
                {
                    foreach (var handler in _handlers)
                    {
                        Call(handler, static (h, o, _) => h.OnUpdate(o, o), obj, null);
                    }
                }
            }
        }
    }

    private void RemoveHandler(IInformerHandler<T> handler)
    {
        lock (_dispatch)
        {
            _handlers = [.. _handlers.Where(h => !ReferenceEquals(h, handler))];
        }
    }

    /// <summary>The new object going into the cache and the one it replaced coming out.</summary>
    private sealed class Replacement
    {
        public T? New;
        public T? Old;

        public static T Swap(ObjectKey key, T old, Replacement replacement)
        {
            replacement.Old = old;
            return replacement.New!;
        }
    }

    private sealed class Registration(Informer<T> informer, IInformerHandler<T> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                informer.RemoveHandler(handler);
            }
        }
    }

    private sealed class DelegateHandler(Action<T>? onAdd, Action<T, T>? onUpdate, Action<T>? onDelete) : IInformerHandler<T>
    {
        public void OnAdd(T obj, bool isInInitialList) => onAdd?.Invoke(obj);

        public void OnUpdate(T oldObj, T newObj) => onUpdate?.Invoke(oldObj, newObj);

        public void OnDelete(T obj) => onDelete?.Invoke(obj);
    }
}
