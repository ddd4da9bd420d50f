namespace ClusterState.Model;

/// <summary>
/// An EndpointSlice (discovery.k8s.io/v1): a slice of a Service's endpoints. The owning Service is named by the
/// <see cref="ServiceNameLabel"/> label.
/// </summary>
public sealed record EndpointSlice : ClusterObject
{
    /// <summary>The label that names the Service a slice belongs to.</summary>
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    /// <summary>The most endpoints one slice may hold (Kubernetes' limit).</summary>
    public const int MaxEndpoints = 1000;

    /// <inheritdoc />
    public override ResourceKind Kind => ResourceKind.EndpointSlice;

    /// <summary>The type of every address in the slice.</summary>
    public required AddressType AddressType { get; init; }

    /// <summary>The endpoints.</summary>
    public ValueArray<Endpoint> Endpoints { get; init; }

    /// <summary>The ports of every endpoint in the slice.</summary>
    public ValueArray<EndpointPort> Ports { get; init; }

    /// <summary>The owning Service's name, from the <see cref="ServiceNameLabel"/> label.</summary>
    public string? ServiceName => Metadata.Labels.TryGetValue(ServiceNameLabel, out var name) ? name : null;

    internal override ClusterObject ShareUnchanged(ClusterObject previous, out bool specDiffers)
    {
        if (previous is not EndpointSlice p)
        {
            specDiffers = true;
            return this;
        }

        var endpoints = Sharing.PickValue(Endpoints, p.Endpoints, out var endpointsDiffer);
        var ports = Sharing.PickValue(Ports, p.Ports, out var portsDiffer);
        specDiffers = endpointsDiffer || portsDiffer || AddressType != p.AddressType;
        return endpointsDiffer && portsDiffer ? this : this with { Endpoints = endpoints, Ports = ports };
    }
}

/// <summary>The address type of an <see cref="EndpointSlice"/>.</summary>
public enum AddressType
{
    /// <summary>IPv4 addresses.</summary>
    IPv4 = 0,

    /// <summary>IPv6 addresses.</summary>
    IPv6 = 1,

    /// <summary>Fully qualified domain names.</summary>
    FQDN = 2,
}

/// <summary>One endpoint of an <see cref="EndpointSlice"/>.</summary>
public sealed record Endpoint
{
    /// <summary>The addresses (1 to 100) of the endpoint, of the slice's address type; consumers use the first.</summary>
    public required ValueArray<string> Addresses { get; init; }

    /// <summary>The endpoint's conditions.</summary>
    public EndpointConditions Conditions { get => _conditions; init => _conditions = value ?? new(); }

    /// <summary>Never null: a null given to <see cref="Conditions"/> (or a field missing from JSON) reads as empty.</summary>
    private readonly EndpointConditions _conditions = new();

    /// <summary>The host name (a DNS-1123 label).</summary>
    public string? Hostname { get; init; }

    /// <summary>The object behind the endpoint, usually a Pod.</summary>
    public ObjectReference? TargetRef { get; init; }

    /// <summary>The node the endpoint runs on.</summary>
    public string? NodeName { get; init; }

    /// <summary>The zone the endpoint runs in.</summary>
    public string? Zone { get; init; }

    /// <summary>Topology hints for consumers.</summary>
    public EndpointHints? Hints { get; init; }

    /// <summary>Deprecated topology labels, kept for parity.</summary>
    public StringMap DeprecatedTopology { get; init; }
}

/// <summary>The conditions of an <see cref="Endpoint"/>; an unset condition counts as its default.</summary>
public sealed record EndpointConditions
{
    /// <summary>Ready to take new traffic; unset means ready.</summary>
    public bool? Ready { get; init; }

    /// <summary>Serving, even while terminating; unset means the same as <see cref="Ready"/>.</summary>
    public bool? Serving { get; init; }

    /// <summary>Terminating; unset means not terminating.</summary>
    public bool? Terminating { get; init; }

    /// <summary>Ready with unset read as true, as consumers must read it.</summary>
    public bool IsReady => Ready ?? true;
}

/// <summary>Topology hints of an <see cref="Endpoint"/>.</summary>
public sealed record EndpointHints
{
    /// <summary>Zones that should consume the endpoint.</summary>
    public ValueArray<string> ForZones { get; init; }

    /// <summary>Nodes that should consume the endpoint.</summary>
    public ValueArray<string> ForNodes { get; init; }
}
