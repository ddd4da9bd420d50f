using ClusterState.Kinds;
using ClusterState.Model;
using ClusterState.Persistence;
using ClusterState.Replication;
using ClusterState.Storage;

namespace ClusterState.Cli;

/// <summary>
/// What a path holds, read without opening a store (so a directory a running store holds can be read too): a data
/// directory, a Raft peer's directory, or a backup file written by <c>SaveSnapshotAsync</c> or <c>snapshot save</c>.
/// </summary>
internal sealed class Source
{
    private Source(string path, string layout, StateImage image, long compactedRevision, bool inUse, IReadOnlyList<string> notes)
    {
        Path = path;
        Layout = layout;
        Image = image;
        CompactedRevision = compactedRevision;
        InUse = inUse;
        Notes = notes;
    }

    public string Path { get; }

    /// <summary>"data directory", "Raft peer directory" or "backup file".</summary>
    public string Layout { get; }

    /// <summary>Every object at the latest revision the files hold, in kind, namespace and name order.</summary>
    public StateImage Image { get; }

    public long CompactedRevision { get; }

    /// <summary>True when a running store holds the directory (the files were read as they are).</summary>
    public bool InUse { get; }

    /// <summary>What was noticed that is not damage.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>The backup's header, for a backup file.</summary>
    public SnapshotInfo? Backup { get; private init; }

    /// <summary>The snapshot a data directory's state was loaded from (its newest whole one), if any.</summary>
    public SnapshotInfo? Snapshot { get; private init; }

    /// <summary>The peer's hard state and log, for a Raft peer's directory.</summary>
    public RaftDiskStorage.ReadResult? Raft { get; private init; }

    /// <exception cref="FileNotFoundException">Nothing is at <paramref name="path"/>.</exception>
    /// <exception cref="CorruptDataException">A file is damaged.</exception>
    public static Source Open(string path, KindRegistry kinds, IProgress<OfflineReader.Progress>? progress)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (File.Exists(full))
        {
            var (info, image) = SnapshotFile.Read(File.ReadAllBytes(full), kinds, full);
            return new Source(full, "backup file", image, image.Revision, inUse: false, []) { Backup = info };
        }

        if (!Directory.Exists(full))
        {
            throw new FileNotFoundException($"{full} does not exist.", full);
        }

        var contents = OfflineReader.Load(full, kinds, progress);
        var state = contents.State;
        return new Source(full, contents.IsRaft ? "Raft peer directory" : "data directory", state.CaptureCurrent(), state.CompactedRevision, contents.InUse, contents.Notes)
        {
            Raft = contents.Raft,
            Snapshot = contents.Snapshot,
        };
    }

    /// <summary>The kind a user names: its name, plural or qualified name, any case (<c>svc</c> and friends too).</summary>
    public static ResourceKind? FindKind(KindRegistry kinds, string name)
    {
        var wanted = name.Trim().ToLowerInvariant() switch
        {
            "svc" => "services",
            "ep" => "endpoints",
            "netpol" => "networkpolicies",
            "ns" => "namespaces",
            "po" => "pods",
            "no" => "nodes",
            var other => other,
        };
        return kinds.All.Select(d => d.Kind).FirstOrDefault(k =>
            string.Equals(k.Name, wanted, StringComparison.OrdinalIgnoreCase)
            || string.Equals(k.Plural, wanted, StringComparison.OrdinalIgnoreCase)
            || string.Equals(k.QualifiedName, wanted, StringComparison.OrdinalIgnoreCase)
            || (k.Group.Length > 0 && string.Equals($"{k.Plural}.{k.Group}", wanted, StringComparison.OrdinalIgnoreCase)));
    }
}
