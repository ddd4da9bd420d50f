using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using ClusterState.Persistence;
using ClusterState.Replication.Raft;
using ClusterState.Replication.Transport;
using Microsoft.Extensions.Logging;

namespace ClusterState.Tests.Raft;

/// <summary>
/// The TCP transport's wire against hostile and older peers: the idle timeout after the hello, the connection cap,
/// unknown message types, and the version both sides agree on (first-release peers included, both ways).
/// </summary>
public sealed class TcpWireTests
{
    private readonly List<IDisposable> _owned = [];

    [TearDown]
    public void TearDown()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        _owned.Clear();
    }

    private TcpRaftTransport Transport(ulong id, IReadOnlyDictionary<ulong, int> ports, TimeSpan? idle = null, int maxConnections = 64, ListLogger? logs = null)
    {
        var transport = new TcpRaftTransport(
            new TcpRaftTransportOptions
            {
                ClusterId = "test",
                NodeId = id,
                ListenEndpoint = new IPEndPoint(IPAddress.Loopback, ports[id]),
                Peers = ports.Where(p => p.Key != id).ToDictionary(p => p.Key, p => (EndPoint)new IPEndPoint(IPAddress.Loopback, p.Value)),
                ReconnectDelay = TimeSpan.FromMilliseconds(20),
                MaxReconnectDelay = TimeSpan.FromMilliseconds(200),
                IdleTimeout = idle ?? TimeSpan.FromSeconds(30),
                MaxIncomingConnections = maxConnections,
            },
            logs?.CreateLogger<TcpRaftTransport>());
        _owned.Add(transport);
        return transport;
    }

    private static byte[] Frame(ReadOnlySpan<byte> body)
    {
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)body.Length);
        body.CopyTo(frame.AsSpan(4));
        return frame;
    }

    private static byte[] Message(RaftMessage message)
    {
        using var e = new BinaryEncoder();
        RaftMessageCodec.Write(e, message);
        return Frame(e.WrittenSpan);
    }

    /// <summary>Connects as node 2 with a hello of the given format and returns the stream and the answer.</summary>
    private static async Task<(TcpClient Client, NetworkStream Stream, byte[] Answer)> Dial(int port, byte maxVersion)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        using var e = new BinaryEncoder();
        RaftWire.WriteHello(e, new RaftWire.Hello(2, 1, "test", 1, maxVersion));
        await stream.WriteAsync(e.WrittenMemory);
        var answer = new byte[maxVersion == 1 ? 1 : 2];
        await stream.ReadExactlyAsync(answer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        return (client, stream, answer);
    }

    private static async Task<int> ReadUntilClosed(NetworkStream stream)
    {
        var buffer = new byte[64];
        var total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10))) > 0)
        {
            total += read;
        }

        return total;
    }

    [Test]
    public void A_peer_over_tcp_refuses_a_transaction_limit_that_one_frame_could_not_carry()
    {
        // A transaction is one Raft entry: one larger than a frame would be committed by the leader alone and never
        // reach a follower, which would then stall behind it forever.
        var ports = new Dictionary<ulong, int> { [1] = TcpTransportTests.FreePort(), [2] = TcpTransportTests.FreePort() };
        var transport = Transport(1, ports);
        var options = new ClusterStoreOptions
        {
            MaxTransactionBytes = 64L << 20,
            Raft = new RaftOptions { NodeId = 1, Voters = [1, 2], Transport = transport },
        };

        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.That(error!.ParamName, Is.EqualTo(nameof(ClusterStoreOptions.MaxTransactionBytes)));
        Assert.That(error.Message, Does.Contain("MaxFrameBytes"));

        options.MaxTransactionBytes = 8L << 20;
        Assert.DoesNotThrow(options.Validate, "the defaults agree");
    }

    [Test]
    public async Task A_connection_that_goes_quiet_after_its_hello_is_closed_after_the_idle_timeout()
    {
        var ports = new Dictionary<ulong, int> { [1] = TcpTransportTests.FreePort(), [2] = TcpTransportTests.FreePort() };
        var target = Transport(1, ports, idle: TimeSpan.FromMilliseconds(300));
        target.Register(1, _ => { });

        var (client, stream, answer) = await Dial(ports[1], maxVersion: 1);
        using (client)
        {
            Assert.That(answer, Is.EqualTo(new[] { (byte)RaftWire.HelloStatus.Accepted }), "a first-release hello gets the one-byte answer");
            Assert.That(await ReadUntilClosed(stream), Is.Zero, "closed by the accepting side");
        }

        Assert.That(target.RefusedConnections, Is.EqualTo(1));

        // A frame trickled byte by byte never completes within the timeout either.
        (client, stream, _) = await Dial(ports[1], maxVersion: 2);
        using (client)
        {
            var frame = Message(new RaftMessage { Type = MessageType.Append, From = 2, To = 1, Term = 1, Entries = [new LogEntry(1, 1, new byte[64])] });
            var closed = false;
            foreach (var b in frame)
            {
                try
                {
                    await stream.WriteAsync(new[] { b });
                }
                catch (IOException)
                {
                    closed = true;
                    break;
                }

                await Task.Delay(20);
            }

            Assert.That(closed || await ReadUntilClosed(stream) == 0, Is.True);
        }
    }

    [Test]
    public async Task Keep_alives_hold_a_quiet_connection_open_between_two_peers_of_this_release()
    {
        var ports = new Dictionary<ulong, int> { [1] = TcpTransportTests.FreePort(), [2] = TcpTransportTests.FreePort() };
        var logs = new ListLogger();
        var target = Transport(1, ports, idle: TimeSpan.FromMilliseconds(300), logs: logs);
        var received = 0;
        target.Register(1, _ => Interlocked.Increment(ref received));
        var sender = Transport(2, ports, idle: TimeSpan.FromMilliseconds(300));

        sender.Send(new RaftMessage { Type = MessageType.Append, From = 2, To = 1, Term = 1 });
        await WaitUntil(() => Volatile.Read(ref received) == 1, "the first message");
        await Task.Delay(1500);
        sender.Send(new RaftMessage { Type = MessageType.Append, From = 2, To = 1, Term = 1 });
        await WaitUntil(() => Volatile.Read(ref received) == 2, "the second message");

        Assert.That(target.RefusedConnections, Is.Zero, "never closed as idle");
        Assert.That(logs.Messages.Count(m => m.Contains("connected from", StringComparison.Ordinal)), Is.EqualTo(1), "one connection throughout");
        Assert.That(logs.Messages.Single(m => m.Contains("connected from", StringComparison.Ordinal)), Does.Contain("wire version 2"));
    }

    [Test]
    public async Task A_message_of_an_unknown_type_is_skipped_and_the_connection_goes_on()
    {
        var ports = new Dictionary<ulong, int> { [1] = TcpTransportTests.FreePort(), [2] = TcpTransportTests.FreePort() };
        var target = Transport(1, ports);
        var received = new List<RaftMessage>();
        target.Register(1, m =>
        {
            lock (received)
            {
                received.Add(m);
            }
        });

        foreach (var version in new byte[] { 1, 2 })
        {
            var (client, stream, _) = await Dial(ports[1], version);
            using (client)
            {
                // A later release's message type: a type number this one does not know, then a body it cannot parse.
                using var e = new BinaryEncoder();
                e.WriteVarInt(1000);
                e.WriteBytes([1, 2, 3, 4, 5]);
                await stream.WriteAsync(Frame(e.WrittenSpan));
                await stream.WriteAsync(Message(new RaftMessage { Type = MessageType.Append, From = 2, To = 1, Term = version }));
                await WaitUntil(() => { lock (received) { return received.Count == version; } }, "the known message after it is delivered");
            }
        }

        Assert.That(target.SkippedMessages, Is.EqualTo(2));
        Assert.That(target.RefusedConnections, Is.Zero);
    }

    [Test]
    public async Task A_dialler_falls_back_to_the_first_release_hello_when_the_peer_closes_without_answering()
    {
        // A first-release peer: it closes on a hello it cannot parse, and answers a format 1 hello with one byte.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var ports = new Dictionary<ulong, int> { [1] = TcpTransportTests.FreePort(), [2] = ((IPEndPoint)listener.LocalEndpoint).Port };
        var sender = Transport(1, ports);
        var formats = new System.Collections.Concurrent.ConcurrentQueue<byte>();
        var served = Task.Run(async () =>
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync();
                var stream = client.GetStream();
                var header = new byte[4];
                await stream.ReadExactlyAsync(header);
                var hello = new byte[BinaryPrimitives.ReadUInt32LittleEndian(header)];
                await stream.ReadExactlyAsync(hello);
                formats.Enqueue(hello[4]);
                if (hello[4] != 1)
                {
                    continue;
                }

                await stream.WriteAsync(new byte[] { 0 });
                await stream.ReadExactlyAsync(header);
                var body = new byte[BinaryPrimitives.ReadUInt32LittleEndian(header)];
                await stream.ReadExactlyAsync(body);
                return RaftMessageCodec.Read(body, "test");
            }
        });

        sender.Send(new RaftMessage { Type = MessageType.Append, From = 1, To = 2, Term = 7 });
        while (!served.IsCompleted)
        {
            // Messages queued before the connection are dropped on a failed dial: keep sending, as Raft does.
            await Task.Delay(50);
            sender.Send(new RaftMessage { Type = MessageType.Append, From = 1, To = 2, Term = 7 });
            Assert.That(formats.Count, Is.LessThan(50), "the fallback happens within a few attempts");
        }

        Assert.That((await served).Term, Is.EqualTo(7));
        Assert.That(formats.Take(2), Is.EqualTo(new byte[] { 2, 1 }), "the current hello first, then the first release's");
    }

    [Test]
    public async Task Connections_past_the_limit_are_closed_at_once()
    {
        var ports = new Dictionary<ulong, int> { [1] = TcpTransportTests.FreePort(), [2] = TcpTransportTests.FreePort() };
        var target = Transport(1, ports, maxConnections: 2);
        var clients = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                var held = new TcpClient();
                clients.Add(held);
                await held.ConnectAsync(IPAddress.Loopback, ports[1]);
            }

            await WaitUntil(() => target.RefusedConnections == 0 && clients.All(c => c.Connected), "two connections held");
            using var extra = new TcpClient();
            await extra.ConnectAsync(IPAddress.Loopback, ports[1]);
            Assert.That(await ReadUntilClosed(extra.GetStream()), Is.Zero);
            await WaitUntil(() => target.RefusedConnections == 1, "the third is refused");
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Test]
    public void Hellos_of_both_formats_round_trip_and_the_version_chosen_is_the_highest_both_speak()
    {
        foreach (var hello in new[] { new RaftWire.Hello(2, 1, "c", 1, 1), new RaftWire.Hello(2, 1, "c", 1, 2), new RaftWire.Hello(5, 6, "other", 2, 9) })
        {
            using var e = new BinaryEncoder();
            RaftWire.WriteHello(e, hello);
            Assert.That(RaftWire.ReadHello(e.WrittenSpan[4..], "test"), Is.EqualTo(hello));
        }

        Assert.Multiple(() =>
        {
            Assert.That(RaftWire.Choose(new RaftWire.Hello(2, 1, "c", 1, 1)), Is.EqualTo((byte)1));
            Assert.That(RaftWire.Choose(new RaftWire.Hello(2, 1, "c", 1, 2)), Is.EqualTo((byte)2));
            Assert.That(RaftWire.Choose(new RaftWire.Hello(2, 1, "c", 1, 9)), Is.EqualTo(RaftWire.MaxVersion), "a later peer speaks down to this release");
            Assert.That(RaftWire.Choose(new RaftWire.Hello(2, 1, "c", 7, 9)), Is.Null, "no version in common");
        });
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), what);
            await Task.Delay(10);
        }
    }
}
