using ClusterState.Kinds;
using ClusterState.Model;
using ClusterState.Persistence.Files;
using ClusterState.Storage;

namespace ClusterState.Persistence;

/// <summary>
/// One record of the write-ahead log: <c>[u32 body length][u32 CRC-32C of body][body]</c>, the body being
/// <c>[u8 type][u64 revision][payload]</c>. A committed batch's payload is its changes: for each, the change
/// type, then the full stored object (for a delete, just kind, namespace and name).
/// </summary>
/// <remarks>
/// A batch is written as type 3, its objects in the object codec's format 2 (kinds by name). Type 1, the first
/// release's batch with kinds by number, is still read, so a data directory it wrote opens and is appended to.
/// </remarks>
internal static class WalRecord
{
    /// <summary>Bytes before the body: length and checksum.</summary>
    public const int FrameHeaderBytes = RecordFrame.HeaderBytes;

    /// <summary>The smallest body: type and revision.</summary>
    public const int MinBodyBytes = 9;

    /// <summary>The largest body accepted when reading (far above any batch the limits allow).</summary>
    public const int MaxBodyBytes = 1 << 30;

    /// <summary>A batch whose objects are in the first object format (kinds by number); read only.</summary>
    public const byte LegacyBatchType = 1;

    /// <summary>A batch whose objects are in the current object format (kinds by name).</summary>
    public const byte BatchType = 3;

    /// <summary>A compaction: the revision after the type is the last batch applied when it was written, the payload the compaction revision.</summary>
    public const byte CompactionType = 2;

    /// <summary>Encodes a compaction at <paramref name="revision"/>, written after the batch at <paramref name="position"/>.</summary>
    public static void WriteCompaction(BinaryEncoder e, long position, long revision)
    {
        var start = RecordFrame.Begin(e);
        e.WriteByte(CompactionType);
        e.WriteUInt64Fixed((ulong)position);
        e.WriteVarInt(revision);
        RecordFrame.End(e, start);
    }

    /// <summary>The record type of a body (already checked against its checksum).</summary>
    public static byte TypeOf(ReadOnlySpan<byte> body) => body[0];

    /// <summary>Decodes a compaction body: the position it was written at and the compaction revision.</summary>
    public static (long Position, long Revision) ReadCompaction(ReadOnlySpan<byte> body, string source, long offset)
    {
        var d = new BinaryDecoder(body, source, offset);
        d.ReadByte();
        var position = (long)d.ReadUInt64Fixed();
        var revision = d.ReadVarInt();
        if (revision < 1 || revision > position || !d.AtEnd)
        {
            throw d.Corrupt($"a compaction at revision {revision} written after revision {position} is not valid");
        }

        return (position, revision);
    }

    /// <summary>Encodes a committed batch as a framed record into <paramref name="e"/>.</summary>
    public static void WriteBatch(BinaryEncoder e, CommittedBatch batch, KindRegistry kinds)
    {
        var start = RecordFrame.Begin(e);
        e.WriteByte(BatchType);
        e.WriteUInt64Fixed((ulong)batch.Revision);
        e.WriteVarUInt((ulong)batch.Changes.Length);
        foreach (var change in batch.Changes)
        {
            e.WriteByte((byte)change.Type);
            if (change.Type == ChangeType.Deleted)
            {
                var meta = change.Object.Metadata;
                ObjectCodec.WriteKind(e, kinds.Get(change.Object.Kind));
                e.WriteString(meta.Namespace);
                e.WriteString(meta.Name);
            }
            else
            {
                ObjectCodec.Write(e, change.Object, kinds);
            }
        }

        RecordFrame.End(e, start);
    }

    /// <summary>Decodes a batch body (already checked against its checksum).</summary>
    /// <exception cref="UnknownKindException">The batch holds a kind not registered with <paramref name="kinds"/>.</exception>
    public static (long Revision, List<(ChangeType, ResourceKind, ObjectName, ClusterObject?)> Changes) ReadBatch(ReadOnlySpan<byte> body, KindRegistry kinds, string source, long offset)
    {
        var d = new BinaryDecoder(body, source, offset);
        var type = d.ReadByte();
        var format = type switch
        {
            BatchType => ObjectCodec.FormatVersion,
            LegacyBatchType => ObjectCodec.LegacyFormatVersion,
            _ => throw d.Corrupt($"unknown record type {type}"),
        };

        var revision = (long)d.ReadUInt64Fixed();
        var count = d.ReadCount(minBytesPerItem: 3);
        var changes = new List<(ChangeType, ResourceKind, ObjectName, ClusterObject?)>(count);
        for (var i = 0; i < count; i++)
        {
            var changeType = d.ReadByte() switch
            {
                0 => ChangeType.Added,
                1 => ChangeType.Modified,
                2 => ChangeType.Deleted,
                var b => throw d.Corrupt($"{b} is not a change type"),
            };
            if (changeType == ChangeType.Deleted)
            {
                var kind = ObjectCodec.ReadKind(ref d, kinds, format).Kind;
                changes.Add((changeType, kind, new ObjectName(d.ReadString(), d.ReadString()), null));
            }
            else
            {
                var obj = ObjectCodec.Read(ref d, kinds, format);
                changes.Add((changeType, obj.Kind, new ObjectName(obj.Metadata.Namespace, obj.Metadata.Name), obj));
            }
        }

        if (!d.AtEnd)
        {
            throw d.Corrupt($"{d.Remaining} bytes follow the record's last change");
        }

        return (revision, changes);
    }
}
