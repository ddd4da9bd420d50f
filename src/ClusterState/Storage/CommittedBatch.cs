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
internal readonly record struct Change(ChangeType Type, ClusterObject Object, ClusterObject? Previous)
{
    /// <summary>
    /// The key's history and the version node this change appended to it (null: the key holds the bare object, or
    /// the change was loaded rather than applied). Compaction starts from the node instead of walking the key's
    /// versions from the newest.
    /// </summary>
    internal (KeyHistory History, StoredVersion? Version)? Stored { get; init; }
}

/// <summary>Every change one revision made, in operation order: the unit watchers receive together.</summary>
internal sealed class CommittedBatch(long revision, Change[] changes)
{
    public long Revision { get; } = revision;

    public Change[] Changes { get; } = changes;

    /// <summary>When this process applied the batch (<see cref="System.Diagnostics.Stopwatch"/> ticks): watch delivery lag is measured from it.</summary>
    public long AppliedAt { get; } = System.Diagnostics.Stopwatch.GetTimestamp();
}
