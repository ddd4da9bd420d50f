using System.Collections.Concurrent;
using ClusterState.Model;

namespace ClusterState.Controllers;

/// <summary>
/// Hands out one <see cref="Informer{T}"/> per kind, so that every consumer of a kind in a program shares one cache and
/// one watch, and runs them all. Informers asked for after <see cref="Start"/> start at once.
/// </summary>
/// <remarks>
/// Register it once per store (the hosting extensions do) and take informers from it. Each informer follows the store
/// on its own watch: a transaction that changes objects of two kinds reaches their two caches one after the other, so
/// a handler or a reconcile can see one half of it before the other arrives.
/// </remarks>
public sealed class InformerFactory : IAsyncDisposable, IDisposable
{
    private readonly IClusterStore _store;
    private readonly InformerOptions _options;
    private readonly ConcurrentDictionary<Type, IInformer> _informers = new();
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Guards <see cref="_runs"/> and <see cref="_started"/>.</summary>
    private readonly Lock _gate = new();
    private readonly List<Task> _runs = [];
    private bool _started;

    /// <summary>A factory of informers on <paramref name="store"/>, each with <paramref name="options"/> (selectors, resync).</summary>
    public InformerFactory(IClusterStore store, InformerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _options = options ?? new InformerOptions();
    }

    /// <summary>The informers handed out so far.</summary>
    public IReadOnlyCollection<IInformer> Informers => [.. _informers.Values];

    /// <summary>The informer of <typeparamref name="T"/>: the same instance on every call.</summary>
    /// <exception cref="UnknownKindException"><typeparamref name="T"/> is not a kind of the store.</exception>
    public Informer<T> For<T>()
        where T : ClusterObject
    {
        if (_informers.TryGetValue(typeof(T), out var existing))
        {
            return (Informer<T>)existing;
        }

        var created = new Informer<T>(_store, _options);
        var informer = (Informer<T>)_informers.GetOrAdd(typeof(T), created);
        if (ReferenceEquals(informer, created))
        {
            lock (_gate)
            {
                if (_started)
                {
                    StartLocked(informer);
                }
            }
        }

        return informer;
    }

    /// <summary>Starts every informer handed out, and every one handed out later, until disposed. Idempotent.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_started)
            {
                return;
            }

            ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
            _started = true;
            foreach (var informer in _informers.Values)
            {
                StartLocked(informer);
            }
        }
    }

    /// <summary>Completes when every informer handed out so far has synced.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public Task WaitForSyncAsync(CancellationToken cancellationToken = default) =>
        Task.WhenAll(_informers.Values.Select(i => i.WaitForSyncAsync(cancellationToken)));

    /// <summary>Stops every informer and waits for their loops to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Stop() is { } runs)
        {
            await Task.WhenAll(runs).ConfigureAwait(false);
        }
    }

    /// <summary>Stops every informer without waiting: their loops end on their own, promptly.</summary>
    public void Dispose() => Stop();

    /// <summary>Cancels the informers' loops the first time; returns them, or null when already stopped.</summary>
    private Task[]? Stop()
    {
        lock (_gate)
        {
            if (_stop.IsCancellationRequested)
            {
                return null;
            }

            _stop.Cancel();
            return [.. _runs];
        }
    }

    private void StartLocked(IInformer informer) =>
        _runs.Add(Task.Run(() => informer.RunAsync(_stop.Token)));
}
