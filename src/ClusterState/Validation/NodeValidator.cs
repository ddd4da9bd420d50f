using ClusterState.Model;

namespace ClusterState.Validation;

/// <summary>Kubernetes' Node rules (<c>ValidateNode</c>), for the fields the model carries.</summary>
internal static class NodeValidator
{
    public static void Validate(ValidationContext context, Node node)
    {
        CommonValidation.Metadata(context, node.Metadata, namespaced: false, Rules.DnsSubdomain);
        if (node.Spec is not { } spec)
        {
            context.Error("spec", "Required value");
        }
        else
        {
            using var scope = context.Enter("spec");
            context.Optional("podCIDR", spec.PodCIDR, value => Rules.Cidr(value));
            CommonValidation.OnePerFamily(context, "podCIDRs", [.. spec.PodCIDRs], cidrs: true);
            if (spec.PodCIDR is { } primary && spec.PodCIDRs.Count > 0 && spec.PodCIDRs[0] != primary)
            {
                context.Error("podCIDRs[0]", $"Invalid value: \"{spec.PodCIDRs[0]}\": must match podCIDR \"{primary}\"");
            }

            context.MeasureScalar();
            context.Measure("providerID", spec.ProviderID);
        }

        if (node.Status is not { } status)
        {
            context.Error("status", "Required value");
            return;
        }

        using var statusScope = context.Enter("status");
        for (var i = 0; i < status.Addresses.Count; i++)
        {
            using var item = context.Enter("addresses", i);
            if (status.Addresses[i] is not { } address)
            {
                context.Error(string.Empty, "must not be null");
                continue;
            }

            context.Enum("type", address.Type);
            CommonValidation.Required(context, "address", address.Address);
            if (!string.IsNullOrEmpty(address.Address) && address.Type is NodeAddressType.InternalIP or NodeAddressType.ExternalIP)
            {
                context.Check("address", Rules.IP(address.Address));
            }
        }

        CommonValidation.Conditions(context, status.Conditions, static c => (c.Type, c.Status, c.Reason, c.Message));
    }
}
