using ClusterState.Model;

namespace ClusterState.Controllers;

/// <summary>What every <see cref="Informer{T}"/> offers whatever its kind: running it and knowing when it has synced.</summary>
public interface IInformer
{
    /// <summary>The kind it caches.</summary>
    ResourceKind Kind { get; }

    /// <summary>True once the first list is in the cache (and stays true through later re-lists).</summary>
    bool HasSynced { get; }

    /// <summary>
    /// The revision the cache reflects: that of its last list, of the last whole batch it applied, or of the last
    /// progress notification while nothing changed.
    /// </summary>
    long Revision { get; }

    /// <summary>Objects in the cache.</summary>
    int Count { get; }

    /// <summary>
    /// Lists, then watches from the list's revision and keeps the cache current, until cancelled or the store is
    /// disposed; lists again when the watch falls behind compaction or fails. Runs once at a time.
    /// </summary>
    /// <exception cref="InvalidOperationException">It is already running.</exception>
    Task RunAsync(CancellationToken cancellationToken);

    /// <summary>Completes when <see cref="HasSynced"/> becomes true.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    Task WaitForSyncAsync(CancellationToken cancellationToken = default);
}
