using ClusterState.Comparison;
using ClusterState.Etcd;

// ClusterState against a real etcd on this machine, in one run: 'dotnet run -c Release -- [--quick] [--out DIR]'.
// etcd is started and stopped here (by process id, whatever happens); results go to DIR (default benchmarks/results).
var quick = args.Contains("--quick");
var outIndex = Array.IndexOf(args, "--out");
var output = outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : Path.Combine(FindRepositoryRoot(), "benchmarks", "results");
if (EtcdProcess.Binary() is null)
{
    Console.Error.WriteLine(EtcdProcess.InstallHint);
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var settings = new CompareSettings(quick);
var table = new ResultTable(quick ? "quick" : "full", await EtcdProcess.VersionAsync());
var started = DateTime.UtcNow;
Console.WriteLine($"ClusterState vs etcd, {(quick ? "quick" : "full")} run on {table.Machine}");
try
{
    await CompareRun.RunAsync(table, settings, cancel.Token);
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("cancelled; etcd processes were stopped");
    return 1;
}

Directory.CreateDirectory(output);
var name = quick ? "compare-quick" : "compare";
await File.WriteAllTextAsync(Path.Combine(output, name + ".md"), table.ToMarkdown());
await File.WriteAllTextAsync(Path.Combine(output, name + ".json"), table.ToJson());
Console.WriteLine();
Console.WriteLine(table.ToMarkdown());
Console.WriteLine($"written to {Path.Combine(output, name)}.md and .json in {(DateTime.UtcNow - started).TotalSeconds:F0} s");
return 0;

static string FindRepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "ClusterState.sln")))
        {
            return dir.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}
