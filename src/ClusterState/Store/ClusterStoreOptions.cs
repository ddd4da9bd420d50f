using ClusterState.Kinds;
using ClusterState.Model;

namespace ClusterState;

/// <summary>Settings of a <see cref="ClusterStore"/>. Every limit is explicit; the defaults follow etcd where it has one.</summary>
public sealed class ClusterStoreOptions
{
    /// <summary>etcd's default request size limit (1.5 MiB).</summary>
    public const long DefaultMaxObjectBytes = 1536 * 1024;

    /// <summary>
    /// The largest object accepted, in bytes of its encoded form (strings as UTF-8 plus a small fixed cost per
    /// field). A larger object fails with <see cref="LimitExceededException"/>. Default: 1.5 MiB, like etcd.
    /// </summary>
    public long MaxObjectBytes { get; set; } = DefaultMaxObjectBytes;

    /// <summary>
    /// The most operations one transaction branch may hold; more fail with <see cref="LimitExceededException"/>.
    /// Default: 1024 (etcd's default is 128).
    /// </summary>
    public int MaxOperationsPerTransaction { get; set; } = 1024;

    /// <summary>
    /// The largest transaction accepted, in bytes of its objects' encoded form added up (each branch on its own).
    /// A larger one fails with <see cref="LimitExceededException"/> before it reaches the commit path. It keeps every
    /// write a single log record and a single Raft entry that the store can read back. Default: 8 MiB; at least
    /// <see cref="MaxObjectBytes"/> and at most 256 MiB.
    /// </summary>
    public long MaxTransactionBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>The largest value <see cref="MaxTransactionBytes"/> may take: far below the log's record limit.</summary>
    public const long MaxTransactionBytesCeiling = 256L * 1024 * 1024;

    /// <summary>
    /// How many revisions of history the store keeps for reads at past revisions and for watches to replay and
    /// catch up from; older history is compacted automatically as writes arrive. Null turns automatic compaction
    /// off (history then grows until <see cref="IClusterStore.CompactAsync"/> is called, as etcd without
    /// auto-compaction). Default: 10,000 revisions. Every retained version lives on the managed heap, so a longer
    /// history costs memory and collection time on every write (see the benchmarks).
    /// </summary>
    public long? HistoryRetention { get; set; } = 10_000;

    /// <summary>
    /// Makes every update this store proposes skip itself when it would change nothing (see
    /// <see cref="TxnOperation.OnlyIfChanged"/>): no new resourceVersion, no watch event, as the Kubernetes API server
    /// behaves. Default false: every update writes a revision, as etcd does. Per operation, use
    /// <see cref="TxnOperation.OnlyIfChanged"/> instead.
    /// </summary>
    public bool SkipUnchangedUpdates { get; set; }

    /// <summary>
    /// How often watchers that asked for progress notifications receive a bookmark carrying the current revision
    /// while they are caught up. Default: 10 minutes, like etcd's progress-notify interval.
    /// </summary>
    public TimeSpan WatchProgressInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The directory that makes the store durable: a write-ahead log of every committed batch, replayed when the
    /// store is opened again. Null (the default) keeps the store in memory only. A directory is held by one store
    /// at a time.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>
    /// The store's name in its metrics (the <see cref="ClusterStateInstrumentation.StoreTag"/> tag of every
    /// measurement), so that several stores in one process report apart. Default: <c>default</c>.
    /// </summary>
    public string Name { get; set; } = "default";

    /// <summary>
    /// Makes the store one peer of a Raft group; null (the default) for a single-node store. With
    /// <see cref="DataDirectory"/> the peer keeps its Raft log and snapshots there (honouring
    /// <see cref="Durability"/>) and restarts from them; without it, the peer lives in memory.
    /// </summary>
    public RaftOptions? Raft { get; set; }

    /// <summary>When a durable store acknowledges a write. Default: <see cref="DurabilityMode.Fsync"/>.</summary>
    public DurabilityMode Durability { get; set; } = DurabilityMode.Fsync;

    /// <summary>The size at which a log segment is closed and a new one started. Default: 64 MiB.</summary>
    public long WalSegmentBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// A durable store writes a snapshot of its state in the background every this many revisions, then removes
    /// the log segments the snapshot covers, so that reopening replays at most about this many batches.
    /// Default: 10,000.
    /// </summary>
    public long SnapshotEveryRevisions { get; set; } = 10_000;

    /// <summary>
    /// Opens log segment files (path, create new?); replaced by tests to inject I/O failures. Null opens files.
    /// </summary>
    internal Func<string, bool, Stream>? OpenSegment { get; set; }

    /// <summary>
    /// The largest log record the writer produces; never above what the reader accepts. Lowered by tests to reach
    /// the writer's own check, which backs up <see cref="MaxTransactionBytes"/>.
    /// </summary>
    internal int MaxLogRecordBytes { get; set; } = Persistence.WalRecord.MaxBodyBytes;

    /// <summary>Checks every setting; throws <see cref="ArgumentOutOfRangeException"/> naming the first bad one.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxObjectBytes, 1024, nameof(MaxObjectBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxOperationsPerTransaction, 1, nameof(MaxOperationsPerTransaction));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTransactionBytes, MaxObjectBytes, nameof(MaxTransactionBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxTransactionBytes, MaxTransactionBytesCeiling, nameof(MaxTransactionBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxLogRecordBytes, Persistence.WalRecord.MaxBodyBytes, nameof(MaxLogRecordBytes));
        if (HistoryRetention is { } retention)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(retention, 1, nameof(HistoryRetention));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(WatchProgressInterval, TimeSpan.Zero, nameof(WatchProgressInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(WalSegmentBytes, 4096, nameof(WalSegmentBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(SnapshotEveryRevisions, 1, nameof(SnapshotEveryRevisions));
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new ArgumentOutOfRangeException(nameof(Name), Name, "A store needs a name (it tags the store's metrics).");
        }

        Raft?.Validate();
        if (Raft?.Transport is TcpRaftTransport tcp && MaxTransactionBytes > tcp.MaxFrameBytes / 2)
        {
            // One transaction is one Raft entry, which must fit one frame with its encoding overhead, or no
            // follower could ever receive it.
            throw new ArgumentOutOfRangeException(
                nameof(MaxTransactionBytes),
                MaxTransactionBytes,
                $"A Raft peer over TCP needs MaxTransactionBytes at most half the transport's MaxFrameBytes ({tcp.MaxFrameBytes}), so that every transaction fits one frame.");
        }
        if (!Enum.IsDefined(Durability))
        {
            throw new ArgumentOutOfRangeException(nameof(Durability), Durability, "Unknown durability mode.");
        }
    }

    /// <summary>
    /// Registers a kind of the program's own: a record deriving from <see cref="ClusterObject"/>, declared with
    /// <see cref="KubernetesKindAttribute"/>. Its objects then go everywhere the built-in kinds go
    /// (<see cref="IClusterStore.Collection{T}"/>, transactions, watches, the log, snapshots, backups, Raft), under the
    /// same limits. Every store that opens data holding the kind must register it: one that does not refuses to open.
    /// </summary>
    /// <param name="serializer">How its objects are written: <see cref="KindSerializer.Json{T}(System.Text.Json.Serialization.Metadata.IJsonTypeInfoResolver)"/>, or one of the program's own.</param>
    /// <param name="validator">
    /// The kind's own rules, returning every violation (field paths from the object's root, e.g. <c>spec.port</c>);
    /// null when the common metadata rules are enough.
    /// </param>
    /// <returns>These options, to chain calls.</returns>
    /// <exception cref="UnknownKindException"><typeparamref name="T"/> has no <see cref="KubernetesKindAttribute"/>.</exception>
    /// <exception cref="ArgumentException">The kind, or its plural name in its group, is already registered or built in.</exception>
    public ClusterStoreOptions AddKind<T>(KindSerializer<T> serializer, Func<T, IEnumerable<ValidationError>>? validator = null)
        where T : ClusterObject
    {
        ArgumentNullException.ThrowIfNull(serializer);
        var kind = ResourceKind.Of<T>();
        var descriptor = new RegisteredKind<T>(kind, serializer, validator);
        var registered = new List<KindDescriptor>(_kinds) { descriptor };
        _registry = new KindRegistry(registered);   // checks the kind does not clash before taking it
        _kinds = registered;
        RegisteredKinds.Add(descriptor);            // Kubernetes JSON (KubernetesJson, manifests, the API endpoint)
        return this;
    }

    private List<KindDescriptor> _kinds = [];

    private KindRegistry? _registry;

    /// <summary>The kinds a store with these options holds: the built-in ones and those registered.</summary>
    internal KindRegistry Registry => _registry ??= _kinds.Count == 0 ? KindRegistry.BuiltIn : new KindRegistry(_kinds);

    internal ClusterStoreOptions Clone()
    {
        var clone = (ClusterStoreOptions)MemberwiseClone();
        clone._kinds = [.. _kinds];
        clone._registry = null;
        return clone;
    }
}
