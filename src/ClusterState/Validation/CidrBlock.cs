using System.Net;
using System.Net.Sockets;

namespace ClusterState.Validation;

/// <summary>
/// A CIDR read by <see cref="Rules.Cidr(string, out CidrBlock)"/>: its family, its base address as a number (the
/// address's bytes in network order, IPv4 in the low 32 bits) and its prefix length. A value, so that checking an
/// IPv4 block allocates nothing.
/// </summary>
internal readonly record struct CidrBlock(AddressFamily Family, UInt128 Bits, int PrefixLength)
{
    /// <summary>The bits of an address of this family.</summary>
    public int Width => Family == AddressFamily.InterNetwork ? 32 : 128;

    /// <summary>The block of <paramref name="network"/>.</summary>
    public static CidrBlock Of(IPNetwork network)
    {
        var bits = UInt128.Zero;
        foreach (var b in network.BaseAddress.GetAddressBytes())
        {
            bits = (bits << 8) | b;
        }

        return new CidrBlock(network.BaseAddress.AddressFamily, bits, network.PrefixLength);
    }

    /// <summary>True when <paramref name="inner"/> lies inside this block: same family, prefix at least as long, same leading bits.</summary>
    public bool Contains(CidrBlock inner) =>
        Family == inner.Family
        && inner.PrefixLength >= PrefixLength
        && (PrefixLength == 0 || (inner.Bits ^ Bits) >> (Width - PrefixLength) == UInt128.Zero);
}
