namespace ClusterState.Model;

/// <summary>
/// The cluster's network configuration: the service and pod CIDR blocks, the per-node pod CIDR mask sizes, the
/// cluster DNS domain and the network plugin's settings. Cluster-scoped: its namespace is empty; a cluster
/// usually keeps one, named <see cref="DefaultName"/>.
/// </summary>
public sealed record ClusterNetworkConfig : ClusterObject
{
    /// <summary>The name a cluster's configuration usually has.</summary>
    public const string DefaultName = "default";

    /// <inheritdoc />
    public override ResourceKind Kind => ResourceKind.ClusterNetworkConfig;

    /// <summary>The configuration.</summary>
    public ClusterNetworkSpec Spec { get => _spec; init => _spec = value ?? new(); }

    /// <summary>Never null: a null given to <see cref="Spec"/> (or a field missing from JSON) reads as empty.</summary>
    private readonly ClusterNetworkSpec _spec = new();

    internal override ClusterObject ShareUnchanged(ClusterObject previous, out bool specDiffers)
    {
        if (previous is not ClusterNetworkConfig p)
        {
            specDiffers = true;
            return this;
        }

        var spec = Sharing.Pick(Spec, p.Spec, out specDiffers);
        return ReferenceEquals(spec, Spec) ? this : this with { Spec = spec };
    }
}

/// <summary>The specification of a <see cref="ClusterNetworkConfig"/>.</summary>
public sealed record ClusterNetworkSpec
{
    /// <summary>CIDR blocks Service cluster IPs come from (one per IP family, at most two).</summary>
    public ValueArray<string> ServiceCidrs { get; init; }

    /// <summary>CIDR blocks pod IPs come from (one per IP family, at most two).</summary>
    public ValueArray<string> PodCidrs { get; init; }

    /// <summary>The prefix length of each node's IPv4 pod range (Kubernetes' default is 24).</summary>
    public int? NodeCidrMaskSizeIPv4 { get; init; }

    /// <summary>The prefix length of each node's IPv6 pod range (Kubernetes' default is 64).</summary>
    public int? NodeCidrMaskSizeIPv6 { get; init; }

    /// <summary>The cluster DNS domain.</summary>
    public string ClusterDomain { get; init; } = "cluster.local";

    /// <summary>The network plugin, e.g. <c>cilium</c> or <c>calico</c>.</summary>
    public string? NetworkPlugin { get; init; }

    /// <summary>The plugin's settings, as key/value pairs.</summary>
    public StringMap PluginSettings { get; init; }
}
