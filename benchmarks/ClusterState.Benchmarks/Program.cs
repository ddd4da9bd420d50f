using BenchmarkDotNet.Running;

// Every BenchmarkDotNet option works: e.g. '--filter *PointRead*' or '--job short' for a quick run.
// '--raft-report' prints Raft commit latency percentiles and failover times instead; '--history-report' the memory
// the history keeps per version; '--scale-report [sizes] [--durable]' lists, pages and point operations from 10,000 to
// 1,000,000 objects; '--api-report' the Kubernetes API endpoint over HTTP beside the same work in process.
if (args is ["--raft-report"])
{
    await ClusterState.Benchmarks.RaftReport.RunAsync();
    return;
}

if (args is ["--scale-report", ..])
{
    await ClusterState.Benchmarks.ScaleReport.RunAsync(args[1..]);
    return;
}

if (args is ["--api-report"])
{
    await ClusterState.Benchmarks.ApiReport.RunAsync();
    return;
}

if (args is ["--history-report"])
{
    await ClusterState.Benchmarks.HistoryReport.RunAsync();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(ClusterState.Benchmarks.Fixtures).Assembly).Run(args.Length == 0 ? ["--filter", "*"] : args);
