using ClusterState.Model;
using ClusterState.Validation;

namespace ClusterState.Kinds;

/// <summary>The forms Kubernetes requires of a kind's group, version, name and plural.</summary>
internal static class KindRules
{
    public static bool IsDnsSubdomain(string value) => Rules.DnsSubdomain(value) is null;

    public static bool IsDnsLabel(string value) => value is not null && Rules.DnsLabel(value) is null;

    /// <summary>A kind name: an upper-case ASCII letter, then ASCII letters and digits, at most 63 in all.</summary>
    public static bool IsKindName(string value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > Rules.DnsLabelMaxLength || !char.IsAsciiLetterUpper(value[0]))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A kind's qualified name: a kind name, then optionally '.' and its group.</summary>
    public static bool IsQualifiedKindName(string value)
    {
        var dot = value.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? IsKindName(value) : IsKindName(value[..dot]) && IsDnsSubdomain(value[(dot + 1)..]);
    }
}
