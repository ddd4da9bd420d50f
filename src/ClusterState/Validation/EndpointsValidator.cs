using ClusterState.Model;

namespace ClusterState.Validation;

/// <summary>Kubernetes' Endpoints rules (<c>ValidateEndpoints</c>).</summary>
internal static class EndpointsValidator
{
    public static void Validate(ValidationContext context, Endpoints endpoints)
    {
        CommonValidation.Metadata(context, endpoints.Metadata, namespaced: true, Rules.DnsSubdomain);
        for (var i = 0; i < endpoints.Subsets.Count; i++)
        {
            using var scope = context.Enter("subsets", i);
            var subset = endpoints.Subsets[i];
            if (subset is null)
            {
                context.Error(string.Empty, "must not be null");
                continue;
            }

            if (subset.Addresses.IsEmpty && subset.NotReadyAddresses.IsEmpty)
            {
                context.Error(string.Empty, "Required value: must specify `addresses` or `notReadyAddresses`");
            }

            Addresses(context, "addresses", subset.Addresses);
            Addresses(context, "notReadyAddresses", subset.NotReadyAddresses);
            if (subset.Ports.IsEmpty)
            {
                context.Error("ports", "Required value");
            }

            CommonValidation.EndpointPorts(context, "ports", subset.Ports, portOptional: false);
        }
    }

    private static void Addresses(ValidationContext context, string field, ValueArray<EndpointAddress> addresses)
    {
        for (var i = 0; i < addresses.Count; i++)
        {
            using var scope = context.Enter(field, i);
            var address = addresses[i];
            if (address is null)
            {
                context.Error(string.Empty, "must not be null");
                continue;
            }

            context.Measure("ip", address.IP);
            context.Check("ip", address.IP is null ? "Required value" : Rules.EndpointIP(address.IP));
            context.Optional("hostname", address.Hostname, Rules.DnsLabel);
            context.Optional("nodeName", address.NodeName, Rules.DnsSubdomain);
            CommonValidation.Reference(context, "targetRef", address.TargetRef);
        }
    }
}
