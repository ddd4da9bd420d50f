using System.Diagnostics;
using ClusterState.Kinds;
using ClusterState.Model;

namespace ClusterState.Storage;

/// <summary>
/// The multi-version state: one table per kind, the global revision, the compaction revision and the revision
/// log. It is the deterministic state machine a commit path applies requests to (<see cref="Apply(TxnRequest, bool, out CommittedBatch?)"/>), and it
/// serves lock-free reads at the latest or any retained revision.
/// </summary>
/// <remarks>
/// <para>Ownership: every mutation (<see cref="Apply(TxnRequest, bool, out CommittedBatch?)"/>, <see cref="Compact"/>) runs on the commit path, one at a
/// time; the commit path's lock is the only lock. Readers never lock and never wait.</para>
/// <para>Publication order: a batch's versions and log entry are written first, then <see cref="_revision"/> is
/// published with a volatile write. A reader reads the revision first, so everything it can see at that revision
/// is complete: no reader ever observes part of a batch.</para>
/// </remarks>
internal sealed partial class MvccStore
{
    /// <summary>
    /// The highest revision a store reaches (2^62): far beyond any real history, and low enough that revision
    /// arithmetic never overflows. A write past it fails; a snapshot or log that claims more is damaged.
    /// </summary>
    public const long MaxRevision = 1L << 62;

    /// <summary>The kinds the store holds: a kind's table is at its index in the registry.</summary>
    private readonly KindRegistry _kinds;

    /// <summary>One table per kind, indexed as <see cref="_kinds"/>.</summary>
    private readonly ResourceTable[] _tables;

    /// <summary>Shares equal parts between the objects the store keeps; used on the commit path only.</summary>
    private readonly Interner _interner = new();

    /// <summary>The last committed revision; written only by the commit path, after the batch is in place.</summary>
    private long _revision;

    /// <summary>
    /// The last applied revision: equal to <see cref="_revision"/>, or ahead of it while a durable commit path
    /// waits for the log. New batches get <c>_applied + 1</c>. Read and written only under the commit lock.
    /// </summary>
    private long _applied;

    /// <summary>Guards <see cref="_pins"/> and the compaction revision's choice in <see cref="Compact"/>.</summary>
    private readonly Lock _pinLock = new();

    /// <summary>The key histories a batch being applied found, by operation (reused by the commit path, which owns it).</summary>
    private KeyHistory?[] _staged = new KeyHistory?[16];

    /// <summary>The version nodes a batch being applied appended, by change (reused by the commit path, which owns it).</summary>
    private StoredVersion?[] _stagedNodes = new StoredVersion?[16];

    /// <summary>The keys a compaction visits (reused by the commit path, which owns it).</summary>
    private HashSet<(ResourceKind Kind, ObjectName Name)> _compactedKeys = [];

    /// <summary>Revisions being captured by snapshots: compaction never passes the lowest.</summary>
    private readonly List<long> _pins = [];

    /// <summary>Reads below this revision fail as compacted; written only by the commit path.</summary>
    private long _compactedRevision;

    /// <summary>
    /// Set when versions were added that no batch in <see cref="Log"/> names (a snapshot install): the next
    /// compaction visits every key instead of only those written since the last. Commit path only.
    /// </summary>
    private bool _sweepAllKeys;

    public MvccStore(KindRegistry kinds)
    {
        _kinds = kinds;
        _tables = new ResourceTable[kinds.Count];
        for (var i = 0; i < _tables.Length; i++)
        {
            _tables[i] = new ResourceTable();
        }

        Log = new RevisionLog(1);
    }

    /// <summary>Called on the commit path after each revision is published (the watch hub's wake-up).</summary>
    public Action<long>? Committed { get; set; }

    /// <summary>The committed batches, for watchers.</summary>
    public RevisionLog Log { get; }

    /// <summary>The latest published revision (0 before the first write): what readers see.</summary>
    public long Revision => Volatile.Read(ref _revision);

    /// <summary>The latest applied revision, possibly not yet published; the caller holds the commit lock.</summary>
    public long AppliedRevisionLocked => _applied;

    /// <summary>The compaction revision: reads and watches below it fail (0 when nothing was compacted).</summary>
    public long CompactedRevision => Volatile.Read(ref _compactedRevision);

    /// <summary>How many keys the store holds across kinds (including deleted keys not yet compacted).</summary>
    public int KeyCount => _tables.Sum(t => t.KeyCount);

    /// <summary>The kinds the store holds.</summary>
    public KindRegistry Kinds => _kinds;

    /// <exception cref="UnknownKindException">The kind is not registered with this store.</exception>
    private ResourceTable Table(ResourceKind kind) => _tables[_kinds.IndexOf(kind)];

    /// <summary>
    /// Pins the current revision so that compaction cannot pass it until <see cref="Unpin"/>: a snapshot can then
    /// read every object at it without locks while writes continue.
    /// </summary>
    public long Pin()
    {
        lock (_pinLock)
        {
            var revision = Revision;
            _pins.Add(revision);
            return revision;
        }
    }

    /// <summary>Releases a pin taken by <see cref="Pin"/>.</summary>
    public void Unpin(long revision)
    {
        lock (_pinLock)
        {
            _pins.Remove(revision);
        }
    }

    /// <summary>Resolves a requested read revision (null = latest) and checks it is retained and not in the future.</summary>
    public long ResolveReadRevision(long? requested)
    {
        var current = Revision;
        if (requested is not { } revision || revision == 0)
        {
            return current;
        }

        if (revision < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(requested), revision, "A revision is positive (or null for the latest).");
        }

        if (revision > current)
        {
            throw new FutureRevisionException(revision, current);
        }

        CheckNotCompacted(revision);
        return revision;
    }

    /// <summary>Throws when compaction has passed <paramref name="revision"/> (called again after a read, in case it raced one).</summary>
    public void CheckNotCompacted(long revision)
    {
        var compacted = CompactedRevision;
        if (revision < compacted)
        {
            throw new RevisionCompactedException(revision, compacted);
        }
    }

    /// <summary>
    /// Checks that a watch can start at <paramref name="start"/>: compaction has not passed it, and when it is already
    /// committed, its batch is still in the log (a store loaded from an older snapshot format starts its log one past
    /// the compaction revision). The error names the oldest revision a watch can start from.
    /// </summary>
    public void CheckWatchable(long start)
    {
        var compacted = CompactedRevision;
        var first = Math.Max(compacted, Math.Min(Log.FirstRevision, Revision + 1));
        if (start < first)
        {
            throw new RevisionCompactedException(start, first);
        }
    }

    /// <summary>
    /// Where a watch of <paramref name="kinds"/> (null: every kind) continues when the batch at <paramref name="next"/>
    /// (published) has left the log: the log's first batch, when none of the dropped batches from
    /// <paramref name="next"/> on changed the kind (the watch had nothing to deliver from them, as an etcd watcher that is
    /// in sync is never cancelled by compaction); otherwise the watch has missed events and fails.
    /// </summary>
    /// <exception cref="RevisionCompactedException">A dropped batch at or after <paramref name="next"/> changed the kind.</exception>
    public long SkipDroppedBatches(IReadOnlyList<ResourceKind>? kinds, long next)
    {
        // The first revision is read before the marks: the compaction that raised it marked its batches first.
        var first = Log.FirstRevision;
        var missed = first <= next;
        if (kinds is not null)
        {
            foreach (var kind in kinds)
            {
                missed |= Table(kind).LastDroppedWrite >= next;
            }
        }
        else
        {
            foreach (var table in _tables)
            {
                missed |= table.LastDroppedWrite >= next;
            }
        }

        if (missed)
        {
            throw new RevisionCompactedException(next, Math.Max(CompactedRevision, first));
        }

        return first;
    }

    /// <summary>The revisions of the versions a key still holds, newest first (for diagnostics and tests).</summary>
    public List<long> VersionRevisions(ResourceKind kind, ObjectName name)
    {
        return Table(kind).Find(name)?.Revisions() ?? [];
    }

    /// <summary>A key's history, or null (for diagnostics and tests).</summary>
    public KeyHistory? FindHistory(ResourceKind kind, ObjectName name) => Table(kind).Find(name);

    [Conditional("DEBUG")]
    private void AssertInvariants() => Debug.Assert(_compactedRevision <= _revision && _revision <= _applied, "compacted <= published <= applied");
}
