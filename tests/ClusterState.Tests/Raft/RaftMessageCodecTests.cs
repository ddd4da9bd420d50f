using ClusterState.Persistence;
using ClusterState.Replication.Raft;
using ClusterState.Replication.Transport;

namespace ClusterState.Tests.Raft;

/// <summary>The Raft wire decoder under hostile frames: bounded allocation, typed errors.</summary>
public sealed class RaftMessageCodecTests
{
    [Test]
    public void A_hostile_entry_count_allocates_no_more_than_the_frame_could_fill()
    {
        // A 16 MiB frame (the transport's default limit) that announces one entry per byte: an array sized by that
        // count would take 32 bytes per entry, 512 MiB, before the decoder found out the entries are not there.
        const int FrameBytes = 16 * 1024 * 1024;
        using var encoder = new BinaryEncoder(FrameBytes + 64);
        RaftMessageCodec.Write(encoder, new RaftMessage { Type = MessageType.Append, From = 1, To = 2, Term = 1 });
        var header = encoder.WrittenSpan.ToArray();
        var frame = new byte[FrameBytes];
        header.AsSpan(0, header.Length - 1).CopyTo(frame);
        var countAt = header.Length - 1;
        var count = (ulong)(FrameBytes - countAt - 4);
        var varint = new List<byte>();
        for (; count >= 0x80; count >>= 7)
        {
            varint.Add((byte)(count | 0x80));
        }

        varint.Add((byte)count);
        varint.CopyTo(frame, countAt);

        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<CorruptDataException>(() => RaftMessageCodec.Read(frame, "hostile peer"));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.LessThan(FrameBytes * 9L), "at most a small multiple of the frame itself");
    }
}
