using System.Buffers.Binary;
using ClusterState.Model;
using ClusterState.Storage;

namespace ClusterState.Persistence;

/// <summary>
/// Reads the write-ahead log back at open. A record cut short at the very end of the last segment (a write
/// interrupted by a crash, never acknowledged) is cut off; any other bad record (wrong checksum, bad length, a
/// gap in revisions, an earlier segment cut short) stops the open with <see cref="CorruptDataException"/> naming
/// the file and offset: committed data is never dropped silently.
/// </summary>
internal static class WalReader
{
    /// <summary>Where appending continues after replay.</summary>
    public readonly record struct Tail(string? SegmentPath, long ValidLength, long LastRevision, bool CutTornRecord);

    /// <summary>
    /// Replays every batch after <paramref name="afterRevision"/> through <paramref name="apply"/>, in order.
    /// </summary>
    public static Tail Replay(string directory, long afterRevision, Action<long, List<(ChangeType, ResourceKind, ObjectName, ClusterObject?)>> apply)
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

            var position = WalWriter.SegmentHeader.Length;
            while (position < bytes.Length)
            {
                var remaining = bytes.Length - position;
                if (remaining < WalRecord.FrameHeaderBytes)
                {
                    return TornOrCorrupt(path, position, isLast, last, "a record header is cut short");
                }

                var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(position));
                var checksum = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(position + 4));
                if (length == 0 && checksum == 0 && IsZero(bytes.AsSpan(position)))
                {
                    // Zeros to the end: space the file system allocated but the crash left unwritten.
                    return TornOrCorrupt(path, position, isLast, last, "zeros where a record should be");
                }

                if (length < WalRecord.MinBodyBytes || length > WalRecord.MaxBodyBytes)
                {
                    throw new CorruptDataException(path, position, $"a record length of {length} bytes is out of range");
                }

                if (length > remaining - WalRecord.FrameHeaderBytes)
                {
                    return TornOrCorrupt(path, position, isLast, last, $"a record of {length} bytes is cut short");
                }

                var body = bytes.AsSpan(position + WalRecord.FrameHeaderBytes, (int)length);
                if (Crc32C.Compute(body) != checksum)
                {
                    throw new CorruptDataException(path, position, "the record's checksum does not match");
                }

                var (revision, changes) = WalRecord.ReadBatch(body, path, position + WalRecord.FrameHeaderBytes);
                if (revision > afterRevision)
                {
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
                }

                position += WalRecord.FrameHeaderBytes + (int)length;
            }

            if (isLast)
            {
                return new Tail(path, bytes.Length, last, false);
            }
        }

        return new Tail(null, 0, last, false);
    }

    /// <summary>The segment files in revision order.</summary>
    public static List<string> Segments(string directory) =>
        [.. Directory.EnumerateFiles(directory, "*.wal").Order(StringComparer.Ordinal)];

    private static Tail TornOrCorrupt(string path, int position, bool isLast, long last, string problem) =>
        isLast ? new Tail(path, position, last, true) : throw new CorruptDataException(path, position, problem + " in a segment that is not the last");

    private static bool IsZero(ReadOnlySpan<byte> bytes) => !bytes.ContainsAnyExcept((byte)0);
}
