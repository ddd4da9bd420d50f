namespace ClusterState.Model;

/// <summary>
/// Metadata every object carries, as Kubernetes' <c>ObjectMeta</c>. The caller sets <see cref="Namespace"/>,
/// <see cref="Name"/>, <see cref="Labels"/>, <see cref="Annotations"/>, <see cref="Finalizers"/> and
/// <see cref="OwnerReferences"/>; the store sets the rest.
/// </summary>
public sealed record ObjectMeta
{
    /// <summary>The namespace (a DNS-1123 label); empty for cluster-scoped kinds.</summary>
    public string Namespace { get; init; } = string.Empty;

    /// <summary>The name, unique per kind within the namespace.</summary>
    public required string Name { get; init; }

    /// <summary>Labels used by selectors.</summary>
    public StringMap Labels { get; init; }

    /// <summary>Free-form annotations.</summary>
    public StringMap Annotations
    {
        get => _extras?.Annotations ?? default;
        init => _extras = _extras is null && value.Count == 0 ? null : ObjectMetaExtras.Normalize((_extras ?? ObjectMetaExtras.None) with { Annotations = value });
    }

    /// <summary>Finalizer names (qualified names).</summary>
    public ValueArray<string> Finalizers
    {
        get => _extras?.Finalizers ?? default;
        init => _extras = _extras is null && value.Count == 0 ? null : ObjectMetaExtras.Normalize((_extras ?? ObjectMetaExtras.None) with { Finalizers = value });
    }

    /// <summary>The objects this object depends on.</summary>
    public ValueArray<OwnerReference> OwnerReferences
    {
        get => _extras?.OwnerReferences ?? default;
        init => _extras = _extras is null && value.Count == 0 ? null : ObjectMetaExtras.Normalize((_extras ?? ObjectMetaExtras.None) with { OwnerReferences = value });
    }

    /// <summary>The fields most objects leave empty, kept apart (null when all are empty) so that they cost nothing then.</summary>
    private readonly ObjectMetaExtras? _extras;

    /// <summary><see cref="CreationTimestamp"/> as UTC ticks (the instant is what counts, as in its equality).</summary>
    private readonly long _creationTicks;

    /// <summary>Assigned by the store when the object is created; stays the same until it is deleted.</summary>
    public Guid Uid { get; init; }

    /// <summary>
    /// The revision of the object's last change (etcd's mod revision); the value to pass back as a precondition
    /// on update or delete. Zero on objects that have not been stored.
    /// </summary>
    public long ResourceVersion { get; init; }

    /// <summary>The revision at which the object was created (etcd's create revision).</summary>
    public long CreateRevision { get; init; }

    /// <summary>How many times the object was written since it was created: 1 on create (etcd's version).</summary>
    public long Version { get; init; }

    /// <summary>Bumped by the store when the specification changes (not on metadata-only or status updates).</summary>
    public long Generation { get; init; }

    /// <summary>When the object was created, from the store's <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset CreationTimestamp
    {
        get => new(_creationTicks, TimeSpan.Zero);
        init => _creationTicks = value.UtcTicks;
    }

    /// <summary>
    /// When the object was asked to be deleted, as Kubernetes' <c>metadata.deletionTimestamp</c> (e.g. a terminating
    /// pod, which endpoint controllers stop routing to); null when it was not. A field like any other: the store
    /// deletes an object only when told to.
    /// </summary>
    public DateTimeOffset? DeletionTimestamp
    {
        get => _extras?.DeletionTimestamp;
        init => _extras = _extras is null && value is null ? null : ObjectMetaExtras.Normalize((_extras ?? ObjectMetaExtras.None) with { DeletionTimestamp = value });
    }
}

/// <summary>The parts of <see cref="ObjectMeta"/> that most objects leave empty.</summary>
internal sealed record ObjectMetaExtras
{
    /// <summary>All empty: never stored (an <see cref="ObjectMeta"/> holds null instead).</summary>
    public static readonly ObjectMetaExtras None = new();

    public StringMap Annotations { get; init; }

    public ValueArray<string> Finalizers { get; init; }

    public ValueArray<OwnerReference> OwnerReferences { get; init; }

    public DateTimeOffset? DeletionTimestamp { get; init; }

    /// <summary>Null when every part is empty, so that equal metadata holds equal extras.</summary>
    public static ObjectMetaExtras? Normalize(ObjectMetaExtras extras) => extras.Equals(None) ? null : extras;
}

/// <summary>A reference to an object that owns this one (Kubernetes' <c>OwnerReference</c>).</summary>
public sealed record OwnerReference
{
    /// <summary>API version of the owner, e.g. <c>v1</c>.</summary>
    public required string ApiVersion { get; init; }

    /// <summary>Kind of the owner, e.g. <c>Service</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>Name of the owner.</summary>
    public required string Name { get; init; }

    /// <summary>Uid of the owner.</summary>
    public Guid Uid { get; init; }

    /// <summary>True when the owner is the managing controller.</summary>
    public bool? Controller { get; init; }

    /// <summary>True when the owner cannot be deleted before this object.</summary>
    public bool? BlockOwnerDeletion { get; init; }
}
