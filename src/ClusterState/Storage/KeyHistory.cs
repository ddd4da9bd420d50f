using System.Diagnostics;
using ClusterState.Model;

namespace ClusterState.Storage;

/// <summary>
/// One stored version of a key: the object written at <see cref="ModRevision"/>, or a tombstone (null object)
/// when the key was deleted then.
/// </summary>
internal sealed class StoredVersion(long modRevision, ClusterObject? value)
{
    /// <summary>The revision of the write that produced this version.</summary>
    public readonly long ModRevision = modRevision;

    /// <summary>The object, or null for a tombstone.</summary>
    public readonly ClusterObject? Value = value;

    /// <summary>
    /// The next older version. Set once when the version is appended; cut to null by compaction (under the commit
    /// lock) only below the compaction revision, which no permitted read walks past.
    /// </summary>
    public StoredVersion? Previous;
}

/// <summary>
/// The life of one key as a chain of versions, newest first: creations, modifications and tombstones, across
/// delete and re-create. A read at revision R takes the newest version with a mod revision of R or less.
/// </summary>
/// <remarks>
/// <para>Ownership: versions are appended and compacted only by the commit path, which holds the commit lock; readers
/// never lock. A reader first reads the published revision, and every version it can reach at or below that
/// revision is immutable, so it never sees a half-applied batch.</para>
/// <para>Memory: most keys hold one live version (every key at rest once compaction has passed it). Such a key holds
/// the object itself, its mod revision being its resourceVersion, with no version node: a node is made only when a
/// second version (or a tombstone) arrives, and compaction turns a chain back into the bare object.</para>
/// </remarks>
[DebuggerDisplay("{Name} latest={LatestRevision}")]
internal sealed class KeyHistory(ObjectName name)
{
    /// <summary>
    /// Null before the first version; the object itself when it is the only version and its mod revision is its
    /// resourceVersion; else the newest <see cref="StoredVersion"/>. Published with a volatile write after it is fully built.
    /// </summary>
    private volatile object? _head;

    public ObjectName Name { get; } = name;

    /// <summary>True when the key holds any version (a tombstone included).</summary>
    public bool HasVersions => _head is not null;

    /// <summary>The newest version's object (which may be newer than the revision a reader is at); null for a tombstone or no version.</summary>
    public ClusterObject? Latest => _head is StoredVersion version ? version.Value : (ClusterObject?)_head;

    /// <summary>The newest version's mod revision; 0 when there is none.</summary>
    public long LatestRevision => _head switch
    {
        StoredVersion version => version.ModRevision,
        ClusterObject only => only.Metadata.ResourceVersion,
        _ => 0,
    };

    /// <summary>The object at <paramref name="revision"/>, or null when the key did not exist then.</summary>
    public ClusterObject? ReadAt(long revision)
    {
        var head = _head;
        if (head is ClusterObject only)
        {
            return only.Metadata.ResourceVersion <= revision ? only : null;
        }

        for (var version = (StoredVersion?)head; version is not null; version = version.Previous)
        {
            if (version.ModRevision <= revision)
            {
                return version.Value;
            }
        }

        return null;
    }

    /// <summary>The mod revisions of the versions the key holds, newest first (for diagnostics and tests).</summary>
    public List<long> Revisions()
    {
        var revisions = new List<long>();
        var head = _head;
        if (head is ClusterObject only)
        {
            revisions.Add(only.Metadata.ResourceVersion);
        }

        for (var version = head as StoredVersion; version is not null; version = version.Previous)
        {
            revisions.Add(version.ModRevision);
        }

        return revisions;
    }

    /// <summary>
    /// Appends the version written at <paramref name="revision"/> (null: a tombstone); the caller holds the commit
    /// lock. Returns the version's node, or null when the key holds the object bare.
    /// </summary>
    public StoredVersion? AppendLocked(long revision, ClusterObject? value)
    {
        var head = _head;
        Debug.Assert(head is null || LatestRevision < revision, "revisions grow");
        if (head is null && value is not null && value.Metadata.ResourceVersion == revision)
        {
            _head = value;
            return null;
        }

        var version = new StoredVersion(revision, value) { Previous = head is ClusterObject only ? new StoredVersion(only.Metadata.ResourceVersion, only) : (StoredVersion?)head };
        _head = version;
        return version;
    }

    /// <summary>
    /// Removes the newest version, written at <paramref name="revision"/> and never published (a batch the log could
    /// not take); the caller holds the commit lock. Returns true when the key has no version left.
    /// </summary>
    public bool RemoveUnpublishedHeadLocked(long revision)
    {
        Debug.Assert(_head is not null && LatestRevision == revision, "the head is the unpublished version");
        _head = _head is StoredVersion version ? Collapse(version.Previous) : null;
        return _head is null;
    }

    /// <summary>
    /// Drops versions that no read at <paramref name="revision"/> or later can see; the caller holds the commit
    /// lock. Returns true when nothing visible remains (the key's newest version is a tombstone at or below
    /// <paramref name="revision"/>), so the key can be removed.
    /// </summary>
    public bool CompactLocked(long revision)
    {
        if (_head is not StoredVersion head)
        {
            return false;
        }

        StoredVersion? newer = null;
        var version = head;
        while (version is not null && version.ModRevision > revision)
        {
            newer = version;
            version = version.Previous;
        }

        if (version is null)
        {
            return false;
        }

        // 'version' is what reads at 'revision' see; everything older is unreachable for permitted reads.
        version.Previous = null;
        if (version.Value is not null)
        {
            if (newer is null)
            {
                // The one version left: the key goes back to holding the bare object.
                _head = Collapse(version);
            }

            return false;
        }

        if (newer is null)
        {
            return true;
        }

        // A tombstone with newer versions reads the same as a missing version: drop it too.
        newer.Previous = null;
        if (ReferenceEquals(newer, head))
        {
            _head = Collapse(head);
        }

        return false;
    }

    /// <summary>
    /// As <see cref="CompactLocked(long)"/>, given <paramref name="newest"/>: the node of the newest version at or
    /// below <paramref name="revision"/> (the one a batch of the compacted range appended). Cutting below it costs
    /// one step instead of a walk over every newer version, whose nodes are scattered over the heap. A node that is
    /// no longer in the chain (its key was collapsed to the bare object, then written again) has nothing below it.
    /// </summary>
    public bool CompactLocked(long revision, StoredVersion newest)
    {
        Debug.Assert(newest.ModRevision <= revision, "the node is at or below the compaction revision");
        if (_head is not StoredVersion head)
        {
            return CompactLocked(revision);
        }

        newest.Previous = null;
        if (newest.Value is not null)
        {
            if (ReferenceEquals(newest, head))
            {
                _head = Collapse(newest);
            }

            return false;
        }

        // A tombstone: the key goes when it is the newest version; under newer versions the walk finds the one
        // above it to cut.
        return ReferenceEquals(newest, head) || CompactLocked(revision);
    }

    /// <summary>The bare object when <paramref name="version"/> is a lone live version that reads the same without its node.</summary>
    private static object? Collapse(StoredVersion? version) =>
        version is { Previous: null, Value: { } value } && value.Metadata.ResourceVersion == version.ModRevision ? value : version;
}
