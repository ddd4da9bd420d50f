using ClusterState.Model;

namespace ClusterState.Validation;

/// <summary>Kubernetes' NetworkPolicy rules (<c>ValidateNetworkPolicy</c>).</summary>
internal static class NetworkPolicyValidator
{
    public static void Validate(ValidationContext context, NetworkPolicy policy)
    {
        CommonValidation.Metadata(context, policy.Metadata, namespaced: true, Rules.DnsSubdomain);
        var spec = policy.Spec;
        if (spec is null)
        {
            context.Error("spec", "Required value");
            return;
        }

        using var scope = context.Enter("spec");
        if (spec.PodSelector is null)
        {
            context.Error("podSelector", "Required value");
        }

        CommonValidation.Selector(context, "podSelector", spec.PodSelector);
        if (spec.PolicyTypes.Count > 2)
        {
            context.Error("policyTypes", "Too many: may hold at most 2 items");
        }

        for (var i = 0; i < spec.PolicyTypes.Count; i++)
        {
            context.Enum($"policyTypes[{i}]", spec.PolicyTypes[i]);
            for (var j = 0; j < i; j++)
            {
                if (spec.PolicyTypes[j] == spec.PolicyTypes[i])
                {
                    context.Error($"policyTypes[{i}]", $"Duplicate value: \"{spec.PolicyTypes[i]}\"");
                }
            }
        }

        for (var i = 0; i < spec.Ingress.Count; i++)
        {
            using var rule = context.Enter("ingress", i);
            var ingress = spec.Ingress[i];
            if (ingress is null)
            {
                context.Error(string.Empty, "must not be null");
                continue;
            }

            Ports(context, ingress.Ports);
            Peers(context, "from", ingress.From);
        }

        for (var i = 0; i < spec.Egress.Count; i++)
        {
            using var rule = context.Enter("egress", i);
            var egress = spec.Egress[i];
            if (egress is null)
            {
                context.Error(string.Empty, "must not be null");
                continue;
            }

            Ports(context, egress.Ports);
            Peers(context, "to", egress.To);
        }
    }

    private static void Ports(ValidationContext context, ValueArray<NetworkPolicyPort> ports)
    {
        for (var i = 0; i < ports.Count; i++)
        {
            using var scope = context.Enter("ports", i);
            var port = ports[i];
            if (port is null)
            {
                context.Error(string.Empty, "must not be null");
                continue;
            }

            if (port.Protocol is { } protocol)
            {
                context.Enum("protocol", protocol);
            }

            if (port.Port is { } value)
            {
                if (value.Number is { } number)
                {
                    context.MeasureScalar();
                    context.Check("port", Rules.PortNumber(number));
                }
                else if (value.Name is { } name)
                {
                    context.Measure("port", name);
                    context.Check("port", Rules.PortName(name));
                }
                else
                {
                    context.Error("port", "Required value: a number or a name");
                }
            }

            if (port.EndPort is not { } endPort)
            {
                continue;
            }

            context.MeasureScalar();
            if (port.Port?.Number is not { } start)
            {
                context.Error("endPort", "Required value: may only be set when `port` is a number");
                continue;
            }

            context.Check("endPort", Rules.PortNumber(endPort));
            if (endPort < start)
            {
                context.Error("endPort", $"Invalid value: {endPort}: must be greater than or equal to `port` ({start})");
            }
        }
    }

    private static void Peers(ValidationContext context, string field, ValueArray<NetworkPolicyPeer> peers)
    {
        for (var i = 0; i < peers.Count; i++)
        {
            using var scope = context.Enter(field, i);
            var peer = peers[i];
            if (peer is null)
            {
                context.Error(string.Empty, "must not be null");
                continue;
            }

            var selectors = peer.PodSelector is not null || peer.NamespaceSelector is not null;
            if (!selectors && peer.IPBlock is null)
            {
                context.Error(string.Empty, "Required value: must specify a peer (podSelector, namespaceSelector or ipBlock)");
            }
            else if (selectors && peer.IPBlock is not null)
            {
                context.Error(string.Empty, "Forbidden: may not specify both ipBlock and another peer");
            }

            CommonValidation.Selector(context, "podSelector", peer.PodSelector);
            CommonValidation.Selector(context, "namespaceSelector", peer.NamespaceSelector);
            if (peer.IPBlock is { } block)
            {
                using var b = context.Enter("ipBlock");
                IPBlock(context, block);
            }
        }
    }

    private static void IPBlock(ValidationContext context, IPBlock block)
    {
        context.Measure("cidr", block.Cidr);
        if (string.IsNullOrEmpty(block.Cidr))
        {
            context.Error("cidr", "Required value");
            return;
        }

        var cidrError = Rules.Cidr(block.Cidr, out var cidr);
        context.Check("cidr", cidrError);
        for (var i = 0; i < block.Except.Count; i++)
        {
            using var scope = context.Enter("except", i);
            var except = block.Except[i];
            context.Measure(string.Empty, except);
            if (except is null)
            {
                context.Error(string.Empty, "must not be null");
                continue;
            }

            if (Rules.Cidr(except, out var hole) is { } exceptError)
            {
                context.Error(string.Empty, exceptError);
            }
            else if (cidrError is null && (!cidr.Contains(hole) || hole.PrefixLength == cidr.PrefixLength))
            {
                context.Error(string.Empty, $"Invalid value: \"{except}\": must be a strict subset of `cidr` ({block.Cidr})");
            }
        }
    }
}
