namespace ClusterState.Model;

/// <summary>
/// The base of every stored object: an immutable record with Kubernetes-style <see cref="Metadata"/>.
/// </summary>
/// <remarks>
/// Objects have value equality and are changed with <c>with</c> expressions. The store fills in the server-owned
/// metadata (uid, resourceVersion, create revision, version, generation, creation time) and hands back the stored
/// object; callers never set those fields.
/// </remarks>
public abstract record ClusterObject
{
    private protected ClusterObject()
    {
    }

    /// <summary>The object's metadata: its name, labels and the revisions the store assigned.</summary>
    public required ObjectMeta Metadata { get; init; }

    /// <summary>The kind of object.</summary>
    public abstract ResourceKind Kind { get; }

    /// <summary>True for kinds that live in a namespace; false for cluster-scoped kinds.</summary>
    public bool IsNamespaced => Kind != ResourceKind.ClusterNetworkConfig;

    /// <summary>
    /// This object with every part (but metadata) that equals <paramref name="previous"/>'s replaced by
    /// <paramref name="previous"/>'s instance, so that consecutive versions share what did not change; and whether
    /// the specification (everything but metadata and status) differs.
    /// </summary>
    internal abstract ClusterObject ShareUnchanged(ClusterObject previous, out bool specDiffers);
}
