using ClusterState.Model;

namespace ClusterState;

/// <summary>
/// A store of cluster network state with etcd's semantics: one global revision bumped by every committed write
/// batch, per-object create revision, resourceVersion (mod revision) and version, reads at the latest or a past
/// revision, optimistic concurrency, atomic multi-object transactions, compaction, and ordered, gap-free watches.
/// </summary>
/// <remarks>
/// Reads never block and never see part of a batch. Writes are validated on the caller's thread, then go through
/// one commit path in order. Thread-safe: share one instance.
/// </remarks>
public interface IClusterStore : IDisposable
{
    /// <summary>The latest committed revision (0 for an empty store that has never been written).</summary>
    long Revision { get; }

    /// <summary>The compaction revision: reads and watches below it fail with <see cref="RevisionCompactedException"/>.</summary>
    long CompactedRevision { get; }

    /// <summary>Services.</summary>
    IResourceCollection<Service> Services { get; }

    /// <summary>Endpoints.</summary>
    IResourceCollection<Endpoints> Endpoints { get; }

    /// <summary>EndpointSlices.</summary>
    IResourceCollection<EndpointSlice> EndpointSlices { get; }

    /// <summary>NetworkPolicies.</summary>
    IResourceCollection<NetworkPolicy> NetworkPolicies { get; }

    /// <summary>Cluster network configurations (cluster-scoped: use an empty namespace).</summary>
    IResourceCollection<ClusterNetworkConfig> NetworkConfigs { get; }

    /// <summary>The kinds this store holds: the built-in kinds, then those registered in its options.</summary>
    IReadOnlyList<ResourceKind> Kinds { get; }

    /// <summary>
    /// The objects of <paramref name="kind"/>, as <see cref="IResourceCollection{T}.List"/> lists them, for code that
    /// learns the kind at run time (a manifest, an API path).
    /// </summary>
    /// <exception cref="UnknownKindException">The kind is not one this store holds.</exception>
    ListResult<ClusterObject> List(ResourceKind kind, ListOptions? options = null);

    /// <summary>The object of <paramref name="kind"/> named <paramref name="name"/>, as <see cref="IResourceCollection{T}.Get"/> reads it.</summary>
    /// <exception cref="UnknownKindException">The kind is not one this store holds.</exception>
    ClusterObject? Get(ResourceKind kind, string @namespace, string name, long? revision = null);

    /// <summary>The collection of objects of <typeparamref name="T"/>, a built-in kind or one registered with the store.</summary>
    /// <exception cref="UnknownKindException"><typeparamref name="T"/> is not a kind this store holds.</exception>
    IResourceCollection<T> Collection<T>()
        where T : ClusterObject;

    /// <summary>
    /// On a Raft peer: the id of the leader this peer follows (its own id when it leads; 0 while there is none).
    /// Always 0 on a single-node store.
    /// </summary>
    ulong Leader { get; }

    /// <summary>
    /// On a Raft peer: the group's membership as this peer has applied it (voters, learners, and the outgoing
    /// voters while a change is under way). Null on a single-node store.
    /// </summary>
    RaftMembership? Membership { get; }

    /// <summary>
    /// Starts a transaction across kinds: <c>If</c> compares, <c>Then</c> operations when all hold, <c>Else</c>
    /// operations otherwise; committed atomically as one revision.
    /// </summary>
    TransactionBuilder Transaction();

    /// <summary>
    /// Waits until this store has applied every write committed anywhere before the call, and returns its
    /// revision: reads at that revision (or later) are linearizable. On a Raft peer this is a ReadIndex round
    /// through the leader; plain reads on a peer are serializable (local, possibly behind the leader). On a
    /// single-node store it returns <see cref="Revision"/> at once.
    /// </summary>
    Task<long> SyncAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Drops history below <paramref name="revision"/>. Reads at it and later keep working; older reads and watches
    /// fail with <see cref="RevisionCompactedException"/>.
    /// </summary>
    ValueTask CompactAsync(long revision, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a consistent snapshot of every object at the current revision to <paramref name="destination"/>
    /// (like <c>etcdctl snapshot save</c>) while writes continue. Restore it with
    /// <see cref="ClusterStore.RestoreAsync"/>; inspect it with <see cref="ClusterStore.InspectSnapshotAsync"/>.
    /// </summary>
    Task<SnapshotInfo> SaveSnapshotAsync(Stream destination, CancellationToken cancellationToken = default);

    /// <summary>Watches every kind as an observable; each subscription is its own watch.</summary>
    IObservable<WatchEvent<ClusterObject>> Watch(WatchOptions? options = null);

    /// <summary>Watches every kind as an async sequence; the start revision is fixed when this is called.</summary>
    IAsyncEnumerable<WatchEvent<ClusterObject>> WatchAsync(WatchOptions? options = null, CancellationToken cancellationToken = default);
}
