using System.Globalization;
using ClusterState.Kinds;
using ClusterState.Persistence;

namespace ClusterState.Cli.Commands;

/// <summary><c>clusterstate status PATH</c>: revision, compaction, objects per kind, formats and Raft state.</summary>
internal static class StatusCommand
{
    public static int Run(string path, KindRegistry kinds, TextWriter output)
    {
        using var progress = ProgressBar.ForTerminal("reading");
        var source = Source.Open(path, kinds, progress);
        var counts = source.Image.Objects.GroupBy(o => o.Kind).OrderBy(g => g.Key.QualifiedName, StringComparer.Ordinal).Select(g => $"{g.Key.Name} {g.Count():N0}");
        Line(output, "path", source.Path);
        Line(output, "layout", source.Layout + (source.InUse ? " (held by a running store: read from its files as they are)" : string.Empty));
        Line(output, "revision", source.Image.Revision.ToString("N0", CultureInfo.InvariantCulture));
        Line(output, "compacted revision", source.CompactedRevision.ToString("N0", CultureInfo.InvariantCulture));
        Line(output, "objects", $"{source.Image.Objects.Count:N0}" + (source.Image.Objects.Count > 0 ? $" ({string.Join(", ", counts)})" : string.Empty));
        if (source.Backup is { } backup)
        {
            Line(output, "format", $"snapshot format {backup.FormatVersion}, crc32c 0x{backup.Checksum:x8}, {backup.SizeBytes:N0} bytes, created {backup.CreatedAt:O}");
        }
        else if (source.Raft is { } raft)
        {
            var (hard, entries, snapshot) = raft.State;
            Line(output, "raft", $"term {hard.Term}, voted for {hard.Vote}, commit index {hard.Commit:N0}");
            Line(output, "raft log", entries.Count == 0 ? "no entries after the snapshot" : $"entries {entries[0].Index:N0} to {entries[^1].Index:N0}");
            Line(output, "raft snapshot", snapshot is null ? "none" : $"index {snapshot.Index:N0}, term {snapshot.Term}, voters {string.Join(", ", snapshot.Membership.Voters)}");
        }
        else
        {
            var snapshots = Snapshotter.Snapshots(Path.Combine(source.Path, "snap"));
            var segments = WalReader.Segments(Path.Combine(source.Path, "wal"));
            Line(output, "snapshots", source.Snapshot is not { } loaded
                ? $"{snapshots.Count}, none loaded"
                : $"{snapshots.Count}, loaded the one at revision {loaded.Revision:N0} (format {loaded.FormatVersion}, {loaded.SizeBytes:N0} bytes)");
            Line(output, "log", $"{segments.Count} segment(s), {segments.Sum(s => new FileInfo(s).Length):N0} bytes");
        }

        foreach (var note in source.Notes)
        {
            Line(output, "note", note);
        }

        return ExitCodes.Ok;
    }

    private static void Line(TextWriter output, string name, string value) => output.WriteLine($"{name + ":",-20}{value}");
}
