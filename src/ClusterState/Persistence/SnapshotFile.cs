using System.Buffers.Binary;
using ClusterState.Kinds;
using ClusterState.Model;
using ClusterState.Storage;

namespace ClusterState.Persistence;

/// <summary>
/// The snapshot format, shared by the store's own snapshots, backups and Raft snapshots: <c>"CSSNAP03"</c>, a header
/// (revision, creation time, object counts per kind name), every object as <c>[varint length][object]</c> in the
/// object codec's format 2 (kinds by name), the batch committed at the revision (<c>[u8 present]</c>, then its
/// changes: <c>[u8 type][object][u8 has previous][previous]</c>, objects length-prefixed), and a CRC-32C trailer over
/// everything before it. Reading checks the trailer first, then decodes every byte as untrusted.
/// </summary>
/// <remarks>
/// Older formats are still read: 2 (<c>"CSSNAP02"</c>) is the same with kinds by number (the object codec's format 1),
/// and 1 (<c>"CSSNAP01"</c>) is format 2 without the batch. A snapshot naming a kind the store does not hold is
/// refused with <see cref="UnknownKindException"/>, never read in part.
/// </remarks>
internal static class SnapshotFile
{
    public const int FormatVersion = 3;

    private static ReadOnlySpan<byte> Magic => "CSSNAP03"u8;

    private static ReadOnlySpan<byte> MagicV2 => "CSSNAP02"u8;

    private static ReadOnlySpan<byte> MagicV1 => "CSSNAP01"u8;

    /// <summary>Writes a snapshot of <paramref name="image"/>.</summary>
    public static async Task<SnapshotInfo> WriteAsync(Stream stream, StateImage image, KindRegistry kinds, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        var (revision, objects, batch) = image;
        using var encoder = new BinaryEncoder(64 * 1024);
        // The header names only the kinds the snapshot holds objects of, in the registry's order.
        var counts = new Dictionary<ResourceKind, int>();
        foreach (var obj in objects)
        {
            var kind = kinds.Get(obj.Kind).Kind;
            counts[kind] = counts.GetValueOrDefault(kind) + 1;
        }

        encoder.WriteBytes(Magic);
        encoder.WriteVarInt(revision);
        encoder.WriteVarInt(createdAt.UtcTicks);
        encoder.WriteVarUInt((ulong)counts.Count);
        foreach (var (kind, count) in counts)
        {
            ObjectCodec.WriteKind(encoder, kinds.Get(kind));
            encoder.WriteVarUInt((ulong)count);
        }

        encoder.WriteVarUInt((ulong)objects.Count);
        using var item = new BinaryEncoder();
        foreach (var obj in objects)
        {
            WriteObject(encoder, item, obj, kinds);
        }

        encoder.WriteByte(batch is null ? (byte)0 : (byte)1);
        if (batch is not null)
        {
            encoder.WriteVarUInt((ulong)batch.Length);
            foreach (var change in batch)
            {
                encoder.WriteByte((byte)change.Type);
                WriteObject(encoder, item, change.Object, kinds);
                encoder.WriteByte(change.Previous is null ? (byte)0 : (byte)1);
                if (change.Previous is { } previous)
                {
                    WriteObject(encoder, item, previous, kinds);
                }
            }
        }

        var checksum = Crc32C.Compute(encoder.WrittenSpan);
        encoder.WriteUInt32Fixed(checksum);
        await stream.WriteAsync(encoder.WrittenMemory, cancellationToken).ConfigureAwait(false);
        return new SnapshotInfo(FormatVersion, revision, createdAt, counts, checksum, encoder.Length);
    }

    /// <summary>Reads and checks a whole snapshot, returning what it holds.</summary>
    /// <exception cref="CorruptDataException">The bytes are not a valid snapshot.</exception>
    /// <exception cref="UnknownKindException">The snapshot holds a kind not registered with <paramref name="kinds"/>.</exception>
    public static (SnapshotInfo Info, StateImage Image) Read(ReadOnlySpan<byte> bytes, KindRegistry kinds, string source)
    {
        var objects = new List<ClusterObject>();
        var info = Read(bytes, kinds, source, objects, out var batch);
        return (info, new StateImage(info.Revision, objects, batch));
    }

    /// <summary>Reads and checks a whole snapshot, only to report on it.</summary>
    /// <exception cref="CorruptDataException">The bytes are not a valid snapshot.</exception>
    /// <exception cref="UnknownKindException">The snapshot holds a kind not registered with <paramref name="kinds"/>.</exception>
    public static SnapshotInfo Inspect(ReadOnlySpan<byte> bytes, KindRegistry kinds, string source) => Read(bytes, kinds, source, objects: null, out _);

    private static void WriteObject(BinaryEncoder encoder, BinaryEncoder item, ClusterObject obj, KindRegistry kinds)
    {
        item.Clear();
        ObjectCodec.Write(item, obj, kinds);
        encoder.WriteVarUInt((ulong)item.Length);
        encoder.WriteBytes(item.WrittenSpan);
    }

    private static ClusterObject ReadObject(ref BinaryDecoder d, KindRegistry kinds, byte format, string source)
    {
        var length = d.ReadCount();
        var start = d.Position;
        var itemDecoder = new BinaryDecoder(d.ReadBytes(length), source, start);
        var obj = ObjectCodec.Read(ref itemDecoder, kinds, format);
        if (!itemDecoder.AtEnd)
        {
            throw itemDecoder.Corrupt("bytes follow an object");
        }

        return obj;
    }

    private static SnapshotInfo Read(ReadOnlySpan<byte> bytes, KindRegistry kinds, string source, List<ClusterObject>? objects, out Change[]? batch)
    {
        var version = bytes.Length < Magic.Length + 4 ? 0
            : bytes[..Magic.Length].SequenceEqual(Magic) ? 3
            : bytes[..Magic.Length].SequenceEqual(MagicV2) ? 2
            : bytes[..Magic.Length].SequenceEqual(MagicV1) ? 1
            : 0;
        if (version == 0)
        {
            throw new CorruptDataException(source, 0, "not a ClusterState snapshot (bad magic or format version)");
        }

        var content = bytes[..^4];
        var stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]);
        if (Crc32C.Compute(content) != stored)
        {
            throw new CorruptDataException(source, bytes.Length - 4, "the snapshot's checksum does not match its contents");
        }

        var d = new BinaryDecoder(content, source);
        d.ReadBytes(Magic.Length);
        var revision = d.ReadVarInt();
        if (revision < 0 || revision > MvccStore.MaxRevision)
        {
            throw d.Corrupt($"revision {revision} is outside 0 to {MvccStore.MaxRevision}");
        }

        var ticks = d.ReadVarInt();
        if (ticks is < 0 or > 3155378975999999999)
        {
            throw d.Corrupt($"{ticks} is not a valid time");
        }

        var format = version >= 3 ? ObjectCodec.FormatVersion : ObjectCodec.LegacyFormatVersion;
        var counts = new Dictionary<ResourceKind, int>();
        var kindCount = d.ReadCount();
        for (var i = 0; i < kindCount; i++)
        {
            // Every kind the snapshot names must be known before any object is read: a store never opens part of it.
            var kind = ObjectCodec.ReadKind(ref d, kinds, format).Kind;
            if (!counts.TryAdd(kind, d.ReadCount()))
            {
                throw d.Corrupt($"the header counts {kind.QualifiedName} twice");
            }
        }

        var total = d.ReadCount();
        var seen = new Dictionary<ResourceKind, int>();
        var names = new Dictionary<(ResourceKind, string, string), ClusterObject>();
        for (var i = 0; i < total; i++)
        {
            var obj = ReadObject(ref d, kinds, format, source);
            var meta = obj.Metadata;
            if (meta.ResourceVersion > revision || meta.ResourceVersion <= 0)
            {
                throw d.Corrupt($"{obj.Kind} {meta.Name} has resourceVersion {meta.ResourceVersion}, outside the snapshot's revision {revision}");
            }

            if (meta.CreateRevision <= 0 || meta.CreateRevision > meta.ResourceVersion || meta.Version <= 0)
            {
                throw d.Corrupt($"{obj.Kind} {meta.Name} has createRevision {meta.CreateRevision} and version {meta.Version} for resourceVersion {meta.ResourceVersion}");
            }

            if (!names.TryAdd((obj.Kind, meta.Namespace, meta.Name), obj))
            {
                throw d.Corrupt($"{obj.Kind} {meta.Namespace}/{meta.Name} appears twice");
            }

            seen[obj.Kind] = seen.GetValueOrDefault(obj.Kind) + 1;
            objects?.Add(obj);
        }

        batch = version >= 2 && d.ReadByte() switch
        {
            0 => false,
            1 => true,
            var b => throw d.Corrupt($"{b} is not a batch marker"),
        } ? ReadBatch(ref d, kinds, format, source, revision, names) : null;
        if (!d.AtEnd)
        {
            throw d.Corrupt($"{d.Remaining} bytes follow the snapshot's contents");
        }

        foreach (var kind in seen.Keys)
        {
            if (!counts.ContainsKey(kind))
            {
                throw d.Corrupt($"the snapshot holds {kind.QualifiedName} objects its header does not count");
            }
        }

        foreach (var (kind, count) in counts)
        {
            if (seen.GetValueOrDefault(kind) != count)
            {
                throw d.Corrupt($"the header counts {count} {kind} objects but the snapshot holds {seen.GetValueOrDefault(kind)}");
            }
        }

        return new SnapshotInfo(version, revision, new DateTimeOffset(ticks, TimeSpan.Zero), counts, stored, bytes.Length);
    }

    /// <summary>
    /// Reads the batch committed at the snapshot's revision and checks it against the snapshot's objects: an added
    /// or modified object is the one the snapshot holds (the same instance is kept), a deleted one is absent.
    /// </summary>
    private static Change[] ReadBatch(ref BinaryDecoder d, KindRegistry kinds, byte format, string source, long revision, Dictionary<(ResourceKind, string, string), ClusterObject> objects)
    {
        var count = d.ReadCount(minBytesPerItem: 3);
        if (count == 0 || revision == 0)
        {
            throw d.Corrupt($"a batch of {count} changes at revision {revision} is not valid");
        }

        var changes = new Change[count];
        var keys = new HashSet<(ResourceKind, string, string)>();
        for (var i = 0; i < count; i++)
        {
            var type = d.ReadByte() switch
            {
                0 => ChangeType.Added,
                1 => ChangeType.Modified,
                2 => ChangeType.Deleted,
                var b => throw d.Corrupt($"{b} is not a change type"),
            };
            var obj = ReadObject(ref d, kinds, format, source);
            var previous = d.ReadByte() switch
            {
                0 => null,
                1 => ReadObject(ref d, kinds, format, source),
                var b => throw d.Corrupt($"{b} is not a previous-object marker"),
            };
            var meta = obj.Metadata;
            var key = (obj.Kind, meta.Namespace, meta.Name);
            if (!keys.Add(key))
            {
                throw d.Corrupt($"the last batch changes {obj.Kind} {meta.Namespace}/{meta.Name} twice");
            }

            objects.TryGetValue(key, out var stored);
            if (type == ChangeType.Deleted ? stored is not null || meta.ResourceVersion >= revision : stored is null || stored.Metadata.ResourceVersion != revision || meta.ResourceVersion != revision)
            {
                throw d.Corrupt($"the last batch's {type} of {obj.Kind} {meta.Namespace}/{meta.Name} does not match the snapshot's objects");
            }

            if ((type == ChangeType.Added) != (previous is null) || (previous is not null && (previous.Kind != obj.Kind || previous.Metadata.ResourceVersion >= revision)))
            {
                throw d.Corrupt($"the last batch's {type} of {obj.Kind} {meta.Namespace}/{meta.Name} has a previous object that does not fit it");
            }

            changes[i] = new Change(type, stored ?? obj, previous);
        }

        return changes;
    }
}
