using System.CommandLine;
using ClusterState.Cli.Commands;

namespace ClusterState.Cli;

/// <summary>The <c>clusterstate</c> command line: its commands, and the exit code every error maps to.</summary>
internal static class Cli
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var kinds = new ClusterStoreOptions().Registry;
        var path = new Argument<string>("path") { Description = "A data directory (also one a running store holds: read from its files) or a backup file" };
        var directory = new Argument<string>("directory") { Description = "A data directory" };
        var file = new Argument<string>("file") { Description = "A backup file" };
        var kind = new Argument<string>("kind") { Description = "A kind: services (svc), endpoints, endpointslices, networkpolicies, ... or its name" };
        var name = new Argument<string>("name") { Description = "The object's name" };
        var ns = new Option<string?>("--namespace", "-n") { Description = "The namespace (get: default; list: all when not given)" };
        var selector = new Option<string?>("--selector", "-l") { Description = "A label selector, e.g. app=web,tier!=db" };
        var format = new Option<string>("--output", "-o") { Description = "yaml or json", DefaultValueFactory = _ => "yaml" };
        format.AcceptOnlyFromAmong("yaml", "json");
        var revision = new Option<long?>("--revision") { Description = "Compact history below this revision" };
        var keep = new Option<long?>("--keep") { Description = "Keep this many revisions of history" };

        var status = new Command("status", "Revision, compaction, objects per kind, formats and Raft state") { path };
        status.SetAction(r => Guard(error, () => StatusCommand.Run(r.GetValue(path)!, kinds, output)));

        var get = new Command("get", "One object, as YAML or JSON") { path, kind, name, ns, format };
        get.SetAction(r => Guard(error, () => ReadCommands.Get(r.GetValue(path)!, r.GetValue(kind)!, r.GetValue(name)!, r.GetValue(ns), r.GetValue(format)!, kinds, output, error)));

        var list = new Command("list", "Objects of a kind, as multi-document YAML or a JSON List") { path, kind, ns, selector, format };
        list.SetAction(r => Guard(error, () => ReadCommands.List(r.GetValue(path)!, r.GetValue(kind)!, r.GetValue(ns), r.GetValue(selector), r.GetValue(format)!, kinds, output, error)));

        var verify = new Command("verify", "Check the checksum and contents of every log record and snapshot; exit 2 naming each damaged file and offset") { path };
        verify.SetAction(r => Guard(error, () => VerifyCommand.Run(r.GetValue(path)!, kinds, output)));

        var compact = new Command("compact", "Compact a stopped store's history and write a snapshot (the log it covers is removed)") { directory, revision, keep };
        compact.SetAction((r, ct) => GuardAsync(error, () => CompactCommand.RunAsync(r.GetValue(directory)!, r.GetValue(revision), r.GetValue(keep), output, error, ct)));

        var save = new Command("save", "Write a backup of a directory (or another backup)") { path, file };
        save.SetAction((r, ct) => GuardAsync(error, () => SnapshotCommands.SaveAsync(r.GetValue(path)!, r.GetValue(file)!, kinds, output, ct)));
        var restore = new Command("restore", "Create a store in an empty directory from a backup") { file, directory };
        restore.SetAction((r, ct) => GuardAsync(error, () => SnapshotCommands.RestoreAsync(r.GetValue(file)!, r.GetValue(directory)!, output, ct)));
        var inspect = new Command("inspect", "Check a backup whole and print its header") { file };
        inspect.SetAction((r, ct) => GuardAsync(error, () => SnapshotCommands.InspectAsync(r.GetValue(file)!, output, ct)));
        var snapshot = new Command("snapshot", "Backups: save, restore, inspect") { save, restore, inspect };

        var root = new RootCommand("Inspect, back up, verify and compact ClusterState data directories and backups")
        {
            status, get, list, verify, compact, snapshot,
        };
        var parsed = root.Parse(args);
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken).ConfigureAwait(false);
    }

    private static Task<int> Guard(TextWriter error, Func<int> run) => GuardAsync(error, () => Task.FromResult(run()));

    /// <summary>Runs a command and turns its failure into a message and an exit code.</summary>
    private static async Task<int> GuardAsync(TextWriter error, Func<Task<int>> run)
    {
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (CorruptDataException ex)
        {
            error.WriteLine($"damaged: {ex.Message}");
            return ExitCodes.Damaged;
        }
        catch (DataDirectoryLockedException ex)
        {
            error.WriteLine($"in use: {ex.Message}");
            return ExitCodes.InUse;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            error.WriteLine($"not found: {ex.Message}");
            return ExitCodes.NotFound;
        }
        catch (Exception ex) when (ex is ClusterStateException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"failed: {ex.Message}");
            return ExitCodes.Failed;
        }
    }
}
