namespace ClusterState.Comparison;

/// <summary>One side of the comparison: etcd through its gRPC API, or ClusterState in process.</summary>
internal interface ICompareTarget
{
    /// <summary>Creates <paramref name="count"/> Services in <paramref name="ns"/> (concurrently; not measured).</summary>
    Task PrepareAsync(string ns, int count, CancellationToken cancellationToken);

    /// <summary>Overwrites Service <paramref name="i"/> of <paramref name="ns"/> (etcd Put; ClusterState unconditional update).</summary>
    Task WriteAsync(string ns, int i);

    /// <summary>Reads Service <paramref name="i"/> of <paramref name="ns"/> with the target's consistent read.</summary>
    Task ReadAsync(string ns, int i);

    /// <summary>Lists every Service of <paramref name="ns"/>; returns how many came back.</summary>
    Task<int> ListAsync(string ns);
}
