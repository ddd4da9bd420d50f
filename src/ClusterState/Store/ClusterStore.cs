using System.Diagnostics.Metrics;
using ClusterState.Hosting;
using ClusterState.Model;
using ClusterState.Persistence;
using ClusterState.Replication;
using ClusterState.Storage;
using ClusterState.Watch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterState;

/// <summary>
/// The embedded store: in memory, ready as soon as it is constructed. See <see cref="IClusterStore"/> for the
/// guarantees.
/// </summary>
/// <example>
/// <code>
/// using var store = new ClusterStore();
/// var web = await store.Services.CreateAsync(new Service
/// {
///     Metadata = new() { Namespace = "default", Name = "web" },
///     Spec = new() { ClusterIP = "10.96.0.10", Ports = [new() { Port = 80, TargetPort = 8080 }] },
/// });
/// </code>
/// </example>
public sealed class ClusterStore : IClusterStore
{
    private readonly ClusterStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ICommitPath _commitPath;
    private readonly ClusterStoreMetrics _metrics;
    private readonly UidGenerator _uids = new();
    private readonly DataDirectory? _directory;
    private readonly ResourceCollection<Service> _services;
    private readonly ResourceCollection<Endpoints> _endpoints;
    private readonly ResourceCollection<EndpointSlice> _endpointSlices;
    private readonly ResourceCollection<NetworkPolicy> _networkPolicies;
    private readonly ResourceCollection<ClusterNetworkConfig> _networkConfigs;

    /// <summary>The collection of every kind, by its index in the registry.</summary>
    private readonly object[] _collections;
    private int _disposed;

    /// <summary>
    /// Creates an empty in-memory store or, when <see cref="ClusterStoreOptions.DataDirectory"/> is set, opens the
    /// durable store in that directory, replaying its log (this runs on the calling thread).
    /// </summary>
    /// <exception cref="DataDirectoryLockedException">Another store holds the directory.</exception>
    /// <exception cref="CorruptDataException">The log is damaged somewhere other than a torn last record.</exception>
    /// <param name="options">Limits and history retention; null for the defaults.</param>
    /// <param name="timeProvider">The clock for creation timestamps and progress notifications; null for the system clock.</param>
    /// <param name="loggerFactory">Where the store logs; null for nowhere.</param>
    /// <param name="meterFactory">Where the store's metrics are created; null for a meter of its own.</param>
    public ClusterStore(
        ClusterStoreOptions? options = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null)
    {
        _options = (options ?? new ClusterStoreOptions()).Clone();
        _options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ClusterStore>();

        State = new MvccStore(_options.Registry);
        Hub = new WatchHub(State, _time, _options.WatchProgressInterval);
        State.Committed = Hub.OnCommitted;
        try
        {
            _commitPath = OpenCommitPath(out _directory);
        }
        catch
        {
            // Nothing is left holding the directory's lock or the hub's timer when opening fails.
            _directory?.Dispose();
            Hub.Dispose();
            throw;
        }

        _metrics = new ClusterStoreMetrics(meterFactory, State, Hub, _options.Name, RaftPeer, _commitPath.SyncTimer);

        Kinds = [.. _options.Registry.All.Select(d => d.Kind)];
        _collections = [.. _options.Registry.All.Select(d => d.CreateCollection(this))];
        _services = Typed<Service>();
        _endpoints = Typed<Endpoints>();
        _endpointSlices = Typed<EndpointSlice>();
        _networkPolicies = Typed<NetworkPolicy>();
        _networkConfigs = Typed<ClusterNetworkConfig>();
        Log.StoreCreated(Logger, _options.HistoryRetention);
    }

    /// <summary>Chooses the commit path the options ask for: durable (recovering the directory), Raft, or in memory.</summary>
    private ICommitPath OpenCommitPath(out DataDirectory? directory)
    {
        directory = null;
        var compaction = new CompactionPolicy(_options.HistoryRetention, Logger);
        if (_options.DataDirectory is { } path)
        {
            directory = DataDirectory.Open(path);
            if (_options.Raft is { } durableRaft)
            {
                var storage = new RaftDiskStorage(Path.Combine(directory.Root, "raft"), _options.Durability == DurabilityMode.Fsync);
                try
                {
                    return new ReplicatedCommitPath(new RaftPeer(durableRaft, State, compaction, _time, storage, Logger));
                }
                catch
                {
                    storage.Dispose();
                    throw;
                }
            }

            var (wal, snapshotter) = Recovery.Open(directory, State, _options, compaction, _time, Logger);
            return new DurableCommitPath(State, wal, snapshotter, compaction);
        }

        return _options.Raft is { } raft
            ? new ReplicatedCommitPath(new RaftPeer(raft, State, compaction, _time, logger: Logger))
            : new LocalCommitPath(State, compaction);
    }

    /// <inheritdoc />
    public long Revision => State.Revision;

    /// <inheritdoc />
    public long CompactedRevision => State.CompactedRevision;

    /// <inheritdoc />
    public IResourceCollection<Service> Services => _services;

    /// <inheritdoc />
    public IResourceCollection<Endpoints> Endpoints => _endpoints;

    /// <inheritdoc />
    public IResourceCollection<EndpointSlice> EndpointSlices => _endpointSlices;

    /// <inheritdoc />
    public IResourceCollection<NetworkPolicy> NetworkPolicies => _networkPolicies;

    /// <inheritdoc />
    public IResourceCollection<ClusterNetworkConfig> NetworkConfigs => _networkConfigs;

    internal MvccStore State { get; }

    internal WatchHub Hub { get; }

    internal ILogger Logger { get; }

    /// <summary>
    /// On a Raft peer: the id of the leader this peer follows (its own id when it leads; 0 while there is none).
    /// Always 0 on a single-node store.
    /// </summary>
    public ulong Leader => RaftPeer?.Leader ?? 0;

    /// <summary>
    /// On the leading Raft peer: hands leadership to the peer <paramref name="targetNodeId"/> (it is brought up to
    /// date first; new writes wait meanwhile). Returns true once the target leads, false if it did not within
    /// <see cref="RaftOptions.CommitTimeout"/> or this peer does not lead.
    /// </summary>
    /// <exception cref="InvalidOperationException">The store is not a Raft peer.</exception>
    public Task<bool> TransferLeadershipAsync(ulong targetNodeId, CancellationToken cancellationToken = default) =>
        (RaftPeer ?? throw new InvalidOperationException("Only a Raft peer has a leader to transfer.")).TransferLeadershipAsync(targetNodeId, cancellationToken);

    /// <summary>
    /// On a Raft peer: the group's membership as this peer has applied it (voters, learners, and the outgoing
    /// voters while a change is under way). Null on a single-node store.
    /// </summary>
    public RaftMembership? Membership => RaftPeer is { } peer ? RaftMembership.From(peer.Membership) : null;

    /// <summary>
    /// On the leading Raft peer: adds <paramref name="nodeId"/> as a learner, which receives the log (a snapshot
    /// first when it is far behind) but neither votes nor counts toward a quorum. Start the new peer with empty
    /// <see cref="RaftOptions.Voters"/> (and, over TCP, make its address known to the others). Completes once the
    /// change is applied here.
    /// </summary>
    /// <exception cref="NotLeaderException">This peer does not lead; the exception names the leader.</exception>
    /// <exception cref="InvalidOperationException">The node is a voter, or the store is not a Raft peer.</exception>
    /// <exception cref="StoreUnavailableException">Another membership change is in progress, or this one did not complete within <see cref="RaftOptions.CommitTimeout"/>.</exception>
    public Task AddLearnerAsync(ulong nodeId, CancellationToken cancellationToken = default) =>
        ChangeMembershipAsync(new MembershipChange(MembershipChangeKind.AddLearner, nodeId), cancellationToken);

    /// <summary>
    /// On the leading Raft peer: makes <paramref name="nodeId"/> a voter — a learner that has caught up (90% of the
    /// leader's log, as etcd requires) or a new node. The change goes through a joint configuration (the old and
    /// the new voters' majorities must both agree) and completes once the new configuration is in effect here.
    /// </summary>
    /// <exception cref="NotLeaderException">This peer does not lead; the exception names the leader.</exception>
    /// <exception cref="InvalidOperationException">The learner has not caught up, or the store is not a Raft peer.</exception>
    /// <exception cref="StoreUnavailableException">Another membership change is in progress, or this one did not complete within <see cref="RaftOptions.CommitTimeout"/>.</exception>
    public Task AddVoterAsync(ulong nodeId, CancellationToken cancellationToken = default) =>
        ChangeMembershipAsync(new MembershipChange(MembershipChangeKind.AddVoter, nodeId), cancellationToken);

    /// <summary>
    /// On the leading Raft peer: removes the voter or learner <paramref name="nodeId"/> (through a joint
    /// configuration for a voter). A leader that removes itself steps down once the change is in effect.
    /// </summary>
    /// <exception cref="NotLeaderException">This peer does not lead; the exception names the leader.</exception>
    /// <exception cref="InvalidOperationException">The node is not a member or is the last voter, or the store is not a Raft peer.</exception>
    /// <exception cref="StoreUnavailableException">Another membership change is in progress, or this one did not complete within <see cref="RaftOptions.CommitTimeout"/>.</exception>
    public Task RemoveMemberAsync(ulong nodeId, CancellationToken cancellationToken = default) =>
        ChangeMembershipAsync(new MembershipChange(MembershipChangeKind.Remove, nodeId), cancellationToken);

    private Task ChangeMembershipAsync(MembershipChange change, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(change.NodeId, "nodeId");
        return (RaftPeer ?? throw new InvalidOperationException("Only a Raft peer has a membership to change.")).ChangeMembershipAsync(change, cancellationToken);
    }

    /// <summary>The Raft peer behind a replicated store; null otherwise.</summary>
    internal RaftPeer? RaftPeer => (_commitPath as ReplicatedCommitPath)?.Peer;

    /// <summary>True once the store has been disposed.</summary>
    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Why the store stopped taking writes (its log or its Raft peer failed); null while it works.</summary>
    internal Exception? CommitFailure => _commitPath.Failure;

    /// <inheritdoc />
    public IResourceCollection<T> Collection<T>()
        where T : ClusterObject => Typed<T>();

    /// <inheritdoc />
    public IReadOnlyList<ResourceKind> Kinds { get; }

    /// <inheritdoc />
    public ListResult<ClusterObject> List(ResourceKind kind, ListOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return ((IUntypedCollection)_collections[_options.Registry.IndexOf(kind)]).ListObjects(options);
    }

    /// <inheritdoc />
    public ClusterObject? Get(ResourceKind kind, string @namespace, string name, long? revision = null)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return ((IUntypedCollection)_collections[_options.Registry.IndexOf(kind)]).GetObject(@namespace, name, revision);
    }

    private ResourceCollection<T> Typed<T>()
        where T : ClusterObject => (ResourceCollection<T>)_collections[_options.Registry.IndexOf(typeof(T))];

    /// <inheritdoc />
    public TransactionBuilder Transaction() => new(this);

    /// <inheritdoc />
    public Task<long> SyncAsync(CancellationToken cancellationToken = default) => _commitPath.ReadBarrierAsync(cancellationToken).AsTask();

    /// <inheritdoc />
    public ValueTask CompactAsync(long revision, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(revision, 1);
        return _commitPath.CompactAsync(revision, cancellationToken);
    }

    /// <inheritdoc />
    public IObservable<WatchEvent<ClusterObject>> Watch(WatchOptions? options = null) =>
        WatchObservable<ClusterObject>.Create(Hub, null, options, Logger);

    /// <inheritdoc />
    public IAsyncEnumerable<WatchEvent<ClusterObject>> WatchAsync(WatchOptions? options = null, CancellationToken cancellationToken = default) =>
        WatchStream.Open<ClusterObject>(Hub, null, options, cancellationToken);

    /// <summary>Writes a snapshot of a durable store's directory now (its covered log segments are then removed); returns its revision.</summary>
    /// <exception cref="InvalidOperationException">The store is not a single durable store.</exception>
    internal Task<long> SnapshotNowAsync(CancellationToken cancellationToken) =>
        _commitPath is DurableCommitPath durable
            ? durable.SnapshotNowAsync(cancellationToken)
            : throw new InvalidOperationException("Only a store on a data directory (not a Raft peer) writes snapshots of its directory.");

    /// <inheritdoc />
    public async Task<SnapshotInfo> SaveSnapshotAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var activity = StoreActivities.Start("clusterstate.snapshot.save", ClusterStateInstrumentation.StoreTag, _options.Name);
        var image = State.CaptureCurrent();
        activity?.SetTag("clusterstate.revision", image.Revision);
        activity?.SetTag("clusterstate.objects", image.Objects.Count);
        return await StoreActivities.TraceAsync(activity, SnapshotFile.WriteAsync(destination, image, _options.Registry, _time.GetUtcNow(), cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads a snapshot written by <see cref="SaveSnapshotAsync"/> and reports what it holds, checking its checksum
    /// and every object (like <c>etcdctl snapshot status</c>).
    /// </summary>
    /// <exception cref="CorruptDataException">The stream is not a valid snapshot.</exception>
    /// <exception cref="UnknownKindException">The snapshot holds a kind neither built in nor registered in <paramref name="options"/>.</exception>
    public static async Task<SnapshotInfo> InspectSnapshotAsync(Stream source, ClusterStoreOptions? options = null, CancellationToken cancellationToken = default)
    {
        var bytes = await ReadAllAsync(source, cancellationToken).ConfigureAwait(false);
        return SnapshotFile.Inspect(bytes, (options ?? new ClusterStoreOptions()).Registry, Describe(source));
    }

    /// <summary>
    /// Creates a store holding a snapshot's state (like <c>etcdctl snapshot restore</c>): in memory, or in
    /// <see cref="ClusterStoreOptions.DataDirectory"/>, which must not hold a store yet. The store starts at the
    /// snapshot's revision, with history below it compacted away.
    /// </summary>
    /// <exception cref="CorruptDataException">The stream is not a valid snapshot; nothing is created.</exception>
    /// <exception cref="StoreUnavailableException">The directory already holds a store.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> make the store a Raft peer.</exception>
    public static async Task<ClusterStore> RestoreAsync(
        Stream source,
        ClusterStoreOptions? options = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null,
        CancellationToken cancellationToken = default)
    {
        if (options?.Raft is not null)
        {
            throw new ArgumentException("A snapshot restores into a single-node store; a Raft group is seeded by its peers, not restored into one.", nameof(options));
        }

        var bytes = await ReadAllAsync(source, cancellationToken).ConfigureAwait(false);
        var limits = options ?? new ClusterStoreOptions();
        var (info, image) = SnapshotFile.Read(bytes, limits.Registry, Describe(source));

        // A backup is outside input: every object must pass the same rules as a write before anything is created.
        foreach (var obj in image.Objects.Concat(image.LastBatch?.SelectMany(c => c.Previous is { } p ? [c.Object, p] : new[] { c.Object }) ?? []))
        {
            try
            {
                Validation.ObjectValidator.Validate(obj, limits.MaxObjectBytes, limits.Registry);
            }
            catch (Exception ex) when (ex is ValidationException or LimitExceededException)
            {
                throw new CorruptDataException(Describe(source), 0, $"the backup holds an object the store refuses: {ex.Message}", ex);
            }
        }

        if (options?.DataDirectory is not { } path)
        {
            var store = new ClusterStore(options, timeProvider, loggerFactory, meterFactory);
            try
            {
                store.State.LoadSnapshot(image);
            }
            catch
            {
                store.Dispose();
                throw;
            }

            return store;
        }

        using (var directory = DataDirectory.Open(path))
        {
            if (WalReader.Segments(directory.WalPath).Count > 0 || Snapshotter.Snapshots(directory.SnapshotPath).Count > 0)
            {
                throw new StoreUnavailableException($"The data directory {directory.Root} already holds a store; restore into an empty directory.");
            }

            var target = Path.Combine(directory.SnapshotPath, Snapshotter.SnapshotName(info.Revision));
            await Persistence.Files.DurableFiles.WriteAtomicallyAsync(
                target,
                (file, ct) => file.WriteAsync(bytes, ct).AsTask(),
                fsync: options.Durability == DurabilityMode.Fsync,
                cancellationToken).ConfigureAwait(false);
        }

        return new ClusterStore(options, timeProvider, loggerFactory, meterFactory);
    }

    private static async Task<byte[]> ReadAllAsync(Stream source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var buffer = new MemoryStream();
        await source.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private static string Describe(Stream source) => source is FileStream file ? file.Name : "snapshot stream";

    /// <summary>Stops taking writes and completes every watch (observers get <c>OnCompleted</c>).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _commitPath.Dispose();
        Hub.Dispose();
        _metrics.Dispose();
        _directory?.Dispose();
    }

    internal ValueTask<TxnResult> CommitAsync(TxnOperation operation, CancellationToken cancellationToken) =>
        Commit(TxnRequest.Single(operation, _options, _time, _uids), static result => result, cancellationToken);

    /// <summary>Commits one operation and returns the object it left (the stored one; for a delete, the last state).</summary>
    internal ValueTask<T> CommitAsync<T>(TxnOperation operation, CancellationToken cancellationToken)
        where T : ClusterObject =>
        Commit(TxnRequest.Single(operation, _options, _time, _uids), static result => (T)result.Results[0]!, cancellationToken);

    internal ValueTask<TxnResult> CommitAsync(Compare[] compares, TxnOperation[] then, TxnOperation[] otherwise, CancellationToken cancellationToken) =>
        Commit(TxnRequest.Prepare(compares, then, otherwise, _options, _time, _uids), static result => result, cancellationToken);

    /// <summary>
    /// Commits <paramref name="request"/>, records it and returns what <paramref name="project"/> takes from its result,
    /// in one async step: a write that waits for its commit (a Raft peer's) allocates one state machine, not one per layer.
    /// </summary>
    private ValueTask<TResult> Commit<TResult>(TxnRequest request, Func<TxnResult, TResult> project, CancellationToken cancellationToken)
    {
        // A span only when something listens to the activity source: otherwise the write pays one null check.
        // The local functions take what they need as arguments: capturing locals would allocate a closure per write.
        var started = _metrics.CommitDuration.Start();
        if (StoreActivities.HasListeners)
        {
            return Traced(request, project, started, cancellationToken);
        }

        var pending = _commitPath.CommitAsync(request, cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            var result = pending.Result;
            _metrics.RecordCommit(result, started);
            return ValueTask.FromResult(project(result));
        }

        return Recorded(pending, project, started);

        async ValueTask<TResult> Recorded(ValueTask<TxnResult> commit, Func<TxnResult, TResult> project, long started)
        {
            var result = await commit.ConfigureAwait(false);
            _metrics.RecordCommit(result, started);
            return project(result);
        }

        // The span is started in this async method, so that it is the current activity here (and in the commit path
        // below) but never in the caller's context.
        async ValueTask<TResult> Traced(TxnRequest request, Func<TxnResult, TResult> project, long started, CancellationToken cancellationToken)
        {
            using (var activity = StoreActivities.StartCommit(_options.Name, request))
            {
                try
                {
                    var result = await _commitPath.CommitAsync(request, cancellationToken).ConfigureAwait(false);
                    _metrics.RecordCommit(result, started);
                    if (activity is not null)
                    {
                        StoreActivities.Committed(activity, result);
                    }

                    return project(result);
                }
                catch (Exception ex) when (activity is not null)
                {
                    StoreActivities.Failed(activity, ex);
                    throw;
                }
            }
        }
    }
}
