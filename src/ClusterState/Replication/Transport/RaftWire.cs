using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using ClusterState.Persistence;

namespace ClusterState.Replication.Transport;

/// <summary>
/// The TCP transport's framing: every frame is <c>[u32 body length][body]</c>. A connection opens with the dialling
/// peer's hello, answered by the accepting peer; then the dialler streams frames one way.
/// </summary>
/// <remarks>
/// <para>Hello, format 2: <c>"CSRT"</c>, <c>[u8 2]</c>, the lowest and highest wire versions the dialler speaks (a byte
/// each), its id, the id it wants, the cluster id; bytes after those are ignored (a later hello format only appends).
/// The answer is two bytes: the status and the version chosen (the highest both speak).</para>
/// <para>Hello, format 1 (the first release): <c>"CSRT"</c>, <c>[u8 1]</c>, the ids and the cluster id; the answer is the
/// status byte alone, and the connection speaks version 1. A dialler whose format 2 hello is met by a close without an
/// answer (a peer of the first release) says format 1 on its next attempt, so peers of both releases talk during a
/// rolling upgrade.</para>
/// <para>Version 1 frames each carry one message. Version 2 adds keep-alives (empty frames) that a quiet dialler sends
/// so the accepting side's idle timeout does not close the connection. In both, a message of a type this release does
/// not know is skipped and the connection goes on.</para>
/// </remarks>
internal static class RaftWire
{
    /// <summary>The lowest wire version this release speaks.</summary>
    public const byte MinVersion = 1;

    /// <summary>The highest wire version this release speaks.</summary>
    public const byte MaxVersion = 2;

    /// <summary>The first wire version with keep-alive frames.</summary>
    public const byte KeepAliveVersion = 2;

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
        NoCommonVersion = 5,
    }

    /// <summary>A hello: the dialler, the peer it wants, its cluster, and the wire versions it speaks (format 1: just 1).</summary>
    public readonly record struct Hello(ulong From, ulong To, string ClusterId, byte MinVersion = RaftWire.MinVersion, byte MaxVersion = RaftWire.MaxVersion)
    {
        /// <summary>The hello's own format: 1 for a first-release hello, 2 otherwise.</summary>
        public byte Format => MaxVersion == 1 ? (byte)1 : (byte)2;
    }

    /// <summary>Encodes a hello frame, in format 1 when <paramref name="hello"/> speaks version 1 only.</summary>
    public static void WriteHello(BinaryEncoder e, Hello hello)
    {
        var start = e.Length;
        e.Reserve(FrameHeaderBytes);
        e.WriteBytes(Magic);
        e.WriteByte(hello.Format);
        if (hello.Format >= 2)
        {
            e.WriteByte(hello.MinVersion);
            e.WriteByte(hello.MaxVersion);
        }

        e.WriteUInt64Fixed(hello.From);
        e.WriteUInt64Fixed(hello.To);
        e.WriteString(hello.ClusterId);
        e.PatchUInt32(start, (uint)(e.Length - start - FrameHeaderBytes));
    }

    public static Hello ReadHello(ReadOnlySpan<byte> body, string source)
    {
        var d = new BinaryDecoder(body, source);
        if (!d.ReadBytes(Magic.Length).SequenceEqual(Magic))
        {
            throw d.Corrupt("not a ClusterState Raft connection (bad magic)");
        }

        var format = d.ReadByte();
        if (format == 0)
        {
            throw d.Corrupt("hello format 0 does not exist");
        }

        var (min, max) = format == 1 ? ((byte)1, (byte)1) : (d.ReadByte(), d.ReadByte());
        if (min == 0 || min > max)
        {
            throw d.Corrupt($"the wire versions {min} to {max} are not a range");
        }

        var hello = new Hello(d.ReadUInt64Fixed(), d.ReadUInt64Fixed(), d.ReadString(), min, max);
        return d.AtEnd || format > 2 ? hello : throw d.Corrupt("bytes follow the hello");
    }

    /// <summary>The version both sides speak (the highest), or null when their ranges do not meet.</summary>
    public static byte? Choose(Hello hello, byte maxVersion = MaxVersion)
    {
        var version = Math.Min(hello.MaxVersion, maxVersion);
        return version >= Math.Max(hello.MinVersion, MinVersion) ? (byte)version : null;
    }

    /// <summary>Writes <c>[u32 length][body]</c> to <paramref name="pipe"/>.</summary>
    public static void WriteFrame(PipeWriter pipe, ReadOnlySpan<byte> body)
    {
        var span = pipe.GetSpan(FrameHeaderBytes + body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)body.Length);
        body.CopyTo(span[FrameHeaderBytes..]);
        pipe.Advance(FrameHeaderBytes + body.Length);
    }

    /// <summary>Writes a keep-alive (an empty frame, version 2 and later) to <paramref name="pipe"/>.</summary>
    public static void WriteKeepAlive(PipeWriter pipe) => WriteFrame(pipe, []);

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
