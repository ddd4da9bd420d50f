using ClusterState.Kinds;
using ClusterState.Model;
using ClusterState.Storage;

namespace ClusterState.Watch;

/// <summary>Decides which changes a watch delivers, and as what (a label selector turns updates into adds and deletes).</summary>
internal sealed class WatchFilter(IReadOnlyList<ResourceKind>? kinds, WatchOptions options, KindRegistry registry)
{
    private readonly FieldSelector? _fields = options.FieldSelector is { IsEmpty: false } f ? f : null;

    private readonly ResourceKind? _kind = kinds is [var only] ? only : null;
    private readonly ResourceKind[]? _kinds = kinds is { Count: > 1 } ? [.. kinds] : null;
    private readonly string? _namespace = options.Namespace;
    private readonly string? _name = options.Name;
    private readonly LabelSelector? _selector = options.LabelSelector is { IsEmpty: false } s ? s : null;

    /// <summary>The kinds watched, or null for every kind.</summary>
    public IReadOnlyList<ResourceKind>? Kinds { get; } = kinds;

    /// <summary>
    /// The kinds a watch delivers: <paramref name="kind"/> for a watch of one kind (where
    /// <see cref="WatchOptions.Kinds"/> may only name it), else the options' kinds (null: every kind).
    /// </summary>
    /// <exception cref="UnknownKindException">A kind is not registered with the store.</exception>
    /// <exception cref="ArgumentException">The options name other kinds than the collection's, or none at all.</exception>
    public static IReadOnlyList<ResourceKind>? Resolve(KindRegistry registry, ResourceKind? kind, WatchOptions? options)
    {
        var resolved = ResolveKinds(registry, kind, options);
        Validation.ObjectValidator.ValidateFields(options?.FieldSelector, resolved?.Select(registry.Get) ?? registry.All, "watch options");
        return resolved;
    }

    private static IReadOnlyList<ResourceKind>? ResolveKinds(KindRegistry registry, ResourceKind? kind, WatchOptions? options)
    {
        var wanted = options?.Kinds;
        if (wanted is not null)
        {
            if (wanted.Count == 0)
            {
                throw new ArgumentException("WatchOptions.Kinds names no kind: leave it null to watch every kind.", nameof(options));
            }

            foreach (var k in wanted)
            {
                ArgumentNullException.ThrowIfNull(k, nameof(options));
                registry.IndexOf(k);
                if (kind is not null && k != kind)
                {
                    throw new ArgumentException($"A watch of {kind.Name} cannot deliver {k.Name}: watch several kinds on the store's own watch.", nameof(options));
                }
            }
        }

        return kind is not null ? [kind] : wanted is null ? null : [.. wanted.Distinct()];
    }

    /// <summary>
    /// The event type to deliver for <paramref name="change"/>, and the object to deliver with it; null when the
    /// watch does not see the change.
    /// </summary>
    public WatchEventType? Classify(in Change change, out ClusterObject obj)
    {
        obj = change.Object;
        var meta = obj.Metadata;
        if ((_kind is { } k && obj.Kind != k)
            || (_kinds is not null && Array.IndexOf(_kinds, obj.Kind) < 0)
            || (_namespace is not null && !string.Equals(meta.Namespace, _namespace, StringComparison.Ordinal))
            || (_name is not null && !string.Equals(meta.Name, _name, StringComparison.Ordinal)))
        {
            return null;
        }

        if (_selector is null && _fields is null)
        {
            return Map(change.Type);
        }

        switch (change.Type)
        {
            case ChangeType.Added:
                return Matches(obj) ? WatchEventType.Added : null;
            case ChangeType.Deleted:
                return Matches(obj) ? WatchEventType.Deleted : null;
            default:
                var now = Matches(obj);
                var before = change.Previous is { } previous && Matches(previous);
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

    private bool Matches(ClusterObject obj)
    {
        if (_selector is not null && !_selector.Matches(obj.Metadata.Labels))
        {
            return false;
        }

        return _fields is null || registry.Get(obj.Kind).Matches(_fields, obj);
    }

    private static WatchEventType Map(ChangeType type) => type switch
    {
        ChangeType.Added => WatchEventType.Added,
        ChangeType.Modified => WatchEventType.Modified,
        _ => WatchEventType.Deleted,
    };
}
