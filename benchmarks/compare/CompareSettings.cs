namespace ClusterState.Comparison;

/// <summary>How long and how big each workload runs: the full run (under 10 minutes) or '--quick' (under 2).</summary>
internal sealed record CompareSettings(bool Quick)
{
    public TimeSpan Warmup => Quick ? TimeSpan.FromMilliseconds(300) : TimeSpan.FromSeconds(1);

    public TimeSpan Duration => Quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(5);

    /// <summary>Objects that the write and read workloads cycle through.</summary>
    public int Keys => 1_000;

    public int ConcurrentClients => 64;

    public int ListSize => 10_000;

    public int Watchers => 100;

    public int WatchWrites => Quick ? 2_000 : 10_000;

    /// <summary>Concurrent writers feeding the watchers.</summary>
    public int WatchWriters => 8;

    public int EtcdStarts => Quick ? 2 : 5;

    public int StoreStarts => Quick ? 10 : 50;

    /// <summary>HTTP/2 connections to etcd shared by the clients.</summary>
    public int EtcdConnections => 8;
}
