using System.Net.Sockets;
using ClusterState.Model;

namespace ClusterState.Validation;

/// <summary>Kubernetes' Pod rules (<c>ValidatePodCreate</c>, <c>ValidatePodStatusUpdate</c>), for the fields the model carries.</summary>
internal static class PodValidator
{
    public static void Validate(ValidationContext context, Pod pod)
    {
        CommonValidation.Metadata(context, pod.Metadata, namespaced: true, Rules.DnsSubdomain);
        if (pod.Spec is not { } spec)
        {
            context.Error("spec", "Required value");
        }
        else
        {
            using var scope = context.Enter("spec");
            Spec(context, spec);
        }

        if (pod.Status is not { } status)
        {
            context.Error("status", "Required value");
        }
        else
        {
            using var scope = context.Enter("status");
            Status(context, status);
        }
    }

    private static void Spec(ValidationContext context, PodSpec spec)
    {
        context.Optional("nodeName", spec.NodeName, Rules.DnsSubdomain);
        context.MeasureScalar();
        if (spec.Containers.IsEmpty)
        {
            context.Error("containers", "Required value");
            return;
        }

        var containerNames = new HashSet<string>(StringComparer.Ordinal);
        var portNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < spec.Containers.Count; i++)
        {
            using var scope = context.Enter("containers", i);
            if (spec.Containers[i] is not { } container)
            {
                context.Error(string.Empty, "must not be null");
                continue;
            }

            if (string.IsNullOrEmpty(container.Name))
            {
                context.Error("name", "Required value");
            }
            else
            {
                context.Measure("name", container.Name);
                context.Check("name", Rules.DnsLabel(container.Name));
                if (!containerNames.Add(container.Name))
                {
                    context.Error("name", $"Duplicate value: \"{container.Name}\"");
                }
            }

            CommonValidation.Required(context, "image", container.Image);
            for (var p = 0; p < container.Ports.Count; p++)
            {
                using var portScope = context.Enter("ports", p);
                if (container.Ports[p] is not { } port)
                {
                    context.Error(string.Empty, "must not be null");
                    continue;
                }

                Port(context, port, spec.HostNetwork, portNames);
            }
        }
    }

    private static void Port(ValidationContext context, ContainerPort port, bool hostNetwork, HashSet<string> names)
    {
        if (port.Name is { } name)
        {
            context.Measure("name", name);
            context.Check("name", Rules.PortName(name));
            if (name.Length > 0 && !names.Add(name))
            {
                context.Error("name", $"Duplicate value: \"{name}\"");
            }
        }

        context.MeasureScalar();
        if (port.Port == 0)
        {
            context.Error("containerPort", "Required value");
        }
        else
        {
            context.Check("containerPort", Rules.PortNumber(port.Port));
        }

        context.Enum("protocol", port.Protocol);
        if (port.HostPort is { } hostPort)
        {
            context.MeasureScalar();
            if (hostPort != 0)
            {
                context.Check("hostPort", Rules.PortNumber(hostPort));
            }

            if (hostNetwork && hostPort != 0 && hostPort != port.Port)
            {
                context.Error("hostPort", $"Invalid value: {hostPort}: must match `containerPort` when `hostNetwork` is true");
            }
        }

        if (port.HostIP is { } hostIP)
        {
            context.Measure("hostIP", hostIP);
            context.Check("hostIP", Rules.IP(hostIP));
        }
    }

    private static void Status(ValidationContext context, PodStatus status)
    {
        if (status.Phase is { } phase)
        {
            context.Enum("phase", phase);
        }

        context.Optional("podIP", status.PodIP, value => Rules.IP(value));
        IPs(context, "podIPs", status.PodIPs);
        if (status.PodIP is { } podIP && status.PodIPs.Count > 0 && status.PodIPs[0] is { } first && first.IP != podIP)
        {
            context.Error("podIPs[0].ip", $"Invalid value: \"{first.IP}\": must match podIP \"{podIP}\"");
        }

        context.Optional("hostIP", status.HostIP, value => Rules.IP(value));
        IPs(context, "hostIPs", status.HostIPs);
        if (status.HostIP is { } hostIP && status.HostIPs.Count > 0 && status.HostIPs[0] is { } firstHost && firstHost.IP != hostIP)
        {
            context.Error("hostIPs[0].ip", $"Invalid value: \"{firstHost.IP}\": must match hostIP \"{hostIP}\"");
        }

        CommonValidation.Conditions(context, status.Conditions, static c => (c.Type, c.Status, c.Reason, c.Message));
    }

    private static void IPs(ValidationContext context, string field, ValueArray<PodIP> ips)
    {
        var values = new string?[ips.Count];
        for (var i = 0; i < ips.Count; i++)
        {
            values[i] = ips[i]?.IP;
        }

        // Paths name the item's "ip" field, as Kubernetes reports them.
        if (ips.Count > 2)
        {
            context.Error(field, "Too many: may contain at most 2 items, one per IP family");
        }

        System.Net.Sockets.AddressFamily? firstFamily = null;
        for (var i = 0; i < values.Length; i++)
        {
            using var scope = context.Enter(field, i);
            if (string.IsNullOrEmpty(values[i]))
            {
                context.Error("ip", "Required value");
                continue;
            }

            context.Measure("ip", values[i]);
            if (Rules.IP(values[i]!, out AddressFamily family) is { } error)
            {
                context.Error("ip", $"Invalid value: \"{values[i]}\": {error}");
            }
            else if (i == 0)
            {
                firstFamily = family;
            }
            else if (i == 1 && firstFamily == family)
            {
                context.Error(string.Empty, $"Invalid value: \"{values[i]}\": may specify no more than one IP for each IP family");
            }
        }
    }
}
