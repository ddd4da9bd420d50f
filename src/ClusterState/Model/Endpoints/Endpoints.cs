namespace ClusterState.Model;

/// <summary>
/// Endpoints (core/v1): the addresses and ports behind the Service of the same name, grouped in subsets.
/// </summary>
public sealed record Endpoints : ClusterObject
{
    /// <inheritdoc />
    public override ResourceKind Kind => ResourceKind.Endpoints;

    /// <summary>Sets of addresses that share the same ports.</summary>
    public ValueArray<EndpointSubset> Subsets { get; init; }

    internal override ClusterObject ShareUnchanged(ClusterObject previous, out bool specDiffers)
    {
        if (previous is not Endpoints p)
        {
            specDiffers = true;
            return this;
        }

        var subsets = Sharing.PickValue(Subsets, p.Subsets, out specDiffers);
        return specDiffers ? this : this with { Subsets = subsets };
    }
}

/// <summary>Addresses sharing the same ports (Kubernetes' <c>EndpointSubset</c>).</summary>
public sealed record EndpointSubset
{
    /// <summary>Ready addresses.</summary>
    public ValueArray<EndpointAddress> Addresses { get; init; }

    /// <summary>Addresses that are not ready yet.</summary>
    public ValueArray<EndpointAddress> NotReadyAddresses { get; init; }

    /// <summary>The ports of every address in the subset.</summary>
    public ValueArray<EndpointPort> Ports { get; init; }
}

/// <summary>One backend address (Kubernetes' <c>EndpointAddress</c>).</summary>
public sealed record EndpointAddress
{
    /// <summary>The IP (IPv4 or IPv6).</summary>
    public required string IP { get; init; }

    /// <summary>The backend's host name (a DNS-1123 label).</summary>
    public string? Hostname { get; init; }

    /// <summary>The node the backend runs on.</summary>
    public string? NodeName { get; init; }

    /// <summary>The object behind the address, usually a Pod.</summary>
    public ObjectReference? TargetRef { get; init; }
}

/// <summary>A port of an endpoint (Kubernetes' <c>EndpointPort</c>, shared by Endpoints and EndpointSlice).</summary>
public sealed record EndpointPort
{
    /// <summary>The name, matching a <see cref="ServicePort.Name"/>; may be empty when there is one port.</summary>
    public string? Name { get; init; }

    /// <summary>The protocol.</summary>
    public Protocol Protocol { get; init; } = Protocol.TCP;

    /// <summary>The port number (1 to 65535); an EndpointSlice port may leave it unset to mean "all ports".</summary>
    public int? Port { get; init; }

    /// <summary>An application protocol hint.</summary>
    public string? AppProtocol { get; init; }
}
