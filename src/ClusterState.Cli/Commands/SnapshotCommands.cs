using ClusterState.Kinds;
using ClusterState.Persistence;
using ClusterState.Persistence.Files;

namespace ClusterState.Cli.Commands;

/// <summary><c>clusterstate snapshot save|restore|inspect</c>, as <c>etcdctl snapshot</c>.</summary>
internal static class SnapshotCommands
{
    /// <summary>Writes a backup of what a directory (or another backup) holds, whole or not at all.</summary>
    public static async Task<int> SaveAsync(string path, string file, KindRegistry kinds, TextWriter output, CancellationToken cancellationToken)
    {
        Source source;
        using (var progress = ProgressBar.ForTerminal("reading"))
        {
            source = Source.Open(path, kinds, progress);
        }

        SnapshotInfo? info = null;
        await DurableFiles.WriteAtomicallyAsync(
            Path.GetFullPath(file),
            async (stream, ct) => info = await SnapshotFile.WriteAsync(stream, source.Image, kinds, DateTimeOffset.UtcNow, ct).ConfigureAwait(false),
            fsync: true,
            cancellationToken).ConfigureAwait(false);
        output.WriteLine($"saved {Path.GetFullPath(file)}: {info}");
        return ExitCodes.Ok;
    }

    /// <summary>Creates a store in <paramref name="directory"/> (which must not hold one) from a backup.</summary>
    public static async Task<int> RestoreAsync(string file, string directory, TextWriter output, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(file);
        using var store = await ClusterStore.RestoreAsync(stream, new ClusterStoreOptions { DataDirectory = directory }, cancellationToken: cancellationToken).ConfigureAwait(false);
        output.WriteLine($"restored {Path.GetFullPath(file)} into {Path.GetFullPath(directory)} at revision {store.Revision}");
        return ExitCodes.Ok;
    }

    /// <summary>Checks a backup whole and prints its header.</summary>
    public static async Task<int> InspectAsync(string file, TextWriter output, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(file);
        output.WriteLine(await ClusterStore.InspectSnapshotAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false));
        return ExitCodes.Ok;
    }
}
