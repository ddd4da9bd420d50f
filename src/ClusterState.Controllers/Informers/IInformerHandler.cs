using ClusterState.Model;

namespace ClusterState.Controllers;

/// <summary>
/// Told of every change an <see cref="Informer{T}"/> applies to its cache, after the cache holds it. Calls come one
/// at a time, in revision order, from the informer's own loop: a handler should be quick (typically it adds keys to a
/// <see cref="WorkQueue{TKey}"/>) and never wait on the informer. An exception a handler throws is logged and does not
/// stop the informer or reach other handlers.
/// </summary>
/// <typeparam name="T">The kind of object.</typeparam>
public interface IInformerHandler<in T>
    where T : ClusterObject
{
    /// <summary>
    /// An object appeared: created, or (with a selector) changed so that it now matches, or found by a list.
    /// <paramref name="isInInitialList"/> is true for objects of the first list, and of the replay a handler gets
    /// when it is added to an informer that has already listed.
    /// </summary>
    void OnAdd(T obj, bool isInInitialList);

    /// <summary>
    /// An object changed; or, on a resync, an unchanged object is handed on again (<paramref name="oldObj"/> and
    /// <paramref name="newObj"/> are then the same instance).
    /// </summary>
    void OnUpdate(T oldObj, T newObj);

    /// <summary>An object is gone (deleted, or no longer matching the informer's selectors); <paramref name="obj"/> is its last state in the cache.</summary>
    void OnDelete(T obj);
}
