using ClusterState.Model;

namespace ClusterState;

/// <summary>The kind of write a <see cref="TxnOperation"/> performs.</summary>
public enum TxnOperationType
{
    /// <summary>Create an object that must not exist.</summary>
    Create = 0,

    /// <summary>Replace an object that must exist, optionally only at an expected resourceVersion.</summary>
    Update = 1,

    /// <summary>Delete an object that must exist, optionally only at an expected resourceVersion.</summary>
    Delete = 2,
}

/// <summary>
/// One write of a transaction. Build them with <see cref="Create"/>, <see cref="Update"/>,
/// <see cref="UpdateUnconditionally"/> and <see cref="Delete{T}"/>.
/// </summary>
public sealed record TxnOperation
{
    private TxnOperation(TxnOperationType type, ResourceKind kind, string @namespace, string name, ClusterObject? obj, long expectedResourceVersion, bool skipIfUnchanged = false)
    {
        Type = type;
        Kind = kind;
        Namespace = @namespace;
        Name = name;
        Object = obj;
        ExpectedResourceVersion = expectedResourceVersion;
        SkipIfUnchanged = skipIfUnchanged;
    }

    /// <summary>What the operation does.</summary>
    public TxnOperationType Type { get; }

    /// <summary>The object's kind.</summary>
    public ResourceKind Kind { get; }

    /// <summary>The object's namespace.</summary>
    public string Namespace { get; }

    /// <summary>The object's name.</summary>
    public string Name { get; }

    /// <summary>The object to write, for create and update.</summary>
    public ClusterObject? Object { get; }

    /// <summary>The resourceVersion the stored object must have, or 0 for none.</summary>
    public long ExpectedResourceVersion { get; }

    /// <summary>
    /// For an update: write nothing when the object equals the stored one but for the fields the store assigns (see
    /// <see cref="OnlyIfChanged"/>).
    /// </summary>
    public bool SkipIfUnchanged { get; }

    /// <summary>
    /// This update, made a no-op when it would change nothing: when <see cref="Object"/> equals the stored object once
    /// uid, resourceVersion, revisions, version, generation and creation time are set aside, the stored object is left
    /// as it is (no new resourceVersion, no watch event; the result is the stored object), as the Kubernetes API server
    /// does with an update that changes nothing. Preconditions still apply. A transaction of such operations only
    /// commits a revision when one of them changes something. The choice travels with the request, so every replica
    /// of a Raft group makes the same one.
    /// </summary>
    /// <exception cref="InvalidOperationException">The operation is not an update.</exception>
    public TxnOperation OnlyIfChanged() =>
        Type == TxnOperationType.Update
            ? SkipIfUnchanged ? this : new(Type, Kind, Namespace, Name, Object, ExpectedResourceVersion, skipIfUnchanged: true)
            : throw new InvalidOperationException($"Only an update can be skipped when unchanged; this is a {Type} of {Describe(Kind, Namespace, Name)}.");

    /// <summary>Creates <paramref name="obj"/>; fails with <see cref="AlreadyExistsException"/> when it exists.</summary>
    public static TxnOperation Create(ClusterObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return new(TxnOperationType.Create, obj.Kind, obj.Metadata?.Namespace ?? string.Empty, obj.Metadata?.Name ?? string.Empty, obj, 0);
    }

    /// <summary>
    /// Replaces the stored object with <paramref name="obj"/> if the stored object's resourceVersion still equals
    /// <c>obj.Metadata.ResourceVersion</c> (read it from the store first); fails with
    /// <see cref="ConflictException"/> otherwise, and with <see cref="NotFoundException"/> when it does not exist.
    /// </summary>
    public static TxnOperation Update(ClusterObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (obj.Metadata is { ResourceVersion: <= 0 })
        {
            throw new ValidationException(
                Describe(obj.Kind, obj.Metadata.Namespace, obj.Metadata.Name),
                [new ValidationError("metadata.resourceVersion", "Required value: a conditional update needs the resourceVersion read from the store (or use an unconditional update)")]);
        }

        return new(TxnOperationType.Update, obj.Kind, obj.Metadata?.Namespace ?? string.Empty, obj.Metadata?.Name ?? string.Empty, obj, obj.Metadata?.ResourceVersion ?? 0);
    }

    /// <summary>Replaces the stored object with <paramref name="obj"/> whatever its resourceVersion (last write wins).</summary>
    public static TxnOperation UpdateUnconditionally(ClusterObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return new(TxnOperationType.Update, obj.Kind, obj.Metadata?.Namespace ?? string.Empty, obj.Metadata?.Name ?? string.Empty, obj, 0);
    }

    /// <summary>
    /// Deletes an object; with <paramref name="expectedResourceVersion"/>, only if it is still at that version
    /// (else <see cref="ConflictException"/>).
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026", Justification = "The generic and the kind-taking forms differ in arity; callers never confuse them.")]
    public static TxnOperation Delete<T>(string @namespace, string name, long? expectedResourceVersion = null)
        where T : ClusterObject => Delete(ResourceKind.Of<T>(), @namespace, name, expectedResourceVersion);

    /// <summary>Deletes an object of <paramref name="kind"/>; see <see cref="Delete{T}"/>.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026", Justification = "The generic and the kind-taking forms differ in arity; callers never confuse them.")]
    public static TxnOperation Delete(ResourceKind kind, string @namespace, string name, long? expectedResourceVersion = null)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(@namespace);
        ArgumentNullException.ThrowIfNull(name);
        if (expectedResourceVersion is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(expectedResourceVersion), expectedResourceVersion, "A resourceVersion precondition must be positive.");
        }

        return new(TxnOperationType.Delete, kind, @namespace, name, null, expectedResourceVersion ?? 0);
    }

    /// <summary>Rebuilds an operation read back from the replicated log (validated when it was first proposed).</summary>
    internal static TxnOperation Restore(TxnOperationType type, ResourceKind kind, string @namespace, string name, ClusterObject? obj, long expectedResourceVersion, bool skipIfUnchanged) =>
        new(type, kind, @namespace, name, obj, expectedResourceVersion, skipIfUnchanged);

    internal static string Describe(ResourceKind kind, string? @namespace, string? name) =>
        string.IsNullOrEmpty(@namespace) ? $"{kind} {name}" : $"{kind} {@namespace}/{name}";
}
