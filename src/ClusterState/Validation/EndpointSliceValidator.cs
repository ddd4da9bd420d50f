using System.Net.Sockets;
using ClusterState.Model;

namespace ClusterState.Validation;

/// <summary>Kubernetes' EndpointSlice rules (<c>ValidateEndpointSlice</c>).</summary>
internal static class EndpointSliceValidator
{
    private const int MaxAddresses = 100;
    private const int MaxPorts = 20000;
    private const int MaxHints = 8;

    public static void Validate(ValidationContext context, EndpointSlice slice)
    {
        CommonValidation.Metadata(context, slice.Metadata, namespaced: true, Rules.DnsSubdomain);
        context.Enum("addressType", slice.AddressType);
        if (slice.Endpoints.Count > EndpointSlice.MaxEndpoints)
        {
            context.Error("endpoints", $"Too many: {slice.Endpoints.Count}: must have at most {EndpointSlice.MaxEndpoints} items");
        }

        for (var i = 0; i < slice.Endpoints.Count; i++)
        {
            using var scope = context.Enter("endpoints", i);
            var endpoint = slice.Endpoints[i];
            if (endpoint is null)
            {
                context.Error(string.Empty, "must not be null");
                continue;
            }

            ValidateEndpoint(context, slice.AddressType, endpoint);
        }

        if (slice.Ports.Count > MaxPorts)
        {
            context.Error("ports", $"Too many: {slice.Ports.Count}: must have at most {MaxPorts} items");
        }

        CommonValidation.EndpointPorts(context, "ports", slice.Ports, portOptional: true);
    }

    private static void ValidateEndpoint(ValidationContext context, AddressType addressType, Endpoint endpoint)
    {
        if (endpoint.Addresses.IsEmpty)
        {
            context.Error("addresses", "Required value: must contain at least 1 address");
        }
        else if (endpoint.Addresses.Count > MaxAddresses)
        {
            context.Error("addresses", $"Too many: {endpoint.Addresses.Count}: must have at most {MaxAddresses} items");
        }

        for (var a = 0; a < endpoint.Addresses.Count; a++)
        {
            using var scope = context.Enter("addresses", a);
            var address = endpoint.Addresses[a];
            context.Measure(string.Empty, address);
            context.Check(string.Empty, address is null ? "must not be null" : AddressError(addressType, address));
        }

        if (endpoint.Conditions is null)
        {
            context.Error("conditions", "Required value");
        }
        else
        {
            context.MeasureScalar();
        }

        context.Optional("hostname", endpoint.Hostname, Rules.DnsLabel);
        context.Optional("nodeName", endpoint.NodeName, Rules.DnsSubdomain);
        context.Optional("zone", endpoint.Zone, static z => z.Length == 0 ? "must not be empty" : Rules.LabelValue(z));
        CommonValidation.Reference(context, "targetRef", endpoint.TargetRef);
        CommonValidation.Labels(context, "deprecatedTopology", endpoint.DeprecatedTopology);
        if (endpoint.Hints is { } hints)
        {
            using var h = context.Enter("hints");
            Hints(context, "forZones", hints.ForZones, static z => Rules.LabelValue(z));
            Hints(context, "forNodes", hints.ForNodes, Rules.DnsSubdomain);
        }
    }

    private static void Hints(ValidationContext context, string field, ValueArray<string> values, Func<string, string?> rule)
    {
        if (values.Count > MaxHints)
        {
            context.Error(field, $"Too many: {values.Count}: must have at most {MaxHints} items");
        }

        for (var i = 0; i < values.Count; i++)
        {
            using var scope = context.Enter(field, i);
            context.Measure("name", values[i]);
            context.Check("name", values[i] is null ? "must not be null" : rule(values[i]));
        }
    }

    private static string? AddressError(AddressType type, string address)
    {
        switch (type)
        {
            case AddressType.IPv4:
            case AddressType.IPv6:
                if (Rules.EndpointIP(address, out var family) is { } ipError)
                {
                    return ipError;
                }

                var wanted = type == AddressType.IPv4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
                return family == wanted ? null : $"must be an {type} address to match the slice's addressType";
            case AddressType.FQDN:
                return Rules.DnsSubdomain(address);
            default:
                return null;
        }
    }
}
