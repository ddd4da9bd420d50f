namespace ClusterState;

/// <summary>
/// Builds a transaction: <see cref="If"/> compares, <see cref="Then"/> operations when all hold, <see cref="Else"/>
/// operations otherwise. <see cref="CommitAsync"/> evaluates and applies it atomically as one revision (no
/// revision is used when the chosen branch is empty). A branch may write each object at most once.
/// </summary>
public sealed class TransactionBuilder
{
    private readonly ClusterStore _store;
    private readonly List<Compare> _compares = [];
    private readonly List<TxnOperation> _then = [];
    private readonly List<TxnOperation> _else = [];

    internal TransactionBuilder(ClusterStore store) => _store = store;

    /// <summary>Adds compares; all must hold for <see cref="Then"/> to run.</summary>
    public TransactionBuilder If(params IEnumerable<Compare> compares)
    {
        _compares.AddRange(compares);
        return this;
    }

    /// <summary>Adds operations to run when every compare holds.</summary>
    public TransactionBuilder Then(params IEnumerable<TxnOperation> operations)
    {
        _then.AddRange(operations);
        return this;
    }

    /// <summary>Adds operations to run when a compare fails.</summary>
    public TransactionBuilder Else(params IEnumerable<TxnOperation> operations)
    {
        _else.AddRange(operations);
        return this;
    }

    /// <summary>Validates and commits the transaction.</summary>
    /// <exception cref="ValidationException">An object breaks a rule, or a branch writes an object twice.</exception>
    /// <exception cref="AlreadyExistsException">A create in the chosen branch found its object; nothing was applied.</exception>
    /// <exception cref="NotFoundException">An update or delete in the chosen branch found no object; nothing was applied.</exception>
    /// <exception cref="ConflictException">A resourceVersion precondition failed; nothing was applied.</exception>
    public ValueTask<TxnResult> CommitAsync(CancellationToken cancellationToken = default) =>
        _store.CommitAsync([.. _compares], [.. _then], [.. _else], cancellationToken);
}
