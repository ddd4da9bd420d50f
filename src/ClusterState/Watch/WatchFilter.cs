using ClusterState.Model;
using ClusterState.Storage;

namespace ClusterState.Watch;

/// <summary>Decides which changes a watch delivers, and as what (a label selector turns updates into adds and deletes).</summary>
internal sealed class WatchFilter(ResourceKind? kind, WatchOptions options)
{
    private readonly ResourceKind? _kind = kind;
    private readonly string? _namespace = options.Namespace;
    private readonly string? _name = options.Name;
    private readonly LabelSelector? _selector = options.LabelSelector is { IsEmpty: false } s ? s : null;

    /// <summary>The kind watched, or null for every kind.</summary>
    public ResourceKind? Kind => _kind;

    /// <summary>
    /// The event type to deliver for <paramref name="change"/>, and the object to deliver with it; null when the
    /// watch does not see the change.
    /// </summary>
    public WatchEventType? Classify(in Change change, out ClusterObject obj)
    {
        obj = change.Object;
        var meta = obj.Metadata;
        if ((_kind is { } k && obj.Kind != k)
            || (_namespace is not null && !string.Equals(meta.Namespace, _namespace, StringComparison.Ordinal))
            || (_name is not null && !string.Equals(meta.Name, _name, StringComparison.Ordinal)))
        {
            return null;
        }

        if (_selector is null)
        {
            return Map(change.Type);
        }

        switch (change.Type)
        {
            case ChangeType.Added:
                return _selector.Matches(meta.Labels) ? WatchEventType.Added : null;
            case ChangeType.Deleted:
                return _selector.Matches(meta.Labels) ? WatchEventType.Deleted : null;
            default:
                var now = _selector.Matches(meta.Labels);
                var before = change.Previous is { } previous && _selector.Matches(previous.Metadata.Labels);
                if (now)
                {
                    return before ? WatchEventType.Modified : WatchEventType.Added;
                }

                if (before)
                {
                    obj = change.Previous!;
                    return WatchEventType.Deleted;
                }

                return null;
        }
    }

    private static WatchEventType Map(ChangeType type) => type switch
    {
        ChangeType.Added => WatchEventType.Added,
        ChangeType.Modified => WatchEventType.Modified,
        _ => WatchEventType.Deleted,
    };
}
