using System.Runtime.CompilerServices;

namespace ClusterState.Model;

/// <summary>
/// An optional one-byte enum held in one byte (0: unset, else the value plus one), for records stored by the million:
/// a <see cref="Nullable{T}"/> field takes a word of its own.
/// </summary>
internal static class OptionalByteEnum
{
    public static T? Get<T>(byte stored)
        where T : struct, Enum
    {
        if (stored == 0)
        {
            return null;
        }

        var value = (byte)(stored - 1);
        return Unsafe.As<byte, T>(ref value);
    }

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is 255, which the byte cannot hold beside "unset".</exception>
    public static byte Set<T>(T? value, string property)
        where T : struct, Enum
    {
        if (value is not { } set)
        {
            return 0;
        }

        var raw = Unsafe.As<T, byte>(ref set);
        return raw < byte.MaxValue ? (byte)(raw + 1) : throw new ArgumentOutOfRangeException(property, raw, $"{property} must be a defined {typeof(T).Name}.");
    }
}
