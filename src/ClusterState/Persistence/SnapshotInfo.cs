using ClusterState.Model;

namespace ClusterState;

/// <summary>What a snapshot holds, as <c>etcdctl snapshot status</c> reports it.</summary>
/// <param name="FormatVersion">The snapshot format version.</param>
/// <param name="Revision">The revision the snapshot was taken at.</param>
/// <param name="CreatedAt">When it was taken.</param>
/// <param name="ObjectCounts">How many objects of each kind it holds.</param>
/// <param name="Checksum">The CRC-32C of its contents, as stored in its trailer.</param>
/// <param name="SizeBytes">Its size in bytes.</param>
public sealed record SnapshotInfo(
    int FormatVersion,
    long Revision,
    DateTimeOffset CreatedAt,
    IReadOnlyDictionary<ResourceKind, int> ObjectCounts,
    uint Checksum,
    long SizeBytes)
{
    /// <summary>The number of objects of every kind.</summary>
    public int TotalObjects => ObjectCounts.Values.Sum();

    /// <summary>
    /// What <c>etcdctl snapshot status</c> prints, e.g. <c>format 3, revision 23, 7 objects (Service 2, …), crc32c
    /// 0x1a2b3c4d, 1052 bytes, created 2026-12-01T10:00:00.0000000+00:00</c>.
    /// </summary>
    public override string ToString()
    {
        var counts = string.Join(", ", ObjectCounts.OrderBy(c => c.Key.QualifiedName, StringComparer.Ordinal).Select(c => $"{c.Key.QualifiedName} {c.Value}"));
        return string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"format {FormatVersion}, revision {Revision}, {TotalObjects} objects ({counts}), crc32c 0x{Checksum:x8}, {SizeBytes} bytes, created {CreatedAt:O}");
    }
}
