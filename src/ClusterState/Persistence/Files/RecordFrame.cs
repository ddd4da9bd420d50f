using System.Buffers.Binary;

namespace ClusterState.Persistence.Files;

/// <summary>
/// The record frame every log file uses (the store's write-ahead log and a Raft peer's log):
/// <c>[u32 body length][u32 CRC-32C of body][body]</c>, and the one set of rules for reading a file of them back.
/// </summary>
/// <remarks>
/// <para>Reading stops at the first frame that is not whole and valid. That frame may be a <em>torn tail</em> — the
/// end of the newest file, written when the process or machine stopped, never acknowledged — only if its shape is one
/// a crash leaves (a header cut short, zeros to the end, or a length that runs past the end of the file) and nothing
/// valid follows it. Anything else is damage to acknowledged data and fails with
/// <see cref="CorruptDataException"/> naming the file and offset: a bad checksum, a length out of range, a frame
/// cut short in a file that is not the newest, a valid frame after the bad one (a damaged length, not a crash), or
/// a whole record whose only fault is its length.</para>
/// <para>The writer's side: <see cref="Begin"/> reserves the header, <see cref="End"/> fills in length and checksum.</para>
/// </remarks>
internal static class RecordFrame
{
    /// <summary>Bytes before the body: length and checksum.</summary>
    public const int HeaderBytes = 8;

    /// <summary>Receives one record's body and the offset of its frame in the file.</summary>
    public delegate void Handler(ReadOnlySpan<byte> body, long offset);

    /// <summary>Where a file's records end.</summary>
    /// <param name="ValidLength">The length of the whole, valid records (appending continues here).</param>
    /// <param name="TornTail">True when bytes after <paramref name="ValidLength"/> were a torn tail to cut off.</param>
    public readonly record struct ScanResult(long ValidLength, bool TornTail);

    /// <summary>Reserves a frame header at the end of <paramref name="e"/>; returns where the frame starts.</summary>
    public static int Begin(BinaryEncoder e)
    {
        var start = e.Length;
        e.Reserve(HeaderBytes);
        return start;
    }

    /// <summary>Completes the frame begun at <paramref name="start"/>: the body is everything written since; returns its length.</summary>
    public static int End(BinaryEncoder e, int start)
    {
        var bodyLength = e.Length - start - HeaderBytes;
        e.PatchUInt32(start, (uint)bodyLength);
        e.PatchUInt32(start + 4, Crc32C.Compute(e.WrittenSpan.Slice(start + HeaderBytes, bodyLength)));
        return bodyLength;
    }

    /// <summary>
    /// Reads the records of <paramref name="bytes"/> from <paramref name="start"/>, handing each body to
    /// <paramref name="handle"/> in order.
    /// </summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="start">The offset of the first frame (after the file's header).</param>
    /// <param name="path">The file, for errors.</param>
    /// <param name="isNewest">Whether this is the newest file of its log, the only one that may end in a torn tail.</param>
    /// <param name="minBody">The smallest valid body.</param>
    /// <param name="maxBody">The largest valid body (the writer never writes a larger one).</param>
    /// <param name="handle">Called for every whole, valid record.</param>
    /// <exception cref="CorruptDataException">The file is damaged anywhere but a torn tail.</exception>
    public static ScanResult Scan(ReadOnlySpan<byte> bytes, int start, string path, bool isNewest, int minBody, int maxBody, Handler handle)
    {
        var position = start;
        while (position < bytes.Length)
        {
            var remaining = bytes.Length - position;
            if (remaining < HeaderBytes)
            {
                return Torn(bytes, position, path, isNewest, minBody, maxBody, "a record header is cut short");
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes[position..]);
            var checksum = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(position + 4)..]);
            if (length == 0 && checksum == 0 && !bytes[position..].ContainsAnyExcept((byte)0))
            {
                // Space the file system allocated but the crash left unwritten.
                return Torn(bytes, position, path, isNewest, minBody, maxBody, "zeros where a record should be");
            }

            if (length < (uint)minBody || length > (uint)maxBody)
            {
                throw new CorruptDataException(path, position, $"a record length of {length} bytes is out of range");
            }

            if (length > remaining - HeaderBytes)
            {
                // A record that is whole but for its length field is damage, not a crash.
                var rest = bytes[(position + HeaderBytes)..];
                if (rest.Length >= minBody && Crc32C.Compute(rest) == checksum)
                {
                    throw new CorruptDataException(path, position, $"a record's length field says {length} bytes, but the {rest.Length} bytes that follow are the whole record");
                }

                return Torn(bytes, position, path, isNewest, minBody, maxBody, $"a record of {length} bytes is cut short");
            }

            var body = bytes.Slice(position + HeaderBytes, (int)length);
            if (Crc32C.Compute(body) != checksum)
            {
                throw new CorruptDataException(path, position, "the record's checksum does not match");
            }

            handle(body, position);
            position += HeaderBytes + (int)length;
        }

        return new ScanResult(position, false);
    }

    /// <summary>A frame that looks torn at <paramref name="position"/>: the tail to cut, or corruption.</summary>
    private static ScanResult Torn(ReadOnlySpan<byte> bytes, int position, string path, bool isNewest, int minBody, int maxBody, string problem)
    {
        if (!isNewest)
        {
            throw new CorruptDataException(path, position, problem + " in a file that is not the newest");
        }

        if (FindValidFrame(bytes, position + 1, minBody, maxBody) is { } found)
        {
            throw new CorruptDataException(path, position, $"{problem}, but a valid record follows at offset {found}: the record's header is damaged, not torn");
        }

        return new ScanResult(position, true);
    }

    /// <summary>The offset of the first whole frame with a matching checksum at or after <paramref name="from"/>, if any.</summary>
    private static int? FindValidFrame(ReadOnlySpan<byte> bytes, int from, int minBody, int maxBody)
    {
        for (var p = from; p <= bytes.Length - HeaderBytes - minBody; p++)
        {
            var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes[p..]);
            if (length < (uint)minBody || length > (uint)maxBody || length > (uint)(bytes.Length - p - HeaderBytes))
            {
                continue;
            }

            var checksum = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(p + 4)..]);
            if (Crc32C.Compute(bytes.Slice(p + HeaderBytes, (int)length)) == checksum)
            {
                return p;
            }
        }

        return null;
    }
}
