using ClusterState.Model;

namespace ClusterState.Validation;

/// <summary>Kubernetes' IPAddress rules (<c>ValidateIPAddress</c>): the name is the address, in canonical form.</summary>
internal static class IPAddressValidator
{
    public static void Validate(ValidationContext context, Model.IPAddress address)
    {
        CommonValidation.Metadata(context, address.Metadata, namespaced: false, CanonicalIP);
        if (address.Spec is not { } spec)
        {
            context.Error("spec", "Required value");
            return;
        }

        using var scope = context.Enter("spec");
        if (spec.ParentRef is not { } parent)
        {
            context.Error("parentRef", "Required value");
            return;
        }

        using var parentScope = context.Enter("parentRef");
        context.Optional("group", parent.Group, value => value.Length == 0 ? null : Rules.DnsSubdomain(value));
        if (string.IsNullOrEmpty(parent.Resource))
        {
            context.Error("resource", "Required value");
        }
        else
        {
            context.Measure("resource", parent.Resource);
            context.Check("resource", Rules.DnsLabel(parent.Resource));
        }

        context.Optional("namespace", parent.Namespace, value => value.Length == 0 ? null : Rules.DnsLabel(value));
        if (string.IsNullOrEmpty(parent.Name))
        {
            context.Error("name", "Required value");
        }
        else
        {
            context.Measure("name", parent.Name);
            context.Check("name", Rules.DnsSubdomain(parent.Name));
        }
    }

    /// <summary>The name of an IPAddress: an IP in the form Kubernetes prints it (lower case, IPv6 compressed).</summary>
    private static string? CanonicalIP(string value)
    {
        if (Rules.IP(value, out System.Net.IPAddress? parsed) is { } error)
        {
            return error;
        }

        var canonical = parsed!.ToString();
        return string.Equals(canonical, value, StringComparison.Ordinal) ? null : $"must be in canonical form (\"{canonical}\")";
    }
}
