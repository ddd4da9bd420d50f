using ClusterState.Kinds;
using ClusterState.Persistence;

namespace ClusterState.Cli.Commands;

/// <summary>
/// <c>clusterstate verify PATH</c>: reads every log record and snapshot (or the backup file) and checks its frame,
/// checksum and contents; exits 2 and names every damaged file and offset, 0 when all is well.
/// </summary>
internal static class VerifyCommand
{
    public static int Run(string path, KindRegistry kinds, TextWriter output)
    {
        var notes = new List<string>();
        IReadOnlyList<OfflineReader.Damage> damage;
        using (var progress = ProgressBar.ForTerminal("verifying"))
        {
            damage = OfflineReader.Verify(Path.GetFullPath(path), kinds, notes, progress);
        }

        foreach (var note in notes)
        {
            output.WriteLine($"note: {note}");
        }

        foreach (var bad in damage)
        {
            output.WriteLine($"DAMAGED {bad.File} at offset {bad.Offset}: {bad.Reason}");
        }

        output.WriteLine(damage.Count == 0 ? $"ok: {Path.GetFullPath(path)}" : $"{damage.Count} damaged file(s) in {Path.GetFullPath(path)}");
        return damage.Count == 0 ? ExitCodes.Ok : ExitCodes.Damaged;
    }
}
