namespace ClusterState.Model;

/// <summary>A transport protocol (Kubernetes' <c>Protocol</c>).</summary>
public enum Protocol
{
    /// <summary>TCP, the default.</summary>
    TCP = 0,

    /// <summary>UDP.</summary>
    UDP = 1,

    /// <summary>SCTP.</summary>
    SCTP = 2,
}

/// <summary>An IP family.</summary>
public enum IPFamily
{
    /// <summary>IPv4.</summary>
    IPv4 = 0,

    /// <summary>IPv6.</summary>
    IPv6 = 1,
}
