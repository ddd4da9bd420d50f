using System.Net.Sockets;
using ClusterState.Model;

namespace ClusterState.Validation;

/// <summary>Kubernetes' Service rules (<c>ValidateService</c>), for the fields the model carries.</summary>
internal static class ServiceValidator
{
    public static void Validate(ValidationContext context, Service service)
    {
        CommonValidation.Metadata(context, service.Metadata, namespaced: true, Rules.Dns1035Label);
        var spec = service.Spec;
        if (spec is null)
        {
            context.Error("spec", "Required value");
            return;
        }

        using (context.Enter("spec"))
        {
            ValidateSpec(context, spec);
        }

        ValidateStatus(context, service.Status);
    }

    private static void ValidateSpec(ValidationContext context, ServiceSpec spec)
    {
        context.Enum("type", spec.Type);
        context.Enum("sessionAffinity", spec.SessionAffinity);
        var headless = string.Equals(spec.ClusterIP, Service.HeadlessClusterIP, StringComparison.Ordinal);
        var externalName = spec.Type == ServiceType.ExternalName;
        var exposesNodePorts = spec.Type is ServiceType.NodePort or ServiceType.LoadBalancer;

        if (spec.Ports.IsEmpty && !headless && !externalName)
        {
            context.Error("ports", "Required value: a Service needs at least one port unless it is headless or of type ExternalName");
        }

        ValidatePorts(context, spec, exposesNodePorts);
        CommonValidation.Labels(context, "selector", spec.Selector);
        ValidateClusterIPs(context, spec, headless, externalName, exposesNodePorts);

        if (externalName)
        {
            if (string.IsNullOrEmpty(spec.ExternalName))
            {
                context.Error("externalName", "Required value: required for a Service of type ExternalName");
            }
            else
            {
                context.Measure("externalName", spec.ExternalName);
                context.Check("externalName", Rules.DnsSubdomain(spec.ExternalName.TrimEnd('.')));
            }
        }
        else if (!string.IsNullOrEmpty(spec.ExternalName))
        {
            context.Error("externalName", "Forbidden: may only be set on a Service of type ExternalName");
        }

        if (spec.SessionAffinityConfig is { } affinity)
        {
            context.MeasureScalar();
            if (spec.SessionAffinity != SessionAffinity.ClientIP)
            {
                context.Error("sessionAffinityConfig", "Forbidden: may only be set when `sessionAffinity` is ClientIP");
            }
            else if (affinity.ClientIPTimeoutSeconds is { } timeout && timeout is < 1 or > 86400)
            {
                context.Error("sessionAffinityConfig.clientIP.timeoutSeconds", "must be greater than 0 and less than or equal to 86400");
            }
        }

        CommonValidation.Strings(context, "externalIPs", spec.ExternalIPs, Rules.EndpointIP);
        if (!spec.LoadBalancerSourceRanges.IsEmpty && spec.Type != ServiceType.LoadBalancer)
        {
            context.Error("loadBalancerSourceRanges", "Forbidden: may only be set on a Service of type LoadBalancer");
        }

        CommonValidation.Strings(context, "loadBalancerSourceRanges", spec.LoadBalancerSourceRanges, static r => Rules.Cidr(r));

        if (spec.ExternalTrafficPolicy is { } etp)
        {
            context.Enum("externalTrafficPolicy", etp);
            if (!exposesNodePorts && spec.ExternalIPs.IsEmpty)
            {
                context.Error("externalTrafficPolicy", "Forbidden: may only be set on a Service of type NodePort or LoadBalancer, or one with externalIPs");
            }
        }

        if (spec.InternalTrafficPolicy is { } itp)
        {
            context.Enum("internalTrafficPolicy", itp);
        }

        if (spec.HealthCheckNodePort is { } healthPort)
        {
            context.MeasureScalar();
            if (spec.Type != ServiceType.LoadBalancer || spec.ExternalTrafficPolicy != TrafficPolicy.Local)
            {
                context.Error("healthCheckNodePort", "Forbidden: may only be set on a LoadBalancer Service with externalTrafficPolicy Local");
            }

            context.Check("healthCheckNodePort", Rules.PortNumber(healthPort));
        }

        if (spec.LoadBalancerIP is not null)
        {
            context.Measure("loadBalancerIP", spec.LoadBalancerIP);
            context.Check("loadBalancerIP", Rules.IP(spec.LoadBalancerIP));
        }

        if (spec.LoadBalancerClass is not null)
        {
            context.Measure("loadBalancerClass", spec.LoadBalancerClass);
            if (spec.Type != ServiceType.LoadBalancer)
            {
                context.Error("loadBalancerClass", "Forbidden: may only be set on a Service of type LoadBalancer");
            }

            context.Check("loadBalancerClass", Rules.QualifiedName(spec.LoadBalancerClass));
        }

        if (spec.AllocateLoadBalancerNodePorts is not null && spec.Type != ServiceType.LoadBalancer)
        {
            context.Error("allocateLoadBalancerNodePorts", "Forbidden: may only be set on a Service of type LoadBalancer");
        }

        context.Optional("trafficDistribution", spec.TrafficDistribution, static v => v.Length == 0 ? "must not be empty" : null);
    }

    private static void ValidatePorts(ValidationContext context, ServiceSpec spec, bool exposesNodePorts)
    {
        var ports = spec.Ports.AsSpan();
        for (var i = 0; i < ports.Length; i++)
        {
            using var scope = context.Enter("ports", i);
            var port = ports[i];
            if (port is null)
            {
                context.Error(string.Empty, "must not be null");
                continue;
            }

            if (string.IsNullOrEmpty(port.Name))
            {
                if (ports.Length > 1)
                {
                    context.Error("name", "Required value: every port needs a name when the Service has more than one");
                }
            }
            else
            {
                context.Measure("name", port.Name);
                context.Check("name", Rules.DnsLabel(port.Name));
            }

            // Services have a handful of ports: comparing with the earlier ones beats building sets.
            for (var j = 0; j < i; j++)
            {
                if (ports[j] is not { } earlier)
                {
                    continue;
                }

                if (!string.IsNullOrEmpty(port.Name) && string.Equals(earlier.Name, port.Name, StringComparison.Ordinal))
                {
                    context.Error("name", $"Duplicate value: \"{port.Name}\"");
                }

                if (earlier.Port == port.Port && earlier.Protocol == port.Protocol)
                {
                    context.Error(string.Empty, $"Duplicate value: port {port.Port}/{port.Protocol}");
                }
            }

            context.Enum("protocol", port.Protocol);
            context.MeasureScalar();
            context.Check("port", Rules.PortNumber(port.Port));
            if (port.TargetPort.Number is { } target)
            {
                context.MeasureScalar();
                context.Check("targetPort", Rules.PortNumber(target));
            }
            else if (port.TargetPort.Name is { } targetName)
            {
                context.Measure("targetPort", targetName);
                context.Check("targetPort", Rules.PortName(targetName));
            }

            if (port.NodePort is { } nodePort)
            {
                context.MeasureScalar();
                if (!exposesNodePorts)
                {
                    context.Error("nodePort", "Forbidden: may only be set on a Service of type NodePort or LoadBalancer");
                }

                context.Check("nodePort", Rules.PortNumber(nodePort));
            }

            context.Optional("appProtocol", port.AppProtocol, Rules.QualifiedName);
        }
    }

    private static void ValidateClusterIPs(ValidationContext context, ServiceSpec spec, bool headless, bool externalName, bool exposesNodePorts)
    {
        if (externalName)
        {
            if (!string.IsNullOrEmpty(spec.ClusterIP) || !spec.ClusterIPs.IsEmpty)
            {
                context.Error("clusterIPs", "Forbidden: may not be set for a Service of type ExternalName");
            }

            return;
        }

        if (headless && exposesNodePorts)
        {
            context.Error("clusterIP", $"Invalid value: \"None\": may not be set to 'None' for {spec.Type} Services");
        }

        var dualStack = false;
        if (!string.IsNullOrEmpty(spec.ClusterIP) && !spec.ClusterIPs.IsEmpty
            && !string.Equals(spec.ClusterIP, spec.ClusterIPs[0], StringComparison.Ordinal))
        {
            context.Error("clusterIPs[0]", $"Invalid value: \"{spec.ClusterIPs[0]}\": must match `clusterIP` when both are specified");
        }

        if (spec.ClusterIPs.Count > 2)
        {
            context.Error("clusterIPs", "Too many: may hold at most 2 items");
        }

        if (spec.ClusterIPs.IsEmpty)
        {
            if (!string.IsNullOrEmpty(spec.ClusterIP))
            {
                var family = default(AddressFamily?);
                ValidateClusterIP(context, spec, 0, spec.ClusterIP, "clusterIP", 1, ref family, out _);
            }
        }
        else
        {
            AddressFamily? first = null;
            for (var i = 0; i < spec.ClusterIPs.Count; i++)
            {
                ValidateClusterIP(context, spec, i, spec.ClusterIPs[i], $"clusterIPs[{i}]", spec.ClusterIPs.Count, ref first, out var dual);
                if (dual)
                {
                    dualStack = true;
                }
            }
        }

        if (spec.IPFamilies.Count > 2)
        {
            context.Error("ipFamilies", "Too many: may hold at most 2 items");
        }
        else if (spec.IPFamilies.Count == 2 && spec.IPFamilies[0] == spec.IPFamilies[1])
        {
            context.Error("ipFamilies[1]", $"Duplicate value: \"{spec.IPFamilies[1]}\"");
        }

        for (var i = 0; i < spec.IPFamilies.Count; i++)
        {
            context.Enum($"ipFamilies[{i}]", spec.IPFamilies[i]);
        }

        if (spec.IPFamilyPolicy is { } policy)
        {
            context.Enum("ipFamilyPolicy", policy);
            if (policy == IPFamilyPolicy.SingleStack && (dualStack || spec.IPFamilies.Count > 1))
            {
                context.Error("ipFamilyPolicy", "Invalid value: \"SingleStack\": must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified");
            }
        }
    }

    /// <summary>Checks one cluster IP; <paramref name="firstFamily"/> carries the family of the first valid one.</summary>
    private static void ValidateClusterIP(ValidationContext context, ServiceSpec spec, int index, string? ip, string field, int count, ref AddressFamily? firstFamily, out bool secondFamily)
    {
        secondFamily = false;
        context.Measure(field, ip);
        if (ip is null)
        {
            context.Error(field, "must not be null");
            return;
        }

        if (string.Equals(ip, Service.HeadlessClusterIP, StringComparison.Ordinal))
        {
            if (count > 1)
            {
                context.Error(field, "Invalid value: \"None\": must be the only value when it is 'None'");
            }

            return;
        }

        if (Rules.IP(ip, out AddressFamily addressFamily) is { } error)
        {
            context.Error(field, error);
            return;
        }

        if (firstFamily is { } family)
        {
            if (family == addressFamily)
            {
                context.Error(field, "Invalid value: dual-stack cluster IPs must be of different IP families");
            }
            else
            {
                secondFamily = true;
            }
        }
        else
        {
            firstFamily = addressFamily;
        }

        if (index < spec.IPFamilies.Count && ToFamily(spec.IPFamilies[index]) != addressFamily)
        {
            context.Error(field, $"Invalid value: \"{ip}\": does not match the IP family {spec.IPFamilies[index]} at ipFamilies[{index}]");
        }
    }

    private static void ValidateStatus(ValidationContext context, ServiceStatus? status)
    {
        if (status is null)
        {
            context.Error("status", "Required value");
            return;
        }

        using var scope = context.Enter("status");
        for (var i = 0; i < status.LoadBalancerIngress.Count; i++)
        {
            using var ingressScope = context.Enter("loadBalancer.ingress", i);
            var ingress = status.LoadBalancerIngress[i];
            if (ingress is null)
            {
                context.Error(string.Empty, "must not be null");
                continue;
            }

            if (ingress.IP is not null)
            {
                context.Measure("ip", ingress.IP);
                context.Check("ip", Rules.IP(ingress.IP));
            }

            context.Optional("hostname", ingress.Hostname, Rules.DnsSubdomain);
            context.Optional("ipMode", ingress.IPMode, static m => m is "VIP" or "Proxy" ? null : "Unsupported value: supported values: \"VIP\", \"Proxy\"");
            for (var p = 0; p < ingress.Ports.Count; p++)
            {
                using var portScope = context.Enter("ports", p);
                var port = ingress.Ports[p];
                if (port is null)
                {
                    context.Error(string.Empty, "must not be null");
                    continue;
                }

                context.MeasureScalar();
                context.Check("port", Rules.PortNumber(port.Port));
                context.Enum("protocol", port.Protocol);
                context.Measure("error", port.Error);
            }
        }

        CommonValidation.Conditions(context, status.Conditions);
    }

    private static AddressFamily ToFamily(IPFamily family) =>
        family == IPFamily.IPv6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
}
