using System.Net;
using System.Net.Sockets;

namespace ClusterState.Validation;

/// <summary>
/// Kubernetes' syntax rules (apimachinery's <c>validation</c> package): DNS names, label keys and values, port
/// numbers and names, IPs and CIDRs. Each returns null when the value is valid, or the message to report.
/// </summary>
internal static class Rules
{
    public const int DnsLabelMaxLength = 63;
    public const int DnsSubdomainMaxLength = 253;
    public const int LabelValueMaxLength = 63;
    public const int QualifiedNameMaxLength = 63;
    public const int PortNameMaxLength = 15;
    public const int TotalAnnotationSizeLimit = 256 * 1024;

    /// <summary>RFC 1123 label: lower-case alphanumerics and '-', starting and ending alphanumeric, at most 63.</summary>
    public static string? DnsLabel(string value)
    {
        if (value.Length == 0)
        {
            return "must not be empty";
        }

        if (value.Length > DnsLabelMaxLength)
        {
            return $"must be no more than {DnsLabelMaxLength} characters (a DNS-1123 label)";
        }

        return IsDnsLabelBody(value.AsSpan())
            ? null
            : "must be a DNS-1123 label: lower-case alphanumeric characters or '-', starting and ending with an alphanumeric character (e.g. 'my-name')";
    }

    /// <summary>RFC 1035 label: like <see cref="DnsLabel"/> but starting with a letter (Service names).</summary>
    public static string? Dns1035Label(string value)
    {
        var error = DnsLabel(value);
        if (error is not null)
        {
            return error.Replace("DNS-1123", "DNS-1035", StringComparison.Ordinal);
        }

        return char.IsAsciiLetterLower(value[0])
            ? null
            : "must be a DNS-1035 label: lower-case alphanumeric characters or '-', starting with a letter and ending with an alphanumeric character (e.g. 'my-name')";
    }

    /// <summary>RFC 1123 subdomain: DNS labels joined by '.', at most 253 characters.</summary>
    public static string? DnsSubdomain(string value)
    {
        if (value.Length == 0)
        {
            return "must not be empty";
        }

        if (value.Length > DnsSubdomainMaxLength)
        {
            return $"must be no more than {DnsSubdomainMaxLength} characters (a DNS-1123 subdomain)";
        }

        foreach (var range in value.AsSpan().Split('.'))
        {
            if (!IsDnsLabelBody(value.AsSpan()[range]))
            {
                return "must be a DNS-1123 subdomain: lower-case alphanumeric characters, '-' or '.', each part starting and ending with an alphanumeric character (e.g. 'example.com')";
            }
        }

        return null;
    }

    /// <summary>A label key or annotation key: an optional DNS subdomain prefix and '/', then a name of at most 63.</summary>
    public static string? QualifiedName(string value)
    {
        if (value.Length == 0)
        {
            return "must not be empty";
        }

        var name = value.AsSpan();
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            var prefix = value[..slash];
            if (prefix.Length == 0)
            {
                return "prefix part must not be empty";
            }

            if (DnsSubdomain(prefix) is { } prefixError)
            {
                return "prefix part " + prefixError;
            }

            name = name[(slash + 1)..];
        }

        if (name.Length == 0)
        {
            return "name part must not be empty";
        }

        if (name.Length > QualifiedNameMaxLength)
        {
            return $"name part must be no more than {QualifiedNameMaxLength} characters";
        }

        return IsLabelValueBody(name)
            ? null
            : "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', 'my.name', or '123-abc'), with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
    }

    /// <summary>A label value: empty, or at most 63 alphanumerics, '-', '_' and '.', starting and ending alphanumeric.</summary>
    public static string? LabelValue(string value)
    {
        if (value.Length == 0)
        {
            return null;
        }

        if (value.Length > LabelValueMaxLength)
        {
            return $"must be no more than {LabelValueMaxLength} characters";
        }

        return IsLabelValueBody(value.AsSpan())
            ? null
            : "a valid label value must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    }

    /// <summary>A port number: 1 to 65535.</summary>
    public static string? PortNumber(int value) => value is >= 1 and <= 65535 ? null : "must be between 1 and 65535, inclusive";

    /// <summary>An IANA service name (a named container port): at most 15 lower-case alphanumerics and '-', at least one letter, no '--', no '-' at either end.</summary>
    public static string? PortName(string value)
    {
        if (value.Length == 0)
        {
            return "must not be empty";
        }

        if (value.Length > PortNameMaxLength)
        {
            return $"must be no more than {PortNameMaxLength} characters";
        }

        var hasLetter = false;
        foreach (var c in value)
        {
            if (char.IsAsciiLetterLower(c))
            {
                hasLetter = true;
            }
            else if (!char.IsAsciiDigit(c) && c != '-')
            {
                return "must contain only lower-case alphanumeric characters (a-z, 0-9) and '-' (an IANA service name)";
            }
        }

        if (!hasLetter)
        {
            return "must contain at least one letter (a-z)";
        }

        if (value.Contains("--", StringComparison.Ordinal))
        {
            return "must not contain consecutive hyphens";
        }

        return value[0] == '-' || value[^1] == '-' ? "must not begin or end with a hyphen" : null;
    }

    /// <summary>An IP address in canonical form (no zone, no leading zeros).</summary>
    public static string? IP(string value) => IP(value, out AddressFamily _, out _, out _);

    /// <summary>An IP address in canonical form (no zone, no leading zeros), and its family.</summary>
    /// <remarks>An IPv4 address (the usual case, and every address of an IPv4 EndpointSlice) is checked without allocating.</remarks>
    public static string? IP(string value, out AddressFamily family) => IP(value, out family, out _, out _);

    /// <summary>An IP address in canonical form (no zone, no leading zeros), parsed.</summary>
    public static string? IP(string value, out IPAddress? address)
    {
        if (IP(value, out var family, out var v4, out address) is { } error)
        {
            return error;
        }

        address ??= new IPAddress([(byte)(v4 >> 24), (byte)(v4 >> 16), (byte)(v4 >> 8), (byte)v4]);
        return null;
    }

    /// <summary>An IP that may address an endpoint: not unspecified, loopback, link-local or multicast.</summary>
    public static string? EndpointIP(string value) => EndpointIP(value, out _);

    /// <summary>As <see cref="EndpointIP(string)"/>, with the address's family.</summary>
    public static string? EndpointIP(string value, out AddressFamily family)
    {
        if (IP(value, out family, out var v4, out var v6) is { } error)
        {
            return error;
        }

        if (v6 is null)
        {
            // IPv4, as a number in network order: 0.0.0.0, 127.0.0.0/8, 169.254.0.0/16, 224.0.0.0/4.
            return v4 == 0 ? "may not be unspecified (0.0.0.0 or ::)"
                : v4 >> 24 == 127 ? "may not be in the loopback range (127.0.0.0/8, ::1/128)"
                : v4 >> 16 == (169 << 8 | 254) ? "may not be in the link-local range (169.254.0.0/16, fe80::/10)"
                : v4 >> 28 == 14 ? "may not be a multicast address (224.0.0.0/4, ff00::/8)"
                : null;
        }

        if (v6.Equals(IPAddress.IPv6Any))
        {
            return "may not be unspecified (0.0.0.0 or ::)";
        }

        if (IPAddress.IsLoopback(v6))
        {
            return "may not be in the loopback range (127.0.0.0/8, ::1/128)";
        }

        return v6.IsIPv6LinkLocal ? "may not be in the link-local range (169.254.0.0/16, fe80::/10)"
            : v6.IsIPv6Multicast ? "may not be a multicast address (224.0.0.0/4, ff00::/8)"
            : null;
    }

    /// <summary>
    /// The one IP parser: a dotted quad (no ':') is read into <paramref name="v4"/> (network order, most significant
    /// byte first) with no allocation; anything else goes to <see cref="IPAddress.TryParse(string?, out IPAddress?)"/>
    /// and comes back as <paramref name="other"/> (an IPv6 address, or an IPv4 one it accepted in a form Kubernetes
    /// refuses, which is an error).
    /// </summary>
    private static string? IP(string value, out AddressFamily family, out uint v4, out IPAddress? other)
    {
        family = AddressFamily.Unknown;
        v4 = 0;
        other = null;
        if (value.Length == 0)
        {
            return "must not be empty";
        }

        const string Invalid = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
        if (!value.Contains(':', StringComparison.Ordinal))
        {
            if (!TryParseDottedQuad(value, out v4))
            {
                return Invalid;
            }

            family = AddressFamily.InterNetwork;
            return null;
        }

        if (!IPAddress.TryParse(value, out var parsed) || value.Contains('%', StringComparison.Ordinal)
            || (parsed.AddressFamily == AddressFamily.InterNetwork && !TryParseDottedQuad(value, out _)))
        {
            return Invalid;
        }

        family = parsed.AddressFamily;
        other = parsed;
        return null;
    }

    /// <summary>A CIDR in canonical form (no host bits set), e.g. <c>10.0.0.0/8</c>.</summary>
    /// <remarks>
    /// A canonical IPv4 block (the usual case) is read without allocating; anything else goes through
    /// <see cref="IPNetwork.TryParse(string?, out IPNetwork)"/>, which also words the error.
    /// </remarks>
    public static string? Cidr(string value, out CidrBlock block)
    {
        if (TryParseCanonicalIPv4Cidr(value, out block))
        {
            return null;
        }

        if (value.Length == 0)
        {
            return "must not be empty";
        }

        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || IP(value[..slash]) is not null || !IPNetwork.TryParse(value, out var parsed))
        {
            return "must be a valid CIDR value in canonical form, (e.g. 10.9.8.0/24 or 2001:db8::/64)";
        }

        if (!string.Equals(parsed.ToString(), value, StringComparison.OrdinalIgnoreCase))
        {
            return $"must be a CIDR in canonical form, with no host bits set (\"{parsed}\")";
        }

        block = CidrBlock.Of(parsed);
        return null;
    }

    /// <summary>A CIDR in canonical form, as <see cref="Cidr(string, out CidrBlock)"/> reads it.</summary>
    public static string? Cidr(string value) => Cidr(value, out _);

    /// <summary>
    /// True for a dotted quad, '/', and a prefix of 0–32 written without leading zeros, with no host bits set: the
    /// IPv4 blocks <see cref="IPNetwork"/> reads and prints back unchanged.
    /// </summary>
    private static bool TryParseCanonicalIPv4Cidr(ReadOnlySpan<char> value, out CidrBlock block)
    {
        block = default;
        var slash = value.IndexOf('/');
        if (slash < 0 || !TryParseDottedQuad(value[..slash], out var address))
        {
            return false;
        }

        if (!TryParseDecimal(value[(slash + 1)..], 2, out var prefix) || prefix > 32 || (prefix < 32 && (address & (uint.MaxValue >> (int)prefix)) != 0))
        {
            return false;
        }

        block = new CidrBlock(AddressFamily.InterNetwork, address, (int)prefix);
        return true;
    }

    /// <summary>Four decimal parts of 0–255 with no leading zeros (<see cref="IPAddress.TryParse(string?, out IPAddress?)"/> also accepts "10.1" and "010.0.0.1"; Kubernetes does not).</summary>
    private static bool TryParseDottedQuad(ReadOnlySpan<char> value, out uint address)
    {
        address = 0;
        var parts = 0;
        foreach (var range in value.Split('.'))
        {
            if (parts == 4 || !TryParseDecimal(value[range], 3, out var number) || number > 255)
            {
                return false;
            }

            address = (address << 8) | number;
            parts++;
        }

        return parts == 4;
    }

    /// <summary>A decimal number of 1 to <paramref name="maxDigits"/> ASCII digits, with no leading zero (but "0" itself).</summary>
    private static bool TryParseDecimal(ReadOnlySpan<char> digits, int maxDigits, out uint number)
    {
        number = 0;
        if (digits.Length == 0 || digits.Length > maxDigits || (digits.Length > 1 && digits[0] == '0'))
        {
            return false;
        }

        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            number = (number * 10) + (uint)(c - '0');
        }

        return true;
    }

    private static bool IsDnsLabelBody(ReadOnlySpan<char> value)
    {
        if (value.Length == 0 || value.Length > DnsLabelMaxLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '-')
            {
                return false;
            }
        }

        return value[0] != '-' && value[^1] != '-';
    }

    private static bool IsLabelValueBody(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }

        return char.IsAsciiLetterOrDigit(value[0]) && char.IsAsciiLetterOrDigit(value[^1]);
    }
}
