using System.Net;
using System.Net.Sockets;
using ClusterState.Validation;

namespace ClusterState.Tests.Validation;

/// <summary>
/// The IP and CIDR rules read IPv4 without <see cref="IPAddress"/> or <see cref="IPNetwork"/> (no allocation per
/// endpoint address or ipBlock); they must accept and refuse exactly what the definitions on
/// <see cref="IPAddress.TryParse(string?, out IPAddress?)"/> and <see cref="IPNetwork.TryParse(string?, out IPNetwork)"/>
/// do, with the same messages: Kubernetes' canonical dotted quad, no zone, the endpoint ranges, canonical blocks.
/// </summary>
public sealed class IPRuleTests
{
    private static readonly string[] Edges =
    [
        "", "0.0.0.0", "10.0.0.1", "255.255.255.255", "256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04", "1.2.3.4 ",
        " 1.2.3.4", "1..3.4", ".1.2.3", "1.2.3.", "1.2.3.-4", "1.2.3.+4", "0x1.2.3.4", "10.1", "4294967295", "1.2.3.4:80",
        "1.2.3.4%1", "127.0.0.1", "127.255.255.255", "126.255.255.255", "128.0.0.1", "169.254.1.1", "169.253.1.1",
        "169.255.1.1", "224.0.0.1", "239.255.255.255", "223.255.255.255", "240.0.0.1", "::", "::1", "::2", "fe80::1",
        "fe80::1%eth0", "febf::1", "fec0::1", "ff02::1", "2001:db8::ffff", "2001:DB8::1", "::ffff:10.0.0.1",
        "::ffff:127.0.0.1", "::ffff:169.254.0.1", "::ffff:224.0.0.1", "::ffff:0.0.0.0", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9",
        "[::1]", "1.2.3.٤", "١.2.3.4", "999.1.1.1", "100.100.100.100", "1.2.3.4\0",
    ];

    [Test]
    public void Edge_cases_read_as_the_IPAddress_definition_reads_them()
    {
        foreach (var value in Edges)
        {
            AssertSame(value);
        }
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void Random_strings_read_as_the_IPAddress_definition_reads_them(int seed)
    {
        var random = new Random(seed);
        const string Alphabet = "0123456789012345678901234567890123456789...:::abcdefABx% -";
        for (var n = 0; n < 20_000; n++)
        {
            var chars = new char[random.Next(0, 18)];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = Alphabet[random.Next(Alphabet.Length)];
            }

            AssertSame(new string(chars));

            // Mostly well-formed quads too, around the range edges.
            var parts = Enumerable.Range(0, 4).Select(_ => random.Next(10) switch
            {
                0 => "0" + random.Next(10),
                1 => random.Next(250, 260).ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => random.Next(256).ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            AssertSame(string.Join('.', parts));
        }
    }

    private static readonly string[] CidrEdges =
    [
        "", "/", "10.0.0.0", "10.0.0.0/", "10.0.0.0/8", "10.0.0.0/08", "10.0.0.0/008", "10.0.0.0/+8", "10.0.0.0/-8", "10.0.0.0/ 8",
        "10.0.0.0/8 ", "10.0.0.1/8", "10.0.0.0/33", "10.0.0.0/32", "10.0.0.1/32", "0.0.0.0/0", "1.0.0.0/0", "10.1/16",
        "010.0.0.0/8", "10.0.0.0/8/8", "255.255.255.255/32", "255.255.255.254/31", "255.255.255.255/31", "192.168.0.0/16",
        "192.168.1.0/16", "10.0.0.0/٨", "::/0", "::/128", "2001:db8::/64", "2001:DB8::/64", "2001:db8::1/64",
        "2001:db8::/129", "2001:db8::/064", "::ffff:10.0.0.0/104", "fe80::%1/64", "10.0.0.0/8%1", "1.2.3.4/32:1",
    ];

    [Test]
    public void Cidr_edge_cases_read_as_the_IPNetwork_definition_reads_them()
    {
        foreach (var value in CidrEdges)
        {
            AssertSameCidr(value);
        }
    }

    [TestCase(1)]
    [TestCase(2)]
    public void Random_cidrs_read_and_nest_as_the_IPNetwork_definition_says(int seed)
    {
        var random = new Random(seed);
        var valid = new List<(CidrBlock Block, IPNetwork Network)>();
        for (var n = 0; n < 20_000; n++)
        {
            var prefix = random.Next(8) == 0 ? "0" + random.Next(10) : random.Next(0, 36).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var address = random.Next(4) switch
            {
                0 => $"10.{random.Next(4)}.0.0",
                1 => $"{random.Next(256)}.{random.Next(256)}.{random.Next(256)}.{random.Next(256)}",
                2 => $"2001:db8:{random.Next(4):x}::",
                _ => $"{random.Next(256)}.0.0.0",
            };
            var value = address + "/" + prefix;
            AssertSameCidr(value);
            if (Rules.Cidr(value, out var block) is null)
            {
                valid.Add((block, IPNetwork.Parse(value)));
            }
        }

        for (var n = 0; n < 20_000; n++)
        {
            var (outer, outerNetwork) = valid[random.Next(valid.Count)];
            var (inner, innerNetwork) = valid[random.Next(valid.Count)];
            var expected = outerNetwork.BaseAddress.AddressFamily == innerNetwork.BaseAddress.AddressFamily
                && innerNetwork.PrefixLength >= outerNetwork.PrefixLength
                && outerNetwork.Contains(innerNetwork.BaseAddress);
            Assert.That(outer.Contains(inner), Is.EqualTo(expected), $"{outerNetwork} contains {innerNetwork}");
        }
    }

    [Test]
    public void The_parsed_IPv4_address_is_the_one_written()
    {
        Assert.That(Rules.IP("10.96.0.1", out IPAddress? address), Is.Null);
        Assert.That(address, Is.EqualTo(IPAddress.Parse("10.96.0.1")));
        Assert.That(Rules.IP("255.1.0.254", out address), Is.Null);
        Assert.That(address!.GetAddressBytes(), Is.EqualTo(new byte[] { 255, 1, 0, 254 }));
    }

    private static void AssertSame(string value)
    {
        var expected = ReferenceIP(value, out var expectedAddress);
        Assert.That(Rules.IP(value, out AddressFamily family), Is.EqualTo(expected), $"IP(\"{value}\")");
        Assert.That(Rules.IP(value), Is.EqualTo(expected), $"IP(\"{value}\")");
        Assert.That(Rules.IP(value, out IPAddress? address), Is.EqualTo(expected), $"IP(\"{value}\")");
        if (expected is null)
        {
            Assert.That(family, Is.EqualTo(expectedAddress!.AddressFamily), $"family of \"{value}\"");
            Assert.That(address, Is.EqualTo(expectedAddress), $"address of \"{value}\"");
        }

        Assert.That(Rules.EndpointIP(value, out var endpointFamily), Is.EqualTo(ReferenceEndpointIP(value)), $"EndpointIP(\"{value}\")");
        Assert.That(Rules.EndpointIP(value), Is.EqualTo(ReferenceEndpointIP(value)), $"EndpointIP(\"{value}\")");
        if (expected is null && ReferenceEndpointIP(value) is null)
        {
            Assert.That(endpointFamily, Is.EqualTo(expectedAddress!.AddressFamily), $"endpoint family of \"{value}\"");
        }
    }

    private static void AssertSameCidr(string value)
    {
        var expected = ReferenceCidr(value, out var network);
        Assert.That(Rules.Cidr(value, out var block), Is.EqualTo(expected), $"Cidr(\"{value}\")");
        Assert.That(Rules.Cidr(value), Is.EqualTo(expected), $"Cidr(\"{value}\")");
        if (expected is null)
        {
            Assert.That(block, Is.EqualTo(CidrBlock.Of(network)), $"block of \"{value}\"");
            Assert.That(block.Family, Is.EqualTo(network.BaseAddress.AddressFamily));
        }
    }

    /// <summary>The CIDR rule as it was written on <see cref="IPNetwork"/>.</summary>
    private static string? ReferenceCidr(string value, out IPNetwork network)
    {
        network = default;
        if (value.Length == 0)
        {
            return "must not be empty";
        }

        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || ReferenceIP(value[..slash], out _) is not null || !IPNetwork.TryParse(value, out var parsed))
        {
            return "must be a valid CIDR value in canonical form, (e.g. 10.9.8.0/24 or 2001:db8::/64)";
        }

        if (!string.Equals(parsed.ToString(), value, StringComparison.OrdinalIgnoreCase))
        {
            return $"must be a CIDR in canonical form, with no host bits set (\"{parsed}\")";
        }

        network = parsed;
        return null;
    }

    /// <summary>The rule as it was written on <see cref="IPAddress"/>.</summary>
    private static string? ReferenceIP(string value, out IPAddress? address)
    {
        address = null;
        if (value.Length == 0)
        {
            return "must not be empty";
        }

        if (!IPAddress.TryParse(value, out var parsed) || value.Contains('%', StringComparison.Ordinal)
            || (parsed.AddressFamily == AddressFamily.InterNetwork && !IsDottedQuad(value)))
        {
            return "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
        }

        address = parsed;
        return null;
    }

    private static string? ReferenceEndpointIP(string value)
    {
        if (ReferenceIP(value, out var address) is { } error)
        {
            return error;
        }

        if (address!.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return "may not be unspecified (0.0.0.0 or ::)";
        }

        if (IPAddress.IsLoopback(address))
        {
            return "may not be in the loopback range (127.0.0.0/8, ::1/128)";
        }

        var bytes = address.GetAddressBytes();
        if (address.IsIPv6LinkLocal || (bytes.Length == 4 && bytes[0] == 169 && bytes[1] == 254))
        {
            return "may not be in the link-local range (169.254.0.0/16, fe80::/10)";
        }

        if (address.IsIPv6Multicast || (bytes.Length == 4 && bytes[0] >= 224 && bytes[0] <= 239))
        {
            return "may not be a multicast address (224.0.0.0/4, ff00::/8)";
        }

        return null;
    }

    private static bool IsDottedQuad(string value)
    {
        var parts = value.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is > 0 and <= 3 && (p.Length == 1 || p[0] != '0') && p.All(char.IsAsciiDigit));
    }
}
