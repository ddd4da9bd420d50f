using ClusterState.Kinds;
using ClusterState.Model;
using ClusterState.Persistence.Files;
using ClusterState.Storage;

namespace ClusterState.Persistence;

/// <summary>
/// Reads the write-ahead log back at open, under <see cref="RecordFrame"/>'s rules: a torn tail of the last segment
/// (a write interrupted by a crash, never acknowledged, with nothing valid after it) is cut off; any other damage,
/// or a gap in revisions, stops the open with <see cref="CorruptDataException"/> naming the file and offset:
/// committed data is never dropped silently.
/// </summary>
internal static class WalReader
{
    /// <summary>Where appending continues after replay.</summary>
    public readonly record struct Tail(string? SegmentPath, long ValidLength, long LastRevision, bool CutTornRecord);

    /// <summary>
    /// Replays every batch after <paramref name="afterRevision"/> through <paramref name="apply"/>, in order, and every
    /// compaction written after one of them through <paramref name="compact"/>.
    /// </summary>
    /// <exception cref="UnknownKindException">The log holds a kind not registered with <paramref name="kinds"/>.</exception>
    public static Tail Replay(string directory, KindRegistry kinds, long afterRevision, Action<long, List<(ChangeType, ResourceKind, ObjectName, ClusterObject?)>> apply, Action<long> compact)
    {
        var segments = Segments(directory);
        var expected = afterRevision + 1;
        var last = afterRevision;
        for (var s = 0; s < segments.Count; s++)
        {
            var path = segments[s];
            var isLast = s == segments.Count - 1;
            var segment = ReadSegment(path, isLast, kinds, (revision, changes, position) =>
            {
                if (revision <= afterRevision)
                {
                    return;
                }

                if (revision != expected)
                {
                    throw new CorruptDataException(path, position, $"revision {revision} follows {expected - 1}: the log has a gap");
                }

                try
                {
                    apply(revision, changes);
                }
                catch (InvalidOperationException ex)
                {
                    // The record decodes but contradicts the state it replays onto.
                    throw new CorruptDataException(path, position, ex.Message, ex);
                }

                expected++;
                last = revision;
            }, (after, compactAt, position) =>
            {
                // Replayed once every batch before it is: a compaction covered by the snapshot is in it already.
                if (after > afterRevision)
                {
                    if (after != expected - 1)
                    {
                        throw new CorruptDataException(path, position, $"a compaction written after revision {after} follows revision {expected - 1}");
                    }

                    compact(compactAt);
                }
            });

            if (segment.InterruptedHeader)
            {
                // A segment whose header was being written when the process died.
                return new Tail(path, 0, last, segment.Length > 0);
            }

            if (segment.Scan.TornTail)
            {
                return new Tail(path, segment.Scan.ValidLength, last, true);
            }

            if (isLast)
            {
                return new Tail(path, segment.Length, last, false);
            }
        }

        return new Tail(null, 0, last, false);
    }

    /// <summary>What <see cref="ReadSegment"/> found in a segment.</summary>
    /// <param name="Length">The segment's size in bytes.</param>
    /// <param name="InterruptedHeader">
    /// The newest segment holds only part of its header (a crash while it was being created): it has no records.
    /// </param>
    /// <param name="Scan">Where its whole records end, and whether a torn tail follows them.</param>
    public readonly record struct Segment(long Length, bool InterruptedHeader, RecordFrame.ScanResult Scan);

    /// <summary>
    /// Reads one segment: checks its header, then hands every whole record to <paramref name="batch"/> (revision,
    /// changes, offset) or <paramref name="compaction"/> (the revision it was written after, the compaction revision,
    /// offset), in order. Replay and the offline verification read segments through it.
    /// </summary>
    /// <param name="path">The segment.</param>
    /// <param name="isNewest">Whether it is the log's newest, the only one that may end torn or with a partial header.</param>
    /// <param name="kinds">The kinds its batches may name.</param>
    /// <param name="batch">Called for every batch record.</param>
    /// <param name="compaction">Called for every compaction record.</param>
    /// <exception cref="CorruptDataException">The segment is damaged anywhere but a torn tail or an interrupted header.</exception>
    /// <exception cref="UnknownKindException">A batch names a kind not in <paramref name="kinds"/>.</exception>
    public static Segment ReadSegment(
        string path,
        bool isNewest,
        KindRegistry kinds,
        Action<long, List<(ChangeType, ResourceKind, ObjectName, ClusterObject?)>, long> batch,
        Action<long, long, long> compaction)
    {
        var bytes = File.ReadAllBytes(path);
        var header = WalWriter.SegmentHeader;
        if (bytes.Length < header.Length || !bytes.AsSpan(0, header.Length).SequenceEqual(header))
        {
            if (isNewest && header.StartsWith(bytes))
            {
                return new Segment(bytes.Length, true, default);
            }

            throw new CorruptDataException(path, 0, bytes.Length < header.Length
                ? "the segment header is incomplete"
                : "not a ClusterState log segment (bad magic or format version)");
        }

        var scan = RecordFrame.Scan(bytes, header.Length, path, isNewest, WalRecord.MinBodyBytes, WalRecord.MaxBodyBytes, (body, position) =>
        {
            if (WalRecord.TypeOf(body) == WalRecord.CompactionType)
            {
                var (after, compactAt) = WalRecord.ReadCompaction(body, path, position + RecordFrame.HeaderBytes);
                compaction(after, compactAt, position);
                return;
            }

            var (revision, changes) = WalRecord.ReadBatch(body, kinds, path, position + RecordFrame.HeaderBytes);
            batch(revision, changes, position);
        });
        return new Segment(bytes.Length, false, scan);
    }

    /// <summary>The segment files in revision order.</summary>
    public static List<string> Segments(string directory) => DurableFiles.List(directory, ".wal");
}
