using ClusterState.Model;

namespace ClusterState.Kinds;

/// <summary>
/// The kinds one store holds: the built-in kinds, then the kinds registered in its options. Every part of the store
/// (tables, validation, the codec, transactions, watches, the log, snapshots, Raft) finds a kind here; a kind not
/// here is an <see cref="UnknownKindException"/>. Immutable once built, so it is read from any thread.
/// </summary>
internal sealed class KindRegistry
{
    private readonly KindDescriptor[] _descriptors;
    private readonly Dictionary<ResourceKind, int> _indexes;
    private readonly Dictionary<Type, int> _types;

    public KindRegistry(IEnumerable<KindDescriptor> registered)
    {
        _descriptors = [.. BuiltInKinds.All, .. registered];
        _indexes = new Dictionary<ResourceKind, int>(_descriptors.Length);
        _types = new Dictionary<Type, int>(_descriptors.Length);
        var plurals = new HashSet<(string Group, string Plural)>();
        for (var i = 0; i < _descriptors.Length; i++)
        {
            var kind = _descriptors[i].Kind;
            if (!_indexes.TryAdd(kind, i) || !_types.TryAdd(_descriptors[i].ClrType, i))
            {
                throw new ArgumentException($"The kind {kind.QualifiedName} ({_descriptors[i].ClrType.Name}) is registered twice, or is a built-in kind.");
            }

            if (!plurals.Add((kind.Group, kind.Plural)))
            {
                throw new ArgumentException($"Two kinds of the group '{kind.Group}' share the plural resource name '{kind.Plural}'.");
            }
        }
    }

    /// <summary>The store of built-in kinds only.</summary>
    public static KindRegistry BuiltIn { get; } = new([]);

    /// <summary>How many kinds the store holds: their indexes are 0 to Count - 1.</summary>
    public int Count => _descriptors.Length;

    /// <summary>Every kind, in index order.</summary>
    public IReadOnlyList<KindDescriptor> All => _descriptors;

    /// <summary>The dense index of <paramref name="kind"/> (built-in kinds first).</summary>
    /// <exception cref="UnknownKindException">The kind is not registered.</exception>
    public int IndexOf(ResourceKind kind) =>
        _indexes.TryGetValue(kind, out var index) ? index : throw UnknownKindException.NotRegistered(kind.QualifiedName);

    /// <summary>The descriptor of <paramref name="kind"/>.</summary>
    /// <exception cref="UnknownKindException">The kind is not registered.</exception>
    public KindDescriptor Get(ResourceKind kind) => _descriptors[IndexOf(kind)];

    /// <summary>True when <paramref name="kind"/> is registered.</summary>
    public bool Contains(ResourceKind kind) => _indexes.ContainsKey(kind);

    /// <summary>The descriptor of the kind whose objects are <paramref name="type"/>.</summary>
    /// <exception cref="UnknownKindException">The type is not a registered kind.</exception>
    public KindDescriptor Get(Type type) => _descriptors[IndexOf(type)];

    /// <summary>The dense index of the kind whose objects are <paramref name="type"/>.</summary>
    /// <exception cref="UnknownKindException">The type is not a registered kind.</exception>
    public int IndexOf(Type type) => _types.TryGetValue(type, out var index)
        ? index
        : throw (KindTypes.Find(type) is { } kind ? UnknownKindException.NotRegistered(kind.QualifiedName) : UnknownKindException.ForType(type));

    /// <summary>The kind whose qualified name is the UTF-8 <paramref name="name"/>, or null.</summary>
    public KindDescriptor? Find(ReadOnlySpan<byte> name)
    {
        foreach (var descriptor in _descriptors)
        {
            if (name.SequenceEqual(descriptor.Utf8Name))
            {
                return descriptor;
            }
        }

        return null;
    }
}
