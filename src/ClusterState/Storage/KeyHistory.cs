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
/// Ownership: versions are appended and compacted only by the commit path, which holds the commit lock; readers
/// never lock. A reader first reads the published revision, and every version it can reach at or below that
/// revision is immutable, so it never sees a half-applied batch.
/// </remarks>
[DebuggerDisplay("{Name} head={_head?.ModRevision}")]
internal sealed class KeyHistory(ObjectName name)
{
    /// <summary>The newest version; published with a volatile write after it is fully built.</summary>
    private volatile StoredVersion? _head;

    public ObjectName Name { get; } = name;

    /// <summary>The newest version (which may be newer than the revision a reader is at).</summary>
    public StoredVersion? Head => _head;

    /// <summary>The object at <paramref name="revision"/>, or null when the key did not exist then.</summary>
    public ClusterObject? ReadAt(long revision)
    {
        for (var version = _head; version is not null; version = version.Previous)
        {
            if (version.ModRevision <= revision)
            {
                return version.Value;
            }
        }

        return null;
    }

    /// <summary>Appends a version; the caller holds the commit lock.</summary>
    public void AppendLocked(StoredVersion version)
    {
        Debug.Assert(_head is null || _head.ModRevision < version.ModRevision, "revisions grow");
        version.Previous = _head;
        _head = version;
    }

    /// <summary>
    /// Removes the newest version, written at <paramref name="revision"/> and never published (a batch the log could
    /// not take); the caller holds the commit lock. Returns true when the key has no version left.
    /// </summary>
    public bool RemoveUnpublishedHeadLocked(long revision)
    {
        var head = _head;
        Debug.Assert(head is not null && head.ModRevision == revision, "the head is the unpublished version");
        _head = head!.Previous;
        return _head is null;
    }

    /// <summary>
    /// Drops versions that no read at <paramref name="revision"/> or later can see; the caller holds the commit
    /// lock. Returns true when nothing visible remains (the key's newest version is a tombstone at or below
    /// <paramref name="revision"/>), so the key can be removed.
    /// </summary>
    public bool CompactLocked(long revision)
    {
        StoredVersion? newer = null;
        var version = _head;
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
            return false;
        }

        if (newer is null)
        {
            return true;
        }

        // A tombstone with newer versions reads the same as a missing version: drop it too.
        newer.Previous = null;
        return false;
    }
}
