using ClusterState.Model;

namespace ClusterState.Validation;

/// <summary>Kubernetes' ServiceCIDR rules (<c>ValidateServiceCIDR</c>).</summary>
internal static class ServiceCIDRValidator
{
    public static void Validate(ValidationContext context, ServiceCIDR cidr)
    {
        CommonValidation.Metadata(context, cidr.Metadata, namespaced: false, Rules.DnsSubdomain);
        if (cidr.Spec is not { } spec)
        {
            context.Error("spec", "Required value");
            return;
        }

        using (context.Enter("spec"))
        {
            if (spec.CIDRs.IsEmpty)
            {
                context.Error("cidrs", "Required value: at least one and up to two CIDRs, one per IP family");
            }
            else
            {
                CommonValidation.OnePerFamily(context, "cidrs", [.. spec.CIDRs], cidrs: true);
            }
        }

        if (cidr.Status is not { } status)
        {
            context.Error("status", "Required value");
            return;
        }

        using var statusScope = context.Enter("status");
        CommonValidation.Conditions(context, status.Conditions);
    }
}
