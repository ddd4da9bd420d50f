using ClusterState.Kinds;
using ClusterState.Model;
using ClusterState.Persistence;

namespace ClusterState.Replication;

/// <summary>
/// The replicated form of a write request: <c>[u8 format 4][u64 origin node][u64 sequence][request]</c>, kinds by
/// name, objects in the object codec's format 2, and a flags byte per operation (bit 0: skip the update when it changes
/// nothing); a compaction is format 2. Every peer applies the same request bytes in the same order; the origin matches
/// its waiting caller by (origin, sequence).
/// </summary>
/// <remarks>
/// Format 3 (the same without the flags byte) and format 1 (the first release's, kinds by number) are still read: a
/// log written by them replays. A peer of an earlier release cannot read format 4: upgrade every peer of a group
/// before it writes.
/// </remarks>
internal static class TxnRequestCodec
{
    private const byte FormatVersion = 4;

    /// <summary>Format 4 without the per-operation flags byte.</summary>
    private const byte UnflaggedFormatVersion = 3;

    private const byte LegacyFormatVersion = 1;

    /// <summary>Bit 0 of an operation's flags byte: <see cref="TxnOperation.SkipIfUnchanged"/>.</summary>
    private const byte SkipIfUnchangedFlag = 1;

    /// <summary>The first byte of a replicated compaction: <c>[2][u64 origin][u64 sequence][varint revision]</c>.</summary>
    private const byte CompactionFormat = 2;

    public static byte[] EncodeCompaction(ulong origin, ulong sequence, long revision)
    {
        using var e = new BinaryEncoder(32);
        e.WriteByte(CompactionFormat);
        e.WriteUInt64Fixed(origin);
        e.WriteUInt64Fixed(sequence);
        e.WriteVarInt(revision);
        return e.WrittenSpan.ToArray();
    }

    public static bool IsCompaction(ReadOnlySpan<byte> bytes) => bytes.Length > 0 && bytes[0] == CompactionFormat;

    public static long DecodeCompaction(ReadOnlySpan<byte> bytes, string source)
    {
        var d = new BinaryDecoder(bytes, source);
        d.ReadByte();
        d.ReadUInt64Fixed();
        d.ReadUInt64Fixed();
        var revision = d.ReadVarInt();
        return d.AtEnd ? revision : throw d.Corrupt("bytes follow the compaction");
    }

    public static byte[] Encode(ulong origin, ulong sequence, TxnRequest request, KindRegistry kinds)
    {
        using var e = new BinaryEncoder();
        e.WriteByte(FormatVersion);
        e.WriteUInt64Fixed(origin);
        e.WriteUInt64Fixed(sequence);
        e.WriteVarInt(request.Timestamp.UtcTicks);
        e.WriteUInt64Fixed(request.UidPrefix);
        e.WriteVarInt(request.UidBase);
        e.WriteVarUInt((ulong)request.Compares.Length);
        foreach (var c in request.Compares)
        {
            ObjectCodec.WriteKind(e, kinds.Get(c.Kind));
            e.WriteString(c.Namespace);
            e.WriteString(c.Name);
            e.WriteVarInt((long)c.Target);
            e.WriteVarInt((long)c.Operator);
            e.WriteVarInt(c.Value);
        }

        WriteOperations(e, request.Success, kinds);
        WriteOperations(e, request.Failure, kinds);
        return e.WrittenSpan.ToArray();
    }

    /// <summary>Reads only who proposed the request and its sequence there.</summary>
    public static (ulong Origin, ulong Sequence) ReadOrigin(ReadOnlySpan<byte> bytes, string source)
    {
        var d = new BinaryDecoder(bytes, source);
        var version = d.ReadByte();
        return version is FormatVersion or UnflaggedFormatVersion or LegacyFormatVersion or CompactionFormat ? (d.ReadUInt64Fixed(), d.ReadUInt64Fixed()) : throw d.Corrupt($"unknown request format {version}");
    }

    /// <exception cref="UnknownKindException">The request names a kind not registered with <paramref name="kinds"/>.</exception>
    public static (ulong Origin, ulong Sequence, TxnRequest Request) Decode(ReadOnlySpan<byte> bytes, KindRegistry kinds, string source, StringCache? strings = null)
    {
        var d = new BinaryDecoder(bytes, source, strings: strings);
        var version = d.ReadByte();
        var format = version switch
        {
            FormatVersion or UnflaggedFormatVersion => ObjectCodec.FormatVersion,
            LegacyFormatVersion => ObjectCodec.LegacyFormatVersion,
            _ => throw d.Corrupt($"unknown request format {version}"),
        };

        var origin = d.ReadUInt64Fixed();
        var sequence = d.ReadUInt64Fixed();
        var ticks = d.ReadVarInt();
        if (ticks is < 0 or > 3155378975999999999)
        {
            throw d.Corrupt($"{ticks} is not a valid time");
        }

        var prefix = d.ReadUInt64Fixed();
        var uidBase = d.ReadVarInt();
        var compares = d.ReadCount(minBytesPerItem: 6) is var compareCount and > 0 ? new Compare[compareCount] : [];
        for (var i = 0; i < compares.Length; i++)
        {
            compares[i] = new Compare(ObjectCodec.ReadKind(ref d, kinds, format).Kind, d.ReadString(), d.ReadString(), d.ReadEnum<CompareTarget>(), d.ReadEnum<CompareOperator>(), d.ReadVarInt());
        }

        var flagged = version == FormatVersion;
        var success = ReadOperations(ref d, kinds, format, flagged);
        var failure = ReadOperations(ref d, kinds, format, flagged);
        return (origin, sequence, TxnRequest.Restore(compares, success, failure, new DateTimeOffset(ticks, TimeSpan.Zero), prefix, uidBase));
    }

    private static void WriteOperations(BinaryEncoder e, TxnOperation[] operations, KindRegistry kinds)
    {
        e.WriteVarUInt((ulong)operations.Length);
        foreach (var op in operations)
        {
            e.WriteVarInt((long)op.Type);
            ObjectCodec.WriteKind(e, kinds.Get(op.Kind));
            e.WriteString(op.Namespace);
            e.WriteString(op.Name);
            e.WriteVarInt(op.ExpectedResourceVersion);
            e.WriteByte(op.SkipIfUnchanged ? SkipIfUnchangedFlag : (byte)0);
            e.WriteBool(op.Object is not null);
            if (op.Object is { } obj)
            {
                ObjectCodec.Write(e, obj, kinds);
            }
        }
    }

    private static TxnOperation[] ReadOperations(ref BinaryDecoder d, KindRegistry kinds, byte format, bool flagged)
    {
        var operations = d.ReadCount(minBytesPerItem: 3) is var count and > 0 ? new TxnOperation[count] : [];
        for (var i = 0; i < operations.Length; i++)
        {
            var type = d.ReadEnum<TxnOperationType>();
            var kind = ObjectCodec.ReadKind(ref d, kinds, format).Kind;
            var ns = d.ReadString();
            var name = d.ReadString();
            var expected = d.ReadVarInt();
            var flags = flagged ? d.ReadByte() : (byte)0;
            if ((flags & ~SkipIfUnchangedFlag) != 0 || (flags != 0 && type != TxnOperationType.Update))
            {
                throw d.Corrupt($"operation flags {flags} are not valid for a {type}");
            }

            var obj = d.ReadBool() ? ObjectCodec.Read(ref d, kinds, format) : null;
            operations[i] = TxnOperation.Restore(type, kind, ns, name, obj, expected, flags != 0);
        }

        return operations;
    }
}
