using System.Buffers.Binary;
using System.Text;

namespace ClusterState.Persistence;

/// <summary>
/// Reads the primitives of the binary format from untrusted bytes. Every length and count is checked against
/// the bytes that remain before anything is allocated, so a bad input fails with
/// <see cref="CorruptDataException"/>, never with a crash or a huge allocation.
/// </summary>
internal ref struct BinaryDecoder
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _source;
    private readonly long _baseOffset;
    private readonly StringCache? _strings;
    private int _position;

    /// <param name="data">The bytes to read.</param>
    /// <param name="source">What they are (a file name, a peer), for errors.</param>
    /// <param name="baseOffset">Where <paramref name="data"/> starts in its source, for errors.</param>
    /// <param name="strings">
    /// A cache to take strings from: the same names, labels and addresses decoded again and again (every version
    /// of an object) then share one instance instead of each living in the history as a copy.
    /// </param>
    public BinaryDecoder(ReadOnlySpan<byte> data, string source, long baseOffset = 0, StringCache? strings = null)
    {
        _data = data;
        _source = source;
        _baseOffset = baseOffset;
        _strings = strings;
        _position = 0;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _data.Length - _position;

    public readonly bool AtEnd => _position == _data.Length;

    public byte ReadByte()
    {
        Need(1);
        return _data[_position++];
    }

    public bool ReadBool() => ReadByte() switch
    {
        0 => false,
        1 => true,
        var b => throw Corrupt($"a boolean byte is {b}"),
    };

    public uint ReadUInt32Fixed()
    {
        Need(4);
        var value = BinaryPrimitives.ReadUInt32LittleEndian(_data[_position..]);
        _position += 4;
        return value;
    }

    public ulong ReadUInt64Fixed()
    {
        Need(8);
        var value = BinaryPrimitives.ReadUInt64LittleEndian(_data[_position..]);
        _position += 8;
        return value;
    }

    public ulong ReadVarUInt()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = ReadByte();
            if (shift == 63 && b > 1)
            {
                throw Corrupt("a varint overflows 64 bits");
            }

            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw Corrupt("a varint is longer than 10 bytes");
    }

    public long ReadVarInt()
    {
        var raw = ReadVarUInt();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    /// <summary>A 32-bit integer, checked to fit.</summary>
    public int ReadInt32()
    {
        var value = ReadVarInt();
        return value is < int.MinValue or > int.MaxValue ? throw Corrupt($"{value} does not fit a 32-bit integer") : (int)value;
    }

    /// <summary>A count of items that each take at least one byte: never more than the bytes left.</summary>
    public int ReadCount() => ReadCount(minBytesPerItem: 1);

    /// <summary>
    /// A count of items that each take at least <paramref name="minBytesPerItem"/> bytes: never more than the bytes
    /// left can hold, so sizing a collection by it allocates no more than the input could fill.
    /// </summary>
    public int ReadCount(int minBytesPerItem)
    {
        var count = ReadVarUInt();
        if (count > (ulong)(Remaining / minBytesPerItem))
        {
            throw Corrupt($"a count of {count} items of at least {minBytesPerItem} bytes is more than the {Remaining} bytes left hold");
        }

        return (int)count;
    }

    public string ReadString()
    {
        var length = ReadVarUInt();
        if (length > (ulong)Remaining)
        {
            throw Corrupt($"a string of {length} bytes is longer than the {Remaining} bytes left");
        }

        var bytes = _data.Slice(_position, (int)length);
        _position += (int)length;
        try
        {
            return _strings is null || bytes.IsEmpty ? Strict.GetString(bytes) : _strings.Get(bytes, Strict);
        }
        catch (DecoderFallbackException ex)
        {
            throw Corrupt("a string is not valid UTF-8", ex);
        }
    }

    /// <summary>The UTF-8 bytes of a string, without decoding them (a name looked up as bytes).</summary>
    public ReadOnlySpan<byte> ReadStringBytes()
    {
        var length = ReadVarUInt();
        if (length > (ulong)Remaining)
        {
            throw Corrupt($"a string of {length} bytes is longer than the {Remaining} bytes left");
        }

        var bytes = _data.Slice(_position, (int)length);
        _position += (int)length;
        return bytes;
    }

    /// <summary>What the bytes are (a file name, a peer), for errors.</summary>
    public readonly string Source => _source;

    public string? ReadOptionalString() => ReadBool() ? ReadString() : null;

    public int? ReadOptionalInt() => ReadBool() ? ReadInt32() : null;

    public long? ReadOptionalLong() => ReadBool() ? ReadVarInt() : null;

    public bool? ReadOptionalBool() => ReadByte() switch
    {
        0 => null,
        1 => false,
        2 => true,
        var b => throw Corrupt($"an optional boolean byte is {b}"),
    };

    public Guid ReadGuid()
    {
        Need(16);
        var value = new Guid(_data.Slice(_position, 16));
        _position += 16;
        return value;
    }

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        Need(count);
        var bytes = _data.Slice(_position, count);
        _position += count;
        return bytes;
    }

    /// <summary>An enum value, checked to be one of its named values.</summary>
    public TEnum ReadEnum<TEnum>()
        where TEnum : struct, Enum
    {
        var raw = ReadInt32();
        var size = System.Runtime.CompilerServices.Unsafe.SizeOf<TEnum>();
        if (size == sizeof(byte) && raw is < 0 or > byte.MaxValue)
        {
            throw Corrupt($"{raw} is not a {typeof(TEnum).Name}");
        }

        var small = (byte)raw;
        var value = size switch
        {
            sizeof(int) => System.Runtime.CompilerServices.Unsafe.As<int, TEnum>(ref raw),
            sizeof(byte) => System.Runtime.CompilerServices.Unsafe.As<byte, TEnum>(ref small),
            _ => (TEnum)Enum.ToObject(typeof(TEnum), raw),
        };
        return Enum.IsDefined(value) ? value : throw Corrupt($"{raw} is not a {typeof(TEnum).Name}");
    }

    public readonly CorruptDataException Corrupt(string problem, Exception? inner = null) =>
        new(_source, _baseOffset + _position, problem, inner);

    private readonly void Need(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw Corrupt($"{count} more bytes needed, {Remaining} left");
        }
    }

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
