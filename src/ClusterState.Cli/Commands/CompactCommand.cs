using System.Globalization;
using ClusterState.Persistence;

namespace ClusterState.Cli.Commands;

/// <summary>
/// <c>clusterstate compact DIRECTORY --revision N | --keep N</c>: opens the store (it must not be running), compacts its
/// history below the revision, and writes a snapshot so that the log segments it covers are removed.
/// </summary>
internal static class CompactCommand
{
    public static async Task<int> RunAsync(string directory, long? revision, long? keep, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(directory);
        if (revision is null == keep is null)
        {
            error.WriteLine("give exactly one of --revision and --keep");
            return ExitCodes.Usage;
        }

        if (!Directory.Exists(Path.Combine(root, "wal")))
        {
            error.WriteLine(OfflineReader.IsRaftDirectory(root)
                ? $"{root} is a Raft peer's directory: compact through the group (IClusterStore.CompactAsync on a peer), so that every peer compacts at the same point"
                : $"{root} is not a ClusterState data directory (it has no wal/)");
            return OfflineReader.IsRaftDirectory(root) ? ExitCodes.Usage : ExitCodes.NotFound;
        }

        var before = Size(root);
        using var store = new ClusterStore(new ClusterStoreOptions { DataDirectory = root, HistoryRetention = null });
        var target = revision ?? Math.Max(1, store.Revision - keep!.Value);
        if (target > store.Revision)
        {
            error.WriteLine($"revision {target} is past the store's revision {store.Revision}");
            return ExitCodes.Usage;
        }

        if (target > store.CompactedRevision)
        {
            await store.CompactAsync(target, cancellationToken).ConfigureAwait(false);
        }

        await store.SnapshotNowAsync(cancellationToken).ConfigureAwait(false);
        var at = store.Revision;
        store.Dispose();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"compacted {root} below revision {target:N0} (revision {at:N0}); {before:N0} bytes before, {Size(root):N0} after"));
        return ExitCodes.Ok;
    }

    private static long Size(string root) => Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
}
