using ClusterState.Model;

namespace ClusterState.Persistence;

/// <summary>The fields of each kind, in declaration order.</summary>
internal static partial class ObjectCodec
{
    private static void WriteServiceSpec(BinaryEncoder e, ServiceSpec s)
    {
        WriteEnum(e, s.Type);
        e.WriteOptionalString(s.ClusterIP);
        WriteList(e, s.ClusterIPs, static (e, v) => e.WriteString(v));
        WriteList(e, s.IPFamilies, static (e, v) => WriteEnum(e, v));
        WriteOptionalEnum(e, s.IPFamilyPolicy);
        WriteList(e, s.Ports, static (e, p) =>
        {
            e.WriteOptionalString(p.Name);
            WriteEnum(e, p.Protocol);
            e.WriteOptionalString(p.AppProtocol);
            e.WriteVarInt(p.Port);
            WriteIntOrString(e, p.TargetPort);
            e.WriteOptionalInt(p.NodePort);
        });
        WriteMap(e, s.Selector);
        WriteEnum(e, s.SessionAffinity);
        e.WriteBool(s.SessionAffinityConfig is not null);
        if (s.SessionAffinityConfig is { } affinity)
        {
            e.WriteOptionalInt(affinity.ClientIPTimeoutSeconds);
        }

        e.WriteOptionalString(s.ExternalName);
        WriteList(e, s.ExternalIPs, static (e, v) => e.WriteString(v));
        WriteOptionalEnum(e, s.ExternalTrafficPolicy);
        WriteOptionalEnum(e, s.InternalTrafficPolicy);
        e.WriteOptionalInt(s.HealthCheckNodePort);
        e.WriteOptionalString(s.LoadBalancerIP);
        WriteList(e, s.LoadBalancerSourceRanges, static (e, v) => e.WriteString(v));
        e.WriteOptionalString(s.LoadBalancerClass);
        e.WriteOptionalBool(s.AllocateLoadBalancerNodePorts);
        e.WriteBool(s.PublishNotReadyAddresses);
        e.WriteOptionalString(s.TrafficDistribution);
    }

    private static ServiceSpec ReadServiceSpec(ref BinaryDecoder d) => new()
    {
        Type = d.ReadEnum<ServiceType>(),
        ClusterIP = d.ReadOptionalString(),
        ClusterIPs = ReadList(ref d, static (ref BinaryDecoder d) => d.ReadString()),
        IPFamilies = ReadList(ref d, static (ref BinaryDecoder d) => d.ReadEnum<IPFamily>()),
        IPFamilyPolicy = ReadOptionalEnum<IPFamilyPolicy>(ref d),
        Ports = ReadList(ref d, static (ref BinaryDecoder d) => new ServicePort
        {
            Name = d.ReadOptionalString(),
            Protocol = d.ReadEnum<Protocol>(),
            AppProtocol = d.ReadOptionalString(),
            Port = d.ReadInt32(),
            TargetPort = ReadIntOrString(ref d),
            NodePort = d.ReadOptionalInt(),
        }),
        Selector = ReadMap(ref d),
        SessionAffinity = d.ReadEnum<SessionAffinity>(),
        SessionAffinityConfig = d.ReadBool() ? new SessionAffinityConfig { ClientIPTimeoutSeconds = d.ReadOptionalInt() } : null,
        ExternalName = d.ReadOptionalString(),
        ExternalIPs = ReadList(ref d, static (ref BinaryDecoder d) => d.ReadString()),
        ExternalTrafficPolicy = ReadOptionalEnum<TrafficPolicy>(ref d),
        InternalTrafficPolicy = ReadOptionalEnum<TrafficPolicy>(ref d),
        HealthCheckNodePort = d.ReadOptionalInt(),
        LoadBalancerIP = d.ReadOptionalString(),
        LoadBalancerSourceRanges = ReadList(ref d, static (ref BinaryDecoder d) => d.ReadString()),
        LoadBalancerClass = d.ReadOptionalString(),
        AllocateLoadBalancerNodePorts = d.ReadOptionalBool(),
        PublishNotReadyAddresses = d.ReadBool(),
        TrafficDistribution = d.ReadOptionalString(),
    };

    private static void WriteServiceStatus(BinaryEncoder e, ServiceStatus s)
    {
        WriteList(e, s.LoadBalancerIngress, static (e, i) =>
        {
            e.WriteOptionalString(i.IP);
            e.WriteOptionalString(i.Hostname);
            e.WriteOptionalString(i.IPMode);
            WriteList(e, i.Ports, static (e, p) =>
            {
                e.WriteVarInt(p.Port);
                WriteEnum(e, p.Protocol);
                e.WriteOptionalString(p.Error);
            });
        });
        WriteList(e, s.Conditions, WriteCondition);
    }

    private static void WriteCondition(BinaryEncoder e, Condition c)
    {
        e.WriteString(c.Type);
        e.WriteString(c.Status);
        e.WriteVarInt(c.ObservedGeneration);
        e.WriteVarInt(c.LastTransitionTime.UtcTicks);
        e.WriteString(c.Reason);
        e.WriteString(c.Message);
    }

    private static Condition ReadCondition(ref BinaryDecoder d) => new()
    {
        Type = d.ReadString(),
        Status = d.ReadString(),
        ObservedGeneration = d.ReadVarInt(),
        LastTransitionTime = ReadTime(ref d),
        Reason = d.ReadString(),
        Message = d.ReadString(),
    };

    private static ServiceStatus ReadServiceStatus(ref BinaryDecoder d)
    {
        var ingress = ReadList(ref d, static (ref BinaryDecoder d) => new LoadBalancerIngress
        {
            IP = d.ReadOptionalString(),
            Hostname = d.ReadOptionalString(),
            IPMode = d.ReadOptionalString(),
            Ports = ReadList(ref d, static (ref BinaryDecoder d) => new PortStatus { Port = d.ReadInt32(), Protocol = d.ReadEnum<Protocol>(), Error = d.ReadOptionalString() }),
        });
        var conditions = ReadList(ref d, ReadCondition);

        // Most Services have no status: they share the one empty instance.
        return ingress.Count == 0 && conditions.Count == 0 ? ServiceStatus.Empty : new() { LoadBalancerIngress = ingress, Conditions = conditions };
    }

    private static void WriteSubset(BinaryEncoder e, EndpointSubset s)
    {
        WriteList(e, s.Addresses, WriteAddress);
        WriteList(e, s.NotReadyAddresses, WriteAddress);
        WriteList(e, s.Ports, WriteEndpointPort);
    }

    private static EndpointSubset ReadSubset(ref BinaryDecoder d) => new()
    {
        Addresses = ReadList(ref d, ReadAddress),
        NotReadyAddresses = ReadList(ref d, ReadAddress),
        Ports = ReadList(ref d, ReadEndpointPort),
    };

    private static void WriteAddress(BinaryEncoder e, EndpointAddress a)
    {
        e.WriteString(a.IP);
        e.WriteOptionalString(a.Hostname);
        e.WriteOptionalString(a.NodeName);
        WriteObjectReference(e, a.TargetRef);
    }

    private static EndpointAddress ReadAddress(ref BinaryDecoder d) => new()
    {
        IP = d.ReadString(),
        Hostname = d.ReadOptionalString(),
        NodeName = d.ReadOptionalString(),
        TargetRef = ReadObjectReference(ref d),
    };

    private static void WriteEndpointPort(BinaryEncoder e, EndpointPort p)
    {
        e.WriteOptionalString(p.Name);
        WriteEnum(e, p.Protocol);
        e.WriteOptionalInt(p.Port);
        e.WriteOptionalString(p.AppProtocol);
    }

    private static EndpointPort ReadEndpointPort(ref BinaryDecoder d) => new()
    {
        Name = d.ReadOptionalString(),
        Protocol = d.ReadEnum<Protocol>(),
        Port = d.ReadOptionalInt(),
        AppProtocol = d.ReadOptionalString(),
    };

    private static void WriteEndpoint(BinaryEncoder e, Endpoint p)
    {
        WriteList(e, p.Addresses, static (e, v) => e.WriteString(v));
        e.WriteOptionalBool(p.Conditions.Ready);
        e.WriteOptionalBool(p.Conditions.Serving);
        e.WriteOptionalBool(p.Conditions.Terminating);
        e.WriteOptionalString(p.Hostname);
        WriteObjectReference(e, p.TargetRef);
        e.WriteOptionalString(p.NodeName);
        e.WriteOptionalString(p.Zone);
        e.WriteBool(p.Hints is not null);
        if (p.Hints is { } hints)
        {
            WriteList(e, hints.ForZones, static (e, v) => e.WriteString(v));
            WriteList(e, hints.ForNodes, static (e, v) => e.WriteString(v));
        }

        WriteMap(e, p.DeprecatedTopology);
    }

    private static Endpoint ReadEndpoint(ref BinaryDecoder d) => new()
    {
        Addresses = ReadList(ref d, static (ref BinaryDecoder d) => d.ReadString()),
        Conditions = new EndpointConditions { Ready = d.ReadOptionalBool(), Serving = d.ReadOptionalBool(), Terminating = d.ReadOptionalBool() },
        Hostname = d.ReadOptionalString(),
        TargetRef = ReadObjectReference(ref d),
        NodeName = d.ReadOptionalString(),
        Zone = d.ReadOptionalString(),
        Hints = d.ReadBool()
            ? new EndpointHints
            {
                ForZones = ReadList(ref d, static (ref BinaryDecoder d) => d.ReadString()),
                ForNodes = ReadList(ref d, static (ref BinaryDecoder d) => d.ReadString()),
            }
            : null,
        DeprecatedTopology = ReadMap(ref d),
    };

    private static void WritePolicySpec(BinaryEncoder e, NetworkPolicySpec s)
    {
        WriteSelector(e, s.PodSelector);
        WriteList(e, s.PolicyTypes, static (e, v) => WriteEnum(e, v));
        WriteList(e, s.Ingress, static (e, r) =>
        {
            WriteList(e, r.Ports, WritePolicyPort);
            WriteList(e, r.From, WritePeer);
        });
        WriteList(e, s.Egress, static (e, r) =>
        {
            WriteList(e, r.Ports, WritePolicyPort);
            WriteList(e, r.To, WritePeer);
        });
    }

    private static NetworkPolicySpec ReadPolicySpec(ref BinaryDecoder d) => new()
    {
        PodSelector = ReadSelector(ref d) ?? throw d.Corrupt("a NetworkPolicy has no pod selector"),
        PolicyTypes = ReadList(ref d, static (ref BinaryDecoder d) => d.ReadEnum<PolicyType>()),
        Ingress = ReadList(ref d, static (ref BinaryDecoder d) => new NetworkPolicyIngressRule { Ports = ReadList(ref d, ReadPolicyPort), From = ReadList(ref d, ReadPeer) }),
        Egress = ReadList(ref d, static (ref BinaryDecoder d) => new NetworkPolicyEgressRule { Ports = ReadList(ref d, ReadPolicyPort), To = ReadList(ref d, ReadPeer) }),
    };

    private static void WritePolicyPort(BinaryEncoder e, NetworkPolicyPort p)
    {
        WriteOptionalEnum(e, p.Protocol);
        e.WriteBool(p.Port.HasValue);
        if (p.Port is { } port)
        {
            WriteIntOrString(e, port);
        }

        e.WriteOptionalInt(p.EndPort);
    }

    private static NetworkPolicyPort ReadPolicyPort(ref BinaryDecoder d) => new()
    {
        Protocol = ReadOptionalEnum<Protocol>(ref d),
        Port = d.ReadBool() ? ReadIntOrString(ref d) : (IntOrString?)null,
        EndPort = d.ReadOptionalInt(),
    };

    private static void WritePeer(BinaryEncoder e, NetworkPolicyPeer p)
    {
        WriteSelector(e, p.PodSelector);
        WriteSelector(e, p.NamespaceSelector);
        e.WriteBool(p.IPBlock is not null);
        if (p.IPBlock is { } block)
        {
            e.WriteString(block.Cidr);
            WriteList(e, block.Except, static (e, v) => e.WriteString(v));
        }
    }

    private static NetworkPolicyPeer ReadPeer(ref BinaryDecoder d) => new()
    {
        PodSelector = ReadSelector(ref d),
        NamespaceSelector = ReadSelector(ref d),
        IPBlock = d.ReadBool() ? new IPBlock { Cidr = d.ReadString(), Except = ReadList(ref d, static (ref BinaryDecoder d) => d.ReadString()) } : null,
    };

    private static void WriteNetworkSpec(BinaryEncoder e, ClusterNetworkSpec s)
    {
        WriteList(e, s.ServiceCidrs, static (e, v) => e.WriteString(v));
        WriteList(e, s.PodCidrs, static (e, v) => e.WriteString(v));
        e.WriteOptionalInt(s.NodeCidrMaskSizeIPv4);
        e.WriteOptionalInt(s.NodeCidrMaskSizeIPv6);
        e.WriteString(s.ClusterDomain);
        e.WriteOptionalString(s.NetworkPlugin);
        WriteMap(e, s.PluginSettings);
    }

    private static ClusterNetworkSpec ReadNetworkSpec(ref BinaryDecoder d) => new()
    {
        ServiceCidrs = ReadList(ref d, static (ref BinaryDecoder d) => d.ReadString()),
        PodCidrs = ReadList(ref d, static (ref BinaryDecoder d) => d.ReadString()),
        NodeCidrMaskSizeIPv4 = d.ReadOptionalInt(),
        NodeCidrMaskSizeIPv6 = d.ReadOptionalInt(),
        ClusterDomain = d.ReadString(),
        NetworkPlugin = d.ReadOptionalString(),
        PluginSettings = ReadMap(ref d),
    };
}
