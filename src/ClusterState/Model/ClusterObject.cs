namespace ClusterState.Model;

/// <summary>
/// The base of every stored object: an immutable record with Kubernetes-style <see cref="Metadata"/>.
/// </summary>
/// <remarks>
/// Objects have value equality and are changed with <c>with</c> expressions. The store fills in the server-owned
/// metadata (uid, resourceVersion, create revision, version, generation, creation time) and hands back the stored
/// object; callers never set those fields.
/// <para>Besides the built-in kinds, a program stores its own: a sealed record deriving from this type, declared with
/// <see cref="KubernetesKindAttribute"/> and registered with <see cref="ClusterStoreOptions.AddKind{T}(KindSerializer{T}, Func{T, IEnumerable{ValidationError}}?)"/>.</para>
/// </remarks>
public abstract record ClusterObject
{
    /// <summary>Creates the object (for records deriving from this type).</summary>
    protected ClusterObject()
    {
    }

    /// <summary>The object's metadata: its name, labels and the revisions the store assigned.</summary>
    public required ObjectMeta Metadata { get; init; }

    /// <summary>The kind of object: for a record of a program's own, the one its <see cref="KubernetesKindAttribute"/> declares.</summary>
    /// <exception cref="UnknownKindException">The type is not a kind (it has no <see cref="KubernetesKindAttribute"/>).</exception>
    [System.Text.Json.Serialization.JsonIgnore]
    public virtual ResourceKind Kind => ResourceKind.Of(GetType());

    /// <summary>True for kinds that live in a namespace; false for cluster-scoped kinds.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsNamespaced => Kind.IsNamespaced;

    /// <summary>
    /// This object with every part (but metadata) that equals <paramref name="previous"/>'s replaced by
    /// <paramref name="previous"/>'s instance, so that consecutive versions share what did not change; and whether
    /// the specification (everything but metadata and status) differs. Kinds of a program's own share nothing and
    /// count any change outside metadata as a change of specification.
    /// </summary>
    internal virtual ClusterObject ShareUnchanged(ClusterObject previous, out bool specDiffers)
    {
        specDiffers = previous.GetType() != GetType() || !Equals(this with { Metadata = previous.Metadata }, previous);
        return this;
    }

    /// <summary>
    /// True when writing this object over <paramref name="stored"/> would change nothing: they are equal once the
    /// fields the store assigns (uid, resourceVersion, revisions, version, generation, creation time) are set aside.
    /// </summary>
    internal bool HasSameContentAs(ClusterObject stored)
    {
        var m = stored.Metadata;
        var aligned = this with
        {
            Metadata = Metadata with
            {
                Uid = m.Uid,
                ResourceVersion = m.ResourceVersion,
                CreateRevision = m.CreateRevision,
                Version = m.Version,
                Generation = m.Generation,
                CreationTimestamp = m.CreationTimestamp,
            },
        };
        return aligned.Equals(stored);
    }

    /// <summary>
    /// This object with the parts many objects hold in equal copies (selectors, port lists) replaced by the
    /// <paramref name="interner"/>'s shared instances; metadata is the caller's. Kinds without such parts return themselves.
    /// </summary>
    internal virtual ClusterObject InternParts(Interner interner) => this;
}
