using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using ClusterState.Persistence;

namespace ClusterState.Replication.Transport;

/// <summary>
/// The TCP transport's framing: every frame is <c>[u32 body length][body]</c>. A connection opens with the
/// dialling peer's hello (<c>"CSRT"</c>, version, its id, the id it wants, the cluster id) answered by one status
/// byte; then the dialler streams message frames one way.
/// </summary>
internal static class RaftWire
{
    public const byte Version = 1;

    public const int FrameHeaderBytes = 4;

    /// <summary>The largest hello accepted, read before the peer is known.</summary>
    public const int MaxHelloBytes = 1024;

    private static ReadOnlySpan<byte> Magic => "CSRT"u8;

    /// <summary>The accepting peer's answer to a hello.</summary>
    public enum HelloStatus : byte
    {
        Accepted = 0,
        WrongCluster = 1,
        UnknownPeer = 2,
        WrongNode = 3,
        BadHello = 4,
    }

    public readonly record struct Hello(ulong From, ulong To, string ClusterId);

    public static void WriteHello(BinaryEncoder e, Hello hello)
    {
        var start = e.Length;
        e.Reserve(FrameHeaderBytes);
        e.WriteBytes(Magic);
        e.WriteByte(Version);
        e.WriteUInt64Fixed(hello.From);
        e.WriteUInt64Fixed(hello.To);
        e.WriteString(hello.ClusterId);
        e.PatchUInt32(start, (uint)(e.Length - start - FrameHeaderBytes));
    }

    public static Hello ReadHello(ReadOnlySpan<byte> body, string source)
    {
        var d = new BinaryDecoder(body, source);
        if (!d.ReadBytes(Magic.Length).SequenceEqual(Magic) || d.ReadByte() != Version)
        {
            throw d.Corrupt("not a ClusterState Raft connection (bad magic or version)");
        }

        var hello = new Hello(d.ReadUInt64Fixed(), d.ReadUInt64Fixed(), d.ReadString());
        return d.AtEnd ? hello : throw d.Corrupt("bytes follow the hello");
    }

    /// <summary>Writes <c>[u32 length][body]</c> to <paramref name="pipe"/>.</summary>
    public static void WriteFrame(PipeWriter pipe, ReadOnlySpan<byte> body)
    {
        var span = pipe.GetSpan(FrameHeaderBytes + body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)body.Length);
        body.CopyTo(span[FrameHeaderBytes..]);
        pipe.Advance(FrameHeaderBytes + body.Length);
    }

    /// <summary>
    /// Takes one whole frame's body off the front of <paramref name="buffer"/>, if it holds one.
    /// </summary>
    /// <exception cref="CorruptDataException">The frame announces more than <paramref name="maxBytes"/>.</exception>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxBytes, string source, out ReadOnlySequence<byte> body)
    {
        body = default;
        if (buffer.Length < FrameHeaderBytes)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[FrameHeaderBytes];
        buffer.Slice(0, FrameHeaderBytes).CopyTo(header);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (length > (uint)maxBytes)
        {
            throw new CorruptDataException(source, 0, $"a frame of {length} bytes is over the limit of {maxBytes}");
        }

        if (buffer.Length < FrameHeaderBytes + length)
        {
            return false;
        }

        body = buffer.Slice(FrameHeaderBytes, length);
        buffer = buffer.Slice(body.End);
        return true;
    }
}
