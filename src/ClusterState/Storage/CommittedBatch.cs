using ClusterState.Model;

namespace ClusterState.Storage;

/// <summary>What one operation of a committed batch did to its key.</summary>
internal enum ChangeType
{
    Added,
    Modified,
    Deleted,
}

/// <summary>
/// One key's change in a committed batch. For <see cref="ChangeType.Deleted"/>, <see cref="Object"/> is the
/// object's last state.
/// </summary>
internal readonly record struct Change(ChangeType Type, ClusterObject Object, ClusterObject? Previous);

/// <summary>Every change one revision made, in operation order: the unit watchers receive together.</summary>
/// <param name="revision">The revision the batch made.</param>
/// <param name="changes">Its changes.</param>
/// <param name="versions">
/// The version nodes the changes appended to their keys' histories, when any did: the node itself for a batch of one
/// change, else an array by change (a null entry: the key holds the object bare). Null for a batch that made no node
/// (creations, or a batch loaded from a snapshot), so a bulk load keeps nothing more per object.
/// </param>
internal sealed class CommittedBatch(long revision, Change[] changes, object? versions = null)
{
    public long Revision { get; } = revision;

    public Change[] Changes { get; } = changes;

    /// <summary>When this process applied the batch (<see cref="System.Diagnostics.Stopwatch"/> ticks): watch delivery lag is measured from it.</summary>
    public long AppliedAt { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>
    /// The version node change <paramref name="index"/> appended to its key's history, or null (the key holds the
    /// bare object, or the batch was loaded). Compaction cuts the history there instead of walking the key's versions
    /// from the newest.
    /// </summary>
    public StoredVersion? VersionAt(int index) => versions switch
    {
        StoredVersion only => only,
        StoredVersion?[] all => all[index],
        _ => null,
    };

    /// <summary>What <paramref name="nodes"/> (by change, the first <paramref name="count"/>) keep as a batch's versions.</summary>
    public static object? Versions(StoredVersion?[] nodes, int count)
    {
        if (count == 1)
        {
            return nodes[0];
        }

        for (var i = 0; i < count; i++)
        {
            if (nodes[i] is not null)
            {
                return nodes.AsSpan(0, count).ToArray();
            }
        }

        return null;
    }
}
