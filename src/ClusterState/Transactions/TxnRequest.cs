using ClusterState.Model;
using ClusterState.Validation;

namespace ClusterState;

/// <summary>
/// A validated write request as the commit path carries it: compares, the two branches, and the values the
/// proposer fixes so that applying it is deterministic on every replica (the timestamp and the uid seed).
/// </summary>
internal sealed class TxnRequest
{
    private TxnRequest(Compare[] compares, TxnOperation[] success, TxnOperation[] failure, DateTimeOffset timestamp, ulong uidPrefix, long uidBase)
    {
        Compares = compares;
        Success = success;
        Failure = failure;
        Timestamp = timestamp;
        UidPrefix = uidPrefix;
        UidBase = uidBase;
    }

    public Compare[] Compares { get; }

    public TxnOperation[] Success { get; }

    public TxnOperation[] Failure { get; }

    /// <summary>The creation time given to objects this request creates.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>The random half of the uids this request gives; see <see cref="UidFor"/>.</summary>
    public ulong UidPrefix { get; }

    /// <summary>The counter value of the uid of operation 0; operation i gets <c>UidBase + i</c>.</summary>
    public long UidBase { get; }

    /// <summary>
    /// Validates every operation (on the caller's thread, before the commit path) and fixes timestamp and uid seed.
    /// </summary>
    public static TxnRequest Prepare(Compare[] compares, TxnOperation[] success, TxnOperation[] failure, ClusterStoreOptions options, TimeProvider time, UidGenerator uids)
    {
        if (success.Length > options.MaxOperationsPerTransaction || failure.Length > options.MaxOperationsPerTransaction)
        {
            throw new LimitExceededException("operations per transaction", Math.Max(success.Length, failure.Length), options.MaxOperationsPerTransaction, "transaction");
        }

        foreach (var compare in compares)
        {
            ArgumentNullException.ThrowIfNull(compare, nameof(compares));
            if (compare.Kind is null || !Enum.IsDefined(compare.Target) || !Enum.IsDefined(compare.Operator))
            {
                throw new ArgumentException($"Compare {compare} has an undefined kind, target or operator.", nameof(compares));
            }

            if (!options.Registry.Contains(compare.Kind))
            {
                throw UnknownKindException.NotRegistered(compare.Kind.QualifiedName);
            }

            if (compare.Namespace is null || string.IsNullOrEmpty(compare.Name))
            {
                throw new ArgumentException($"Compare {compare} needs a namespace (empty for cluster-scoped kinds) and a name.", nameof(compares));
            }
        }

        CheckBranch(success, "then", options);
        CheckBranch(failure, "else", options);
        if (options.SkipUnchangedUpdates)
        {
            success = SkipUnchanged(success);
            failure = SkipUnchanged(failure);
        }

        // Reserve a uid for every operation of the longer branch: either may run, and unused values cost nothing.
        var uidBase = uids.Reserve(Math.Max(success.Length, failure.Length));
        return new TxnRequest(compares, success, failure, time.GetUtcNow(), uids.Prefix, uidBase);
    }

    /// <summary>Rebuilds a request read back from the replicated log.</summary>
    public static TxnRequest Restore(Compare[] compares, TxnOperation[] success, TxnOperation[] failure, DateTimeOffset timestamp, ulong uidPrefix, long uidBase) =>
        new(compares, success, failure, timestamp, uidPrefix, uidBase);

    /// <summary>A single-operation request with no compares.</summary>
    public static TxnRequest Single(TxnOperation operation, ClusterStoreOptions options, TimeProvider time, UidGenerator uids) =>
        Prepare([], [operation], [], options, time, uids);

    /// <summary>The uid for the object created by operation <paramref name="index"/> of the request.</summary>
    public Guid UidFor(int index) => UidGenerator.Compose(UidPrefix, UidBase + index);

    /// <summary>The branch with every update made to skip itself when it changes nothing; the same array when there is none to change.</summary>
    private static TxnOperation[] SkipUnchanged(TxnOperation[] operations)
    {
        var marked = operations;
        for (var i = 0; i < operations.Length; i++)
        {
            if (operations[i] is { Type: TxnOperationType.Update, SkipIfUnchanged: false } update)
            {
                if (ReferenceEquals(marked, operations))
                {
                    marked = (TxnOperation[])operations.Clone();
                }

                marked[i] = update.OnlyIfChanged();
            }
        }

        return marked;
    }

    private static void CheckBranch(TxnOperation[] operations, string branch, ClusterStoreOptions options)
    {
        HashSet<(ResourceKind, ObjectNameKey)>? seen = operations.Length > 1 ? [] : null;
        long bytes = 0;
        for (var i = 0; i < operations.Length; i++)
        {
            var operation = operations[i];
            ArgumentNullException.ThrowIfNull(operation, nameof(operations));
            if (operation.Object is { } obj)
            {
                bytes += ObjectValidator.Validate(obj, options.MaxObjectBytes, options.Registry);
                if (bytes > options.MaxTransactionBytes)
                {
                    throw new LimitExceededException("transaction size (bytes)", bytes, options.MaxTransactionBytes, $"transaction ({branch} branch, up to operation {i})");
                }
            }
            else if (!options.Registry.Contains(operation.Kind))
            {
                throw UnknownKindException.NotRegistered(operation.Kind.QualifiedName);
            }
            else if (string.IsNullOrEmpty(operation.Name))
            {
                throw new ValidationException($"{branch}[{i}]", [new ValidationError("name", "Required value")]);
            }

            if (seen is not null && !seen.Add((operation.Kind, new ObjectNameKey(operation.Namespace, operation.Name))))
            {
                throw new ValidationException(
                    "transaction",
                    [new ValidationError($"{branch}[{i}]", $"Duplicate value: {TxnOperation.Describe(operation.Kind, operation.Namespace, operation.Name)} is already written by an earlier operation of this branch")]);
            }
        }
    }

    private readonly record struct ObjectNameKey(string Namespace, string Name);
}
