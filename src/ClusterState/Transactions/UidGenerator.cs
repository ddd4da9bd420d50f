using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ClusterState;

/// <summary>
/// Makes object uids without a system call per write: 64 random bits drawn once per generator, then a counter.
/// A request reserves a range of the counter (<see cref="Reserve"/>) and derives each created object's uid from
/// it, so that applying the request gives the same uids on every replica. Uids are RFC 9562 version 8 GUIDs.
/// </summary>
internal sealed class UidGenerator
{
    /// <summary>The random half, with the version nibble set (bytes 0-7 of the GUID's byte form).</summary>
    private readonly ulong _prefix;

    /// <summary>The next counter value; 62 bits are used.</summary>
    private long _counter;

    public UidGenerator()
    {
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        _prefix = (BinaryPrimitives.ReadUInt64LittleEndian(random) & ~(0xFUL << 60)) | (0x8UL << 60);
        _counter = BinaryPrimitives.ReadInt64LittleEndian(random[8..]) & 0x0FFF_FFFF_FFFF_FFFF;
    }

    /// <summary>Reserves <paramref name="count"/> consecutive uids and returns the first's counter value.</summary>
    public long Reserve(int count) => Interlocked.Add(ref _counter, count) - count;

    /// <summary>The uid for counter value <paramref name="value"/> of this generator.</summary>
    public Guid UidAt(long value) => Compose(_prefix, value);

    /// <summary>Builds the GUID from its random half and a counter value (variant bits 10).</summary>
    public static Guid Compose(ulong prefix, long value)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, prefix);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], ((ulong)value & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000);
        return new Guid(bytes);
    }

    /// <summary>The random half, carried by requests so that replicas derive the same uids.</summary>
    public ulong Prefix => _prefix;
}
