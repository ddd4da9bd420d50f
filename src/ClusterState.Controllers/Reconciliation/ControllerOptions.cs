using ClusterState.Model;

namespace ClusterState.Controllers;

/// <summary>How a <see cref="Controller{T}"/> runs: its name, its workers, its queue, and which other kinds wake it.</summary>
/// <typeparam name="T">The kind the controller reconciles.</typeparam>
public sealed class ControllerOptions<T>
    where T : ClusterObject
{
    private readonly List<Func<InformerFactory, Action<ObjectKey>, IDisposable>> _watches = [];

    /// <summary>The controller's name, in its log lines and the tags of its instruments (and its queue's). Default: the kind's name.</summary>
    public string? Name { get; set; }

    /// <summary>Keys reconciled at once (never one key twice at once). Default 1.</summary>
    public int Workers { get; set; } = 1;

    /// <summary>The work queue's backoff and rate limit. Its name is the controller's.</summary>
    public WorkQueueOptions Queue { get; set; } = new();

    /// <summary>
    /// Wakes the controller when an object of another kind changes: <paramref name="map"/> gives the keys of the
    /// reconciled kind it concerns (for a change, both the old and the new object are mapped). The other kind's
    /// informer comes from the same <see cref="InformerFactory"/>, shared with everyone else.
    /// </summary>
    public ControllerOptions<T> Watch<TOther>(Func<TOther, IEnumerable<ObjectKey>> map)
        where TOther : ClusterObject
    {
        ArgumentNullException.ThrowIfNull(map);
        _watches.Add((factory, enqueue) => factory.For<TOther>().AddHandler(
            onAdd: o => Enqueue(map(o), enqueue),
            onUpdate: (old, o) =>
            {
                Enqueue(map(old), enqueue);
                Enqueue(map(o), enqueue);
            },
            onDelete: o => Enqueue(map(o), enqueue)));
        return this;
    }

    /// <summary>
    /// Wakes the controller when an object of <typeparamref name="TOwned"/> that it controls changes: one whose
    /// controlling owner reference (<c>controller: true</c>) names the reconciled kind; the key is the owner's name in
    /// the owned object's namespace.
    /// </summary>
    public ControllerOptions<T> Owns<TOwned>()
        where TOwned : ClusterObject
    {
        var ownerKind = ResourceKind.Of<T>().Name;
        return Watch<TOwned>(o => o.Metadata.OwnerReferences
            .Where(r => r.Controller == true && string.Equals(r.Kind, ownerKind, StringComparison.Ordinal))
            .Select(r => new ObjectKey(o.Metadata.Namespace, r.Name)));
    }

    internal IReadOnlyList<Func<InformerFactory, Action<ObjectKey>, IDisposable>> Watches => _watches;

    private static void Enqueue(IEnumerable<ObjectKey> keys, Action<ObjectKey> enqueue)
    {
        foreach (var key in keys)
        {
            enqueue(key);
        }
    }
}
