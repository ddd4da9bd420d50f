using BenchmarkDotNet.Running;

// Every BenchmarkDotNet option works: e.g. '--filter *PointRead*' or '--job short' for a quick run.
BenchmarkSwitcher.FromAssembly(typeof(ClusterState.Benchmarks.Fixtures).Assembly).Run(args.Length == 0 ? ["--filter", "*"] : args);
