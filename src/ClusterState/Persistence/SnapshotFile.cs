using System.Buffers.Binary;
using ClusterState.Model;
using ClusterState.Storage;

namespace ClusterState.Persistence;

/// <summary>
/// The snapshot format, shared by the store's own snapshots and by backups: <c>"CSSNAP01"</c>, a header (revision,
/// creation time, object counts per kind), every object as <c>[varint length][object]</c>, and a CRC-32C trailer
/// over everything before it. Reading checks the trailer first, then decodes every byte as untrusted.
/// </summary>
internal static class SnapshotFile
{
    public const int FormatVersion = 1;

    private static ReadOnlySpan<byte> Magic => "CSSNAP01"u8;

    /// <summary>Writes a snapshot of <paramref name="objects"/> taken at <paramref name="revision"/>.</summary>
    public static async Task<SnapshotInfo> WriteAsync(Stream stream, long revision, IReadOnlyList<ClusterObject> objects, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        using var encoder = new BinaryEncoder(64 * 1024);
        var counts = ResourceKinds.All.ToDictionary(k => k, _ => 0);
        foreach (var obj in objects)
        {
            counts[obj.Kind]++;
        }

        encoder.WriteBytes(Magic);
        encoder.WriteVarInt(revision);
        encoder.WriteVarInt(createdAt.UtcTicks);
        encoder.WriteVarUInt((ulong)counts.Count);
        foreach (var (kind, count) in counts)
        {
            encoder.WriteVarInt((long)kind);
            encoder.WriteVarUInt((ulong)count);
        }

        encoder.WriteVarUInt((ulong)objects.Count);
        using var item = new BinaryEncoder();
        foreach (var obj in objects)
        {
            item.Clear();
            ObjectCodec.Write(item, obj);
            encoder.WriteVarUInt((ulong)item.Length);
            encoder.WriteBytes(item.WrittenSpan);
        }

        var checksum = Crc32C.Compute(encoder.WrittenSpan);
        encoder.WriteUInt32Fixed(checksum);
        await stream.WriteAsync(encoder.WrittenMemory, cancellationToken).ConfigureAwait(false);
        return new SnapshotInfo(FormatVersion, revision, createdAt, counts, checksum, encoder.Length);
    }

    /// <summary>Reads and checks a whole snapshot; <paramref name="objects"/> may be null to only inspect it.</summary>
    /// <exception cref="CorruptDataException">The bytes are not a valid snapshot.</exception>
    public static SnapshotInfo Read(ReadOnlySpan<byte> bytes, string source, List<ClusterObject>? objects)
    {
        if (bytes.Length < Magic.Length + 4 || !bytes[..Magic.Length].SequenceEqual(Magic))
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

        var counts = new Dictionary<ResourceKind, int>();
        var kinds = d.ReadCount();
        for (var i = 0; i < kinds; i++)
        {
            var kind = d.ReadEnum<ResourceKind>();
            counts[kind] = d.ReadCount();
        }

        var total = d.ReadCount();
        var seen = new Dictionary<ResourceKind, int>();
        var names = new HashSet<(ResourceKind, string, string)>();
        for (var i = 0; i < total; i++)
        {
            var length = d.ReadCount();
            var start = d.Position;
            var itemDecoder = new BinaryDecoder(d.ReadBytes(length), source, start);
            var obj = ObjectCodec.Read(ref itemDecoder);
            if (!itemDecoder.AtEnd)
            {
                throw itemDecoder.Corrupt("bytes follow an object");
            }

            var meta = obj.Metadata;
            if (meta.ResourceVersion > revision || meta.ResourceVersion <= 0)
            {
                throw d.Corrupt($"{obj.Kind} {meta.Name} has resourceVersion {meta.ResourceVersion}, outside the snapshot's revision {revision}");
            }

            if (meta.CreateRevision <= 0 || meta.CreateRevision > meta.ResourceVersion || meta.Version <= 0)
            {
                throw d.Corrupt($"{obj.Kind} {meta.Name} has createRevision {meta.CreateRevision} and version {meta.Version} for resourceVersion {meta.ResourceVersion}");
            }

            if (!names.Add((obj.Kind, meta.Namespace, meta.Name)))
            {
                throw d.Corrupt($"{obj.Kind} {meta.Namespace}/{meta.Name} appears twice");
            }

            seen[obj.Kind] = seen.GetValueOrDefault(obj.Kind) + 1;
            objects?.Add(obj);
        }

        if (!d.AtEnd)
        {
            throw d.Corrupt($"{d.Remaining} bytes follow the last object");
        }

        foreach (var (kind, count) in counts)
        {
            if (seen.GetValueOrDefault(kind) != count)
            {
                throw d.Corrupt($"the header counts {count} {kind} objects but the snapshot holds {seen.GetValueOrDefault(kind)}");
            }
        }

        return new SnapshotInfo(FormatVersion, revision, new DateTimeOffset(ticks, TimeSpan.Zero), counts, stored, bytes.Length);
    }
}
