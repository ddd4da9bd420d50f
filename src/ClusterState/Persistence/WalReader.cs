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
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length < WalWriter.SegmentHeader.Length)
            {
                if (isLast && WalWriter.SegmentHeader.StartsWith(bytes))
                {
                    // A segment whose header was being written when the process died.
                    return new Tail(path, 0, last, bytes.Length > 0);
                }

                throw new CorruptDataException(path, 0, "the segment header is incomplete");
            }

            if (!bytes.AsSpan(0, WalWriter.SegmentHeader.Length).SequenceEqual(WalWriter.SegmentHeader))
            {
                throw new CorruptDataException(path, 0, "not a ClusterState log segment (bad magic or format version)");
            }

            var scan = RecordFrame.Scan(bytes, WalWriter.SegmentHeader.Length, path, isLast, WalRecord.MinBodyBytes, WalRecord.MaxBodyBytes, (body, position) =>
            {
                if (WalRecord.TypeOf(body) == WalRecord.CompactionType)
                {
                    // Replayed once every batch before it is: a compaction covered by the snapshot is in it already.
                    var (after, compactAt) = WalRecord.ReadCompaction(body, path, position + RecordFrame.HeaderBytes);
                    if (after > afterRevision)
                    {
                        if (after != expected - 1)
                        {
                            throw new CorruptDataException(path, position, $"a compaction written after revision {after} follows revision {expected - 1}");
                        }

                        compact(compactAt);
                    }

                    return;
                }

                var (revision, changes) = WalRecord.ReadBatch(body, kinds, path, position + RecordFrame.HeaderBytes);
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
            });

            if (scan.TornTail)
            {
                return new Tail(path, scan.ValidLength, last, true);
            }

            if (isLast)
            {
                return new Tail(path, bytes.Length, last, false);
            }
        }

        return new Tail(null, 0, last, false);
    }

    /// <summary>The segment files in revision order.</summary>
    public static List<string> Segments(string directory) => DurableFiles.List(directory, ".wal");

}
