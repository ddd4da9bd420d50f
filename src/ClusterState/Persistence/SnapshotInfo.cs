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
}
