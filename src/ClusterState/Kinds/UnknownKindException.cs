namespace ClusterState;

/// <summary>
/// A kind the store does not hold: a type that is not a kind, a kind that was not registered with this store, or
/// stored data (a log, a snapshot, a backup, a replicated entry) naming a kind this store was not given. Stored
/// objects of an unknown kind are never dropped: the store refuses to open instead.
/// </summary>
public sealed class UnknownKindException : ClusterStateException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">The kind's name as it was met (a qualified kind name or a type name).</param>
    /// <param name="message">What was being done and how to fix it.</param>
    public UnknownKindException(string kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    /// <summary>The kind's name as it was met, e.g. <c>Gateway.gateway.example.com</c>.</summary>
    public string Kind { get; }

    internal static UnknownKindException ForType(Type type) => new(
        type.Name,
        $"{type.Name} is not a kind: a kind is a concrete record deriving from ClusterObject, built in or declared with [KubernetesKind].");

    internal static UnknownKindException NotRegistered(string kind) => new(
        kind,
        $"The kind {kind} is not registered with this store; register it with ClusterStoreOptions.AddKind before the store is created.");

    internal static UnknownKindException InData(string kind, string source) => new(
        kind,
        $"{source} holds objects of the kind {kind}, which is not registered with this store; register it (ClusterStoreOptions.AddKind) to open this data. Nothing was dropped.");
}
