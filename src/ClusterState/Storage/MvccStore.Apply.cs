using ClusterState.Model;

namespace ClusterState.Storage;

/// <summary>The write side: applying a request as one revision, and compaction. Both run on the commit path only.</summary>
internal sealed partial class MvccStore
{
    /// <summary>
    /// Applies <paramref name="request"/>: evaluates the compares against the latest state, runs the chosen branch
    /// and, when it writes anything, commits all its writes as the next revision. Deterministic: the same requests
    /// in the same order produce the same state on every replica.
    /// </summary>
    /// <remarks>
    /// Every check (exists, not found, resourceVersion precondition) runs before anything is changed, so a failing
    /// operation leaves the state exactly as it was. The caller holds the commit lock.
    /// </remarks>
    /// <exception cref="AlreadyExistsException">A create found the object.</exception>
    /// <exception cref="NotFoundException">An update or delete found no object.</exception>
    /// <exception cref="ConflictException">A resourceVersion precondition failed.</exception>
    public TxnResult Apply(TxnRequest request) => Apply(request, publish: true, out _);

    /// <summary>
    /// Applies <paramref name="request"/> as <see cref="Apply(TxnRequest)"/> does; with <paramref name="publish"/>
    /// false the new revision stays invisible to readers until <see cref="Publish"/> (a durable commit path
    /// publishes once the batch is on disk). <paramref name="batch"/> is the committed batch, or null when the
    /// chosen branch wrote nothing.
    /// </summary>
    public TxnResult Apply(TxnRequest request, bool publish, out CommittedBatch? batch)
    {
        batch = null;
        var current = _applied;
        var succeeded = true;
        foreach (var compare in request.Compares)
        {
            if (!compare.Holds(ReadTarget(compare)))
            {
                succeeded = false;
                break;
            }
        }

        var operations = succeeded ? request.Success : request.Failure;
        if (operations.Length == 0)
        {
            return new TxnResult(succeeded, current, [], 0);
        }

        if (current >= MaxRevision)
        {
            throw new LimitExceededException("revision", current + 1, MaxRevision, "store");
        }

        var next = current + 1;
        var changes = new Change[operations.Length];
        var results = new ClusterObject?[operations.Length];
        if (_staged.Length < operations.Length)
        {
            _staged = new KeyHistory?[operations.Length];
            _stagedNodes = new StoredVersion?[operations.Length];
        }

        var nodes = _stagedNodes;
        object? versions;

        // Changes (and their keys' histories) are packed at the front: an update that changes nothing makes none.
        var histories = _staged;
        var count = 0;
        try
        {
            for (var i = 0; i < operations.Length; i++)
            {
                var operation = operations[i];
                var name = new ObjectName(operation.Namespace, operation.Name);
                var history = Table(operation.Kind).Find(name);
                var stored = history?.Latest;
                if (Stage(request, i, operation, stored, next) is { } change)
                {
                    histories[count] = history;
                    changes[count++] = change;
                    results[i] = change.Object;
                }
                else
                {
                    results[i] = stored;
                }
            }

            if (count == 0)
            {
                return new TxnResult(succeeded, current, results, 0);
            }

            // Every check passed: nothing below can fail, so the batch lands whole.
            for (var i = 0; i < count; i++)
            {
                var change = changes[i];

                // A new key is named by the stored object, whose strings are the shared ones.
                var history = histories[i] ?? Table(change.Object.Kind).GetOrAddLocked(new ObjectName(change.Object.Metadata.Namespace, change.Object.Metadata.Name));
                nodes[i] = history.AppendLocked(next, change.Type == ChangeType.Deleted ? null : change.Object);
            }

            versions = CommittedBatch.Versions(nodes, count);
        }
        finally
        {
            Array.Clear(histories, 0, operations.Length);
            Array.Clear(nodes, 0, operations.Length);
        }

        if (count < changes.Length)
        {
            Array.Resize(ref changes, count);
        }

        batch = new CommittedBatch(next, changes, versions);
        Log.AppendLocked(batch);
        _applied = next;
        if (publish)
        {
            Publish(next);
        }

        return new TxnResult(succeeded, next, results, count);
    }

    /// <summary>
    /// Takes back <paramref name="batch"/>, the last one applied and not yet published (its log record could not be
    /// written: it failed to encode, or is over the record limit): the state is as before it was applied, and the
    /// next batch gets its revision. The caller holds the commit lock.
    /// </summary>
    public void UndoUnpublishedLocked(CommittedBatch batch)
    {
        if (batch.Revision != _applied || batch.Revision <= Revision)
        {
            throw new InvalidOperationException($"Only the last applied, unpublished batch can be undone (batch {batch.Revision}, applied {_applied}, published {Revision}).");
        }

        foreach (var change in batch.Changes)
        {
            var meta = change.Object.Metadata;
            var name = new ObjectName(meta.Namespace, meta.Name);
            var table = Table(change.Object.Kind);
            if (table.Find(name) is { } history && history.RemoveUnpublishedHeadLocked(batch.Revision))
            {
                table.RemoveLocked(name);
            }
        }

        Log.RemoveLastLocked(batch.Revision);
        _applied = batch.Revision - 1;
        AssertInvariants();
    }

    /// <summary>
    /// Makes revisions up to <paramref name="revision"/> visible to readers and watchers. Called in revision order,
    /// by one thread at a time (the commit path, or the durable log's flusher).
    /// </summary>
    public void Publish(long revision)
    {
        Volatile.Write(ref _revision, revision);
        AssertInvariants();
        Committed?.Invoke(revision);
    }

    /// <summary>
    /// Replays one batch read back from the log during recovery: the changes are re-applied as they were
    /// committed, without checks (they were checked when first committed). The caller holds the commit lock.
    /// </summary>
    public void Replay(long revision, IReadOnlyList<(ChangeType Type, ResourceKind Kind, ObjectName Name, ClusterObject? Object)> changes)
    {
        if (revision != _applied + 1)
        {
            throw new InvalidOperationException($"Replay of revision {revision} after {_applied}: revisions must be contiguous.");
        }

        var batch = new Change[changes.Count];
        var nodes = new StoredVersion?[changes.Count];
        for (var i = 0; i < changes.Count; i++)
        {
            var (type, kind, name, decoded) = changes[i];
            var obj = decoded is null ? null : _interner.Object(decoded);
            var history = Table(kind).GetOrAddLocked(obj is null ? name : new ObjectName(obj.Metadata.Namespace, obj.Metadata.Name));
            var previous = history.Latest;
            var current = type == ChangeType.Deleted ? previous : obj;
            if (current is null)
            {
                throw new InvalidOperationException($"Replay of revision {revision}: {kind} {name} is deleted but does not exist.");
            }

            nodes[i] = history.AppendLocked(revision, type == ChangeType.Deleted ? null : obj);
            batch[i] = new Change(type, current, previous);
        }

        Log.AppendLocked(new CommittedBatch(revision, batch, CommittedBatch.Versions(nodes, batch.Length)));
        _applied = revision;
        Publish(revision);
    }

    /// <summary>
    /// Loads an empty store with a snapshot's image: each object keeps its own resourceVersion, reads at the
    /// image's revision work, history below it is compacted away, and the image's last batch (when it has one) stays
    /// in the log, so a watch from the revision still delivers it. The caller holds the commit lock.
    /// </summary>
    public void LoadSnapshot(StateImage image)
    {
        if (_applied != 0 || KeyCount != 0)
        {
            throw new InvalidOperationException("A snapshot loads into an empty store only.");
        }

        // Each kind's keys are built into its table at once (a snapshot lists them in order): no intermediate trees.
        var byKind = new Dictionary<ResourceKind, List<KeyHistory>>();
        foreach (var decoded in image.Objects)
        {
            var obj = _interner.Object(decoded);
            var history = new KeyHistory(new ObjectName(obj.Metadata.Namespace, obj.Metadata.Name));
            history.AppendLocked(obj.Metadata.ResourceVersion, obj);
            if (!byKind.TryGetValue(obj.Kind, out var histories))
            {
                byKind[obj.Kind] = histories = [];
            }

            histories.Add(history);
        }

        // Every kind is checked before any is loaded: a damaged snapshot leaves the store empty.
        var loads = new List<(ResourceTable Table, KeyHistory[] Histories)>();
        foreach (var (kind, list) in byKind)
        {
            var histories = list.ToArray();
            if (OrderedIndex.SortAndFindDuplicate(histories) is { } twice)
            {
                throw new CorruptDataException("snapshot", 0, $"{kind} {twice} appears twice");
            }

            loads.Add((Table(kind), histories));
        }

        foreach (var (table, histories) in loads)
        {
            table.LoadLocked(histories);
        }

        _applied = image.Revision;
        Volatile.Write(ref _compactedRevision, image.Revision);
        StartLogAtLocked(image);
        Publish(image.Revision);
    }

    /// <summary>
    /// Brings a store that is behind up to a snapshot image (a Raft follower catching up from its leader's
    /// snapshot): objects that changed get their snapshot version, objects that are gone get a tombstone at the
    /// revision, and history below it is compacted away (watches there must re-list). Reads at the old revisions
    /// stay correct until then: every new version is newer than anything they can see. The caller owns the state's
    /// mutations.
    /// </summary>
    public void InstallSnapshot(StateImage image)
    {
        var revision = image.Revision;
        if (revision <= _applied)
        {
            return;
        }

        var wanted = new HashSet<(ResourceKind, ObjectName)>();
        foreach (var given in image.Objects)
        {
            var obj = _interner.Object(given);
            var name = new ObjectName(obj.Metadata.Namespace, obj.Metadata.Name);
            wanted.Add((obj.Kind, name));
            var history = Table(obj.Kind).GetOrAddLocked(name);
            if (history.Latest is { } current && current.Metadata.ResourceVersion == obj.Metadata.ResourceVersion)
            {
                continue;
            }

            if (history.HasVersions && history.LatestRevision >= obj.Metadata.ResourceVersion)
            {
                throw new CorruptDataException("snapshot", 0, $"{obj.Kind} {name} is at resourceVersion {obj.Metadata.ResourceVersion}, older than the local version {history.LatestRevision}");
            }

            history.AppendLocked(obj.Metadata.ResourceVersion, obj);
        }

        foreach (var descriptor in _kinds.All)
        {
            var kind = descriptor.Kind;
            foreach (var history in Table(kind).AllLocked())
            {
                if (history.Latest is not null && !wanted.Contains((kind, history.Name)))
                {
                    history.AppendLocked(revision, null);
                }
            }
        }

        Volatile.Write(ref _compactedRevision, revision);
        StartLogAtLocked(image);
        _applied = revision;
        _sweepAllKeys = true;
        Publish(revision);
    }

    /// <summary>
    /// Restarts the revision log at a snapshot image: every batch before the image is gone (for every kind: a watch
    /// behind it must re-list), and the image's own batch, when it has one, is the first the log holds.
    /// </summary>
    private void StartLogAtLocked(StateImage image)
    {
        var first = image.LastBatch is null ? image.Revision + 1 : image.Revision;
        foreach (var table in _tables)
        {
            table?.MarkDroppedLocked(first - 1);
        }

        Log.RebaseLocked(first);
        if (image.LastBatch is { } batch)
        {
            Log.AppendLocked(new CommittedBatch(image.Revision, batch));
        }
    }

    /// <summary>
    /// Every object at the current revision, with that revision and its batch, read without locks while writes
    /// continue: the revision is pinned against compaction for the duration of the read.
    /// </summary>
    public StateImage CaptureCurrent()
    {
        var revision = Pin();
        try
        {
            return CaptureAt(revision);
        }
        finally
        {
            Unpin(revision);
        }
    }

    /// <summary>
    /// Every object at <paramref name="revision"/> (published and retained), in kind, namespace and name order, and
    /// the batch committed at it while the log still holds it. Lock-free: writes continue meanwhile. The caller keeps
    /// compaction from passing the revision.
    /// </summary>
    public StateImage CaptureAt(long revision)
    {
        var objects = new List<ClusterObject>();
        foreach (var table in _tables)
        {
            var walk = (Revision: revision, Objects: objects);
            table.Ordered.Visit(null, ref walk, static (KeyHistory key, ref (long Revision, List<ClusterObject> Objects) w) =>
            {
                if (key.ReadAt(w.Revision) is { } obj)
                {
                    w.Objects.Add(obj);
                }

                return true;
            });
        }

        return new StateImage(revision, objects, Log.Get(revision)?.Changes);
    }

    /// <summary>
    /// Checks one operation against the stored object and builds the change it makes at revision
    /// <paramref name="next"/>; null for an update that asked to be skipped and would change nothing.
    /// </summary>
    private Change? Stage(TxnRequest request, int index, TxnOperation operation, ClusterObject? stored, long next)
    {
        switch (operation.Type)
        {
            case TxnOperationType.Create:
            {
                if (stored is not null)
                {
                    throw new AlreadyExistsException(operation.Kind, operation.Namespace, operation.Name);
                }

                // The name is shared before the parts, so that labels and selectors holding it share it too.
                var given = operation.Object!.Metadata;
                var ns = _interner.String(given.Namespace);
                var name = _interner.String(given.Name);
                var labels = _interner.Map(given.Labels);
                var annotations = _interner.Map(given.Annotations);
                var obj = operation.Object.InternParts(_interner);
                var created = obj with
                {
                    Metadata = given with
                    {
                        Namespace = ns,
                        Name = name,
                        Labels = labels,
                        Annotations = annotations,
                        Uid = request.UidFor(index),
                        ResourceVersion = next,
                        CreateRevision = next,
                        Version = 1,
                        Generation = 1,
                        CreationTimestamp = request.Timestamp,
                    },
                };
                return new Change(ChangeType.Added, created, null);
            }

            case TxnOperationType.Update:
            {
                var current = CheckExisting(operation, stored);
                if (operation.SkipIfUnchanged && operation.Object!.HasSameContentAs(current))
                {
                    return null;
                }

                // What did not change is taken from the current version: the history then holds one copy of it.
                var obj = operation.Object!.ShareUnchanged(current, out var specDiffers);
                if (specDiffers)
                {
                    obj = obj.InternParts(_interner);
                }

                var meta = current.Metadata;
                var given = obj.Metadata;
                var updated = obj with
                {
                    Metadata = given with
                    {
                        Namespace = meta.Namespace,
                        Name = meta.Name,
                        Labels = Sharing.PickValue(given.Labels, meta.Labels, out var labelsDiffer) is var labels && labelsDiffer ? _interner.Map(labels) : labels,
                        Annotations = Sharing.PickValue(given.Annotations, meta.Annotations, out var annotationsDiffer) is var annotations && annotationsDiffer ? _interner.Map(annotations) : annotations,
                        Finalizers = Sharing.PickValue(given.Finalizers, meta.Finalizers, out _),
                        OwnerReferences = Sharing.PickValue(given.OwnerReferences, meta.OwnerReferences, out _),
                        Uid = meta.Uid,
                        ResourceVersion = next,
                        CreateRevision = meta.CreateRevision,
                        Version = meta.Version + 1,
                        Generation = specDiffers ? meta.Generation + 1 : meta.Generation,
                        CreationTimestamp = meta.CreationTimestamp,
                    },
                };
                return new Change(ChangeType.Modified, updated, current);
            }

            case TxnOperationType.Delete:
            {
                var current = CheckExisting(operation, stored);
                return new Change(ChangeType.Deleted, current, current);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(operation), operation.Type, "Unknown operation type.");
        }
    }

    private static ClusterObject CheckExisting(TxnOperation operation, ClusterObject? stored)
    {
        if (stored is null)
        {
            throw new NotFoundException(operation.Kind, operation.Namespace, operation.Name);
        }

        if (operation.ExpectedResourceVersion != 0 && operation.ExpectedResourceVersion != stored.Metadata.ResourceVersion)
        {
            throw new ConflictException(operation.Kind, operation.Namespace, operation.Name, operation.ExpectedResourceVersion, stored.Metadata.ResourceVersion);
        }

        return stored;
    }

    private long ReadTarget(Compare compare)
    {
        var stored = Table(compare.Kind).Find(new ObjectName(compare.Namespace, compare.Name))?.Latest;
        if (stored is null)
        {
            return 0;
        }

        return compare.Target switch
        {
            CompareTarget.Version => stored.Metadata.Version,
            CompareTarget.ResourceVersion => stored.Metadata.ResourceVersion,
            CompareTarget.CreateRevision => stored.Metadata.CreateRevision,
            _ => 0,
        };
    }

    /// <summary>
    /// Drops history below <paramref name="revision"/>: reads at it and later keep working, earlier ones fail
    /// with <see cref="RevisionCompactedException"/>. Returns the number of keys removed. The caller holds the
    /// commit lock.
    /// </summary>
    /// <exception cref="RevisionCompactedException">The revision is already compacted.</exception>
    /// <exception cref="FutureRevisionException">The revision is beyond the current one.</exception>
    public int Compact(long revision)
    {
        var current = _revision;
        if (revision > current)
        {
            throw new FutureRevisionException(revision, current);
        }

        if (revision <= _compactedRevision)
        {
            throw new RevisionCompactedException(revision, _compactedRevision);
        }

        // A snapshot being captured holds compaction at its revision; the rest of the request waits for the next
        // compaction.
        long previous;
        lock (_pinLock)
        {
            if (_pins.Count > 0)
            {
                revision = Math.Min(revision, _pins.Min());
            }

            previous = _compactedRevision;
            if (revision <= previous)
            {
                return 0;
            }

            // Publish the compaction revision first: a read that starts now is refused rather than served from
            // history that is about to be cut.
            Volatile.Write(ref _compactedRevision, revision);
        }

        var removed = _sweepAllKeys ? CompactAllKeys(revision) : CompactKeysWritten(previous, revision);
        _sweepAllKeys = false;
        Log.CompactLocked(revision);
        AssertInvariants();
        return removed;
    }

    /// <summary>
    /// Compacts the keys written in (<paramref name="previous"/>, <paramref name="revision"/>], which the batches
    /// of those revisions name: only they can hold versions that no read at <paramref name="revision"/> or later
    /// sees (any other key's older versions went at an earlier compaction). The cost follows the writes, not the
    /// number of keys, nor the number of versions each key keeps above the compaction revision.
    /// </summary>
    private int CompactKeysWritten(long previous, long revision)
    {
        // One pass, newest first. Each key once: its first change met is the newest version a read at the revision
        // sees, and the node that change appended is where the key's history is cut. Every batch below the revision
        // leaves the log now and marks its kinds, the one at the previous compaction revision too (its keys were
        // compacted then).
        var seen = _compactedKeys;
        var removed = 0;
        for (var r = revision; r >= previous; r--)
        {
            if (Log.Get(r) is not { } batch)
            {
                continue;
            }

            var changes = batch.Changes;
            for (var i = 0; i < changes.Length; i++)
            {
                var obj = changes[i].Object;
                var table = Table(obj.Kind);
                if (r < revision)
                {
                    table.MarkDroppedLocked(r);
                }

                var name = new ObjectName(obj.Metadata.Namespace, obj.Metadata.Name);
                if (r == previous || !seen.Add((obj.Kind, name)) || table.Find(name) is not { } history)
                {
                    continue;
                }

                var gone = batch.VersionAt(i) is { } node ? history.CompactLocked(revision, node) : history.CompactLocked(revision);
                if (gone)
                {
                    table.RemoveLocked(name);
                    removed++;
                }
            }
        }

        // The set is kept for the next compaction, unless one large compaction made it large.
        if (seen.Count > 4_096)
        {
            _compactedKeys = [];
        }
        else
        {
            seen.Clear();
        }

        return removed;
    }

    /// <summary>Compacts every key (after a snapshot install, which adds versions that no batch names).</summary>
    private int CompactAllKeys(long revision)
    {
        for (var r = Log.FirstRevision; r < revision; r++)
        {
            foreach (var change in Log.Get(r)?.Changes ?? [])
            {
                Table(change.Object.Kind).MarkDroppedLocked(r);
            }
        }

        var removed = 0;
        foreach (var table in _tables)
        {
            if (table is null)
            {
                continue;
            }

            List<ObjectName>? dead = null;
            foreach (var history in table.AllLocked())
            {
                if (history.CompactLocked(revision))
                {
                    (dead ??= []).Add(history.Name);
                }
            }

            foreach (var name in dead ?? [])
            {
                table.RemoveLocked(name);
            }

            removed += dead?.Count ?? 0;
        }

        return removed;
    }
}
