using System.Diagnostics;

namespace ClusterState.Storage;

/// <summary>
/// The committed batches in revision order, one per revision, from the compaction revision to the head: the
/// history watchers replay and catch up from. Stored in fixed-size chunks so that appending never copies old
/// entries and compaction frees whole chunks.
/// </summary>
/// <remarks>
/// Appended and compacted only by the commit path (under the commit lock). Readers never lock: they read the
/// published revision first and only ask for revisions at or below it. An entry a reader finds missing (null)
/// was compacted away.
/// </remarks>
internal sealed class RevisionLog
{
    private const int ChunkBits = 12;
    private const int ChunkSize = 1 << ChunkBits;
    private const int ChunkMask = ChunkSize - 1;

    /// <summary>The chunks and the revision of the first slot of the first chunk; replaced, never mutated.</summary>
    private volatile Spine _spine;

    /// <summary>The lowest revision the log can hold; raised before the batches below it are removed.</summary>
    private long _firstRevision;

    public RevisionLog(long firstRevision)
    {
        _spine = new Spine(firstRevision, []);
        _firstRevision = firstRevision;
    }

    /// <summary>
    /// The lowest revision the log still holds (or will hold next, when empty). A reader that found a batch missing
    /// and reads this afterwards sees a value above the missing revision.
    /// </summary>
    public long FirstRevision => Volatile.Read(ref _firstRevision);

    /// <summary>The batch at <paramref name="revision"/>, or null when compaction dropped it.</summary>
    public CommittedBatch? Get(long revision)
    {
        var spine = _spine;
        var offset = revision - spine.BaseRevision;
        if (offset < 0)
        {
            return null;
        }

        var chunk = offset >> ChunkBits;
        if (chunk >= spine.Chunks.Length)
        {
            return null;
        }

        return Volatile.Read(ref spine.Chunks[chunk][offset & ChunkMask]);
    }

    /// <summary>Appends the batch of the next revision; the caller holds the commit lock.</summary>
    public void AppendLocked(CommittedBatch batch)
    {
        var spine = _spine;
        var offset = batch.Revision - spine.BaseRevision;
        Debug.Assert(offset >= 0, "appends follow the base");
        var chunk = offset >> ChunkBits;
        if (chunk >= spine.Chunks.Length)
        {
            var chunks = new CommittedBatch?[spine.Chunks.Length + 1][];
            spine.Chunks.CopyTo(chunks, 0);
            chunks[^1] = new CommittedBatch?[ChunkSize];
            spine = new Spine(spine.BaseRevision, chunks);
            _spine = spine;
        }

        Volatile.Write(ref spine.Chunks[chunk][offset & ChunkMask], batch);
    }

    /// <summary>Removes the batch at <paramref name="revision"/>, the last appended and never published; the caller holds the commit lock.</summary>
    public void RemoveLastLocked(long revision)
    {
        var spine = _spine;
        var offset = revision - spine.BaseRevision;
        Debug.Assert(offset >= 0 && (offset >> ChunkBits) < spine.Chunks.Length, "the batch is in the log");
        Volatile.Write(ref spine.Chunks[offset >> ChunkBits][offset & ChunkMask], null);
    }

    /// <summary>Makes an empty log start at <paramref name="firstRevision"/>; the caller holds the commit lock.</summary>
    public void RebaseLocked(long firstRevision)
    {
        Volatile.Write(ref _firstRevision, firstRevision);
        _spine = new Spine(firstRevision, []);
    }

    /// <summary>Drops batches below <paramref name="revision"/>; the caller holds the commit lock.</summary>
    public void CompactLocked(long revision)
    {
        if (revision > _firstRevision)
        {
            Volatile.Write(ref _firstRevision, revision);
        }

        var spine = _spine;
        var drop = 0;
        while (drop < spine.Chunks.Length && spine.BaseRevision + ((long)(drop + 1) * ChunkSize) <= revision)
        {
            drop++;
        }

        if (drop > 0)
        {
            spine = new Spine(spine.BaseRevision + ((long)drop * ChunkSize), spine.Chunks[drop..]);
            _spine = spine;
        }

        if (spine.Chunks.Length == 0)
        {
            return;
        }

        var first = spine.Chunks[0];
        for (var r = spine.BaseRevision; r < revision && r - spine.BaseRevision < ChunkSize; r++)
        {
            Volatile.Write(ref first[r - spine.BaseRevision], null);
        }
    }

    private sealed class Spine(long baseRevision, CommittedBatch?[][] chunks)
    {
        public readonly long BaseRevision = baseRevision;
        public readonly CommittedBatch?[][] Chunks = chunks;
    }
}
