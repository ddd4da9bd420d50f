using System.Net.Sockets;
using ClusterState.Model;

namespace ClusterState.Validation;

/// <summary>Rules of the cluster network configuration, after kube-controller-manager's flag checks.</summary>
internal static class ClusterNetworkConfigValidator
{
    public static void Validate(ValidationContext context, ClusterNetworkConfig config)
    {
        CommonValidation.Metadata(context, config.Metadata, namespaced: false, Rules.DnsSubdomain);
        var spec = config.Spec;
        if (spec is null)
        {
            context.Error("spec", "Required value");
            return;
        }

        using var scope = context.Enter("spec");
        Cidrs(context, "serviceCidrs", spec.ServiceCidrs, out _);
        Cidrs(context, "podCidrs", spec.PodCidrs, out var podPrefixes);

        if (spec.NodeCidrMaskSizeIPv4 is { } v4)
        {
            context.MeasureScalar();
            if (v4 is < 1 or > 32)
            {
                context.Error("nodeCidrMaskSizeIPv4", "must be between 1 and 32, inclusive");
            }
            else if (podPrefixes.TryGetValue(AddressFamily.InterNetwork, out var podPrefix) && v4 < podPrefix)
            {
                context.Error("nodeCidrMaskSizeIPv4", $"Invalid value: {v4}: must not be smaller than the IPv4 pod CIDR's prefix length ({podPrefix})");
            }
        }

        if (spec.NodeCidrMaskSizeIPv6 is { } v6)
        {
            context.MeasureScalar();
            if (v6 is < 1 or > 128)
            {
                context.Error("nodeCidrMaskSizeIPv6", "must be between 1 and 128, inclusive");
            }
            else if (podPrefixes.TryGetValue(AddressFamily.InterNetworkV6, out var podPrefix) && v6 < podPrefix)
            {
                context.Error("nodeCidrMaskSizeIPv6", $"Invalid value: {v6}: must not be smaller than the IPv6 pod CIDR's prefix length ({podPrefix})");
            }
        }

        if (string.IsNullOrEmpty(spec.ClusterDomain))
        {
            context.Error("clusterDomain", "Required value");
        }
        else
        {
            context.Measure("clusterDomain", spec.ClusterDomain);
            context.Check("clusterDomain", Rules.DnsSubdomain(spec.ClusterDomain));
        }

        context.Optional("networkPlugin", spec.NetworkPlugin, Rules.QualifiedName);
        foreach (var pair in spec.PluginSettings)
        {
            context.Measure("pluginSettings", pair.Key);
            context.Measure("pluginSettings", pair.Value);
            if (Rules.QualifiedName(pair.Key) is { } keyError)
            {
                using var k = context.EnterKey("pluginSettings", pair.Key);
                context.Error(string.Empty, "key " + keyError);
            }
        }
    }

    private static void Cidrs(ValidationContext context, string field, ValueArray<string> cidrs, out Dictionary<AddressFamily, int> prefixes)
    {
        prefixes = [];
        if (cidrs.Count > 2)
        {
            context.Error(field, "Too many: may hold at most 2 items (one per IP family)");
        }

        for (var i = 0; i < cidrs.Count; i++)
        {
            using var scope = context.Enter(field, i);
            var value = cidrs[i];
            context.Measure(string.Empty, value);
            if (value is null)
            {
                context.Error(string.Empty, "must not be null");
                continue;
            }

            if (Rules.Cidr(value, out var network) is { } error)
            {
                context.Error(string.Empty, error);
                continue;
            }

            if (!prefixes.TryAdd(network.Family, network.PrefixLength))
            {
                context.Error(string.Empty, $"Invalid value: \"{value}\": dual-stack CIDRs must be of different IP families");
            }
        }
    }
}
