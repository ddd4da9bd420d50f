using ClusterState.Persistence;
using ClusterState.Replication.Raft;

namespace ClusterState.Replication.Transport;

/// <summary>
/// The wire form of a <see cref="RaftMessage"/>: <c>[varint type][u64 from][u64 to][varint term, index, log term,
/// commit, reject hint, chunk offset][u64 context][u8 flags][entries][optional snapshot bytes][optional membership]</c>. Decoding treats
/// every byte as untrusted.
/// </summary>
internal static class RaftMessageCodec
{
    private const byte RejectFlag = 1;
    private const byte DoneFlag = 2;
    private const byte LeaderTransferFlag = 4;
    private const byte SnapshotFlag = 8;
    private const byte MembershipFlag = 16;

    /// <summary>The fewest bytes an entry takes on the wire: term, index, type, data length.</summary>
    private const int MinEntryBytes = 4;

    public static void Write(BinaryEncoder e, RaftMessage m)
    {
        e.WriteVarInt((long)m.Type);
        e.WriteUInt64Fixed(m.From);
        e.WriteUInt64Fixed(m.To);
        e.WriteVarInt(m.Term);
        e.WriteVarInt(m.Index);
        e.WriteVarInt(m.LogTerm);
        e.WriteVarInt(m.Commit);
        e.WriteVarInt(m.RejectHint);
        e.WriteVarInt(m.ChunkOffset);
        e.WriteUInt64Fixed(m.Context);
        e.WriteByte((byte)((m.Reject ? RejectFlag : 0) | (m.Done ? DoneFlag : 0) | (m.LeaderTransfer ? LeaderTransferFlag : 0) | (m.Snapshot is null ? 0 : SnapshotFlag) | (m.Membership is null ? 0 : MembershipFlag)));
        e.WriteVarUInt((ulong)m.Entries.Length);
        foreach (var entry in m.Entries)
        {
            e.WriteVarInt(entry.Term);
            e.WriteVarInt(entry.Index);
            e.WriteByte((byte)entry.Type);
            e.WriteVarUInt((ulong)entry.Data.Length);
            e.WriteBytes(entry.Data);
        }

        if (m.Snapshot is { } snapshot)
        {
            e.WriteVarUInt((ulong)snapshot.Length);
            e.WriteBytes(snapshot);
        }

        if (m.Membership is { } membership)
        {
            var bytes = membership.Encode();
            e.WriteVarUInt((ulong)bytes.Length);
            e.WriteBytes(bytes);
        }
    }

    /// <summary>
    /// Whether this release knows the type of the message in <paramref name="bytes"/>: a peer of a later release may
    /// send types added since, which the receiver skips (the frame's length says where the next one starts).
    /// </summary>
    /// <exception cref="CorruptDataException">The bytes do not start with a type.</exception>
    public static bool IsKnownType(ReadOnlySpan<byte> bytes, string source)
    {
        var d = new BinaryDecoder(bytes, source);
        var raw = d.ReadVarInt();
        return raw is >= int.MinValue and <= int.MaxValue && Enum.IsDefined((MessageType)(int)raw);
    }

    /// <exception cref="CorruptDataException">The bytes are not a valid message.</exception>
    public static RaftMessage Read(ReadOnlySpan<byte> bytes, string source)
    {
        var d = new BinaryDecoder(bytes, source);
        var type = d.ReadEnum<MessageType>();
        var from = d.ReadUInt64Fixed();
        var to = d.ReadUInt64Fixed();
        var term = d.ReadVarInt();
        var index = d.ReadVarInt();
        var logTerm = d.ReadVarInt();
        var commit = d.ReadVarInt();
        var rejectHint = d.ReadVarInt();
        var chunkOffset = d.ReadVarInt();
        var context = d.ReadUInt64Fixed();
        var flags = d.ReadByte();
        if (term < 0 || index < 0 || logTerm < 0 || commit < 0 || rejectHint < 0 || chunkOffset < 0)
        {
            throw d.Corrupt("a negative term, index or offset");
        }

        if ((flags & ~(RejectFlag | DoneFlag | LeaderTransferFlag | SnapshotFlag | MembershipFlag)) != 0)
        {
            throw d.Corrupt($"unknown flags {flags:x2}");
        }

        // An entry is at least term, index, type and data length (a byte each): a hostile count cannot make the
        // array larger than the frame could fill.
        var entries = new LogEntry[d.ReadCount(MinEntryBytes)];
        for (var i = 0; i < entries.Length; i++)
        {
            var entryTerm = d.ReadVarInt();
            var entryIndex = d.ReadVarInt();
            var entryType = d.ReadByte() switch
            {
                (byte)EntryType.Normal => EntryType.Normal,
                (byte)EntryType.Membership => EntryType.Membership,
                var b => throw d.Corrupt($"{b} is not an entry type"),
            };
            entries[i] = new LogEntry(entryTerm, entryIndex, d.ReadBytes(d.ReadCount()).ToArray(), entryType);
        }

        var snapshot = (flags & SnapshotFlag) != 0 ? d.ReadBytes(d.ReadCount()).ToArray() : null;
        Membership? membership = null;
        if ((flags & MembershipFlag) != 0)
        {
            var encoded = d.ReadBytes(d.ReadCount());
            try
            {
                membership = Membership.Decode(encoded);
            }
            catch (FormatException ex)
            {
                throw d.Corrupt(ex.Message, ex);
            }
        }
        if (!d.AtEnd)
        {
            throw d.Corrupt($"{d.Remaining} bytes follow the message");
        }

        return new RaftMessage
        {
            Type = type, From = from, To = to, Term = term, Index = index, LogTerm = logTerm, Commit = commit,
            RejectHint = rejectHint, ChunkOffset = chunkOffset, Context = context, Entries = entries, Snapshot = snapshot, Membership = membership,
            Reject = (flags & RejectFlag) != 0, Done = (flags & DoneFlag) != 0, LeaderTransfer = (flags & LeaderTransferFlag) != 0,
        };
    }
}
