using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ClusterState.Persistence;
using ClusterState.Replication.Raft;
using ClusterState.Replication.Transport;

namespace ClusterState.Tests.Raft;

/// <summary>Peers over the TCP transport on loopback, in this process.</summary>
public sealed class TcpTransportTests
{
    private static readonly ulong[] Voters = [1, 2, 3];
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

    internal static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    private TcpRaftTransport Transport(ulong id, IReadOnlyDictionary<ulong, int> ports, string cluster = "test", RaftTlsOptions? tls = null, int maxFrameBytes = 16 << 20) =>
        Own(new TcpRaftTransport(new TcpRaftTransportOptions
        {
            ClusterId = cluster,
            NodeId = id,
            ListenEndpoint = new IPEndPoint(IPAddress.Loopback, ports[id]),
            Peers = ports.Where(p => p.Key != id).ToDictionary(p => p.Key, p => (EndPoint)new IPEndPoint(IPAddress.Loopback, p.Value)),
            ReconnectDelay = TimeSpan.FromMilliseconds(20),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(200),
            Tls = tls,
            MaxFrameBytes = maxFrameBytes,
        }));

    private ClusterStore[] StartGroup(Func<ulong, Dictionary<ulong, int>, TcpRaftTransport> transport)
    {
        var ports = Voters.ToDictionary(id => id, _ => FreePort());
        var transports = Voters.Select(id => transport(id, ports)).ToArray();
        return [.. Voters.Select((id, i) => Own(new ClusterStore(new ClusterStoreOptions
        {
            Raft = new RaftOptions { NodeId = id, Voters = Voters, Transport = transports[i], TickInterval = TimeSpan.FromMilliseconds(20), CommitTimeout = TimeSpan.FromSeconds(5) },
        })))];
    }

    private static async Task<ClusterStore> Leader(ClusterStore[] peers)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var leader = peers.FirstOrDefault(p => p.RaftPeer!.IsLeader && peers.All(o => o.RaftPeer!.Leader == p.RaftPeer.Id));
            if (leader is not null)
            {
                return leader;
            }

            await Task.Delay(10);
        }

        Assert.Fail("no leader was elected over TCP");
        return null!;
    }

    private static async Task ReplicatesAWriteFromAFollower(ClusterStore[] peers)
    {
        var leader = await Leader(peers);
        var follower = peers.First(p => p != leader);
        var created = await follower.Services.CreateAsync(Objects.Service());
        foreach (var peer in peers)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (peer.Revision < created.Metadata.ResourceVersion)
            {
                Assert.That(DateTime.UtcNow, Is.LessThan(deadline));
                await Task.Delay(5);
            }

            Assert.That(peer.Services.Get("default", "web"), Is.EqualTo(created));
        }
    }

    [Test]
    public async Task Three_peers_elect_a_leader_and_replicate_over_TCP()
    {
        var peers = StartGroup((id, ports) => Transport(id, ports));
        await ReplicatesAWriteFromAFollower(peers);
    }

    [Test]
    public async Task Three_peers_replicate_over_mutually_authenticated_TLS_and_an_unknown_certificate_is_refused()
    {
        // Owned first, disposed last: after every transport that may still be mid-handshake with them.
        var trusted = Own(SelfSigned("peers"));
        var stranger = Own(SelfSigned("stranger"));
        bool Pinned(X509Certificate2 certificate, X509Chain? chain, System.Net.Security.SslPolicyErrors errors) => certificate.Thumbprint == trusted.Thumbprint;
        var tls = new RaftTlsOptions { Certificate = trusted, ValidatePeerCertificate = Pinned, TargetHost = "peers" };
        var ports = Voters.ToDictionary(id => id, _ => FreePort());
        ports[4] = FreePort();
        var transports = Voters.Select(id => Transport(id, ports, tls: tls)).ToArray();
        var peers = Voters.Select((id, i) => Own(new ClusterStore(new ClusterStoreOptions
        {
            Raft = new RaftOptions { NodeId = id, Voters = Voters, Transport = transports[i], TickInterval = TimeSpan.FromMilliseconds(20) },
        }))).ToArray();
        await ReplicatesAWriteFromAFollower(peers);

        // Node 4 is listed as a peer but holds a certificate nobody pins: its connections fail TLS authentication.
        var intruder = Transport(4, ports, tls: new RaftTlsOptions { Certificate = stranger, ValidatePeerCertificate = (_, _, _) => true, TargetHost = "peers" });
        intruder.Send(new RaftMessage { Type = MessageType.Vote, From = 4, To = 1, Term = 1_000 });
        await WaitUntil(() => transports[0].RefusedConnections > 0, "the intruder's connection is refused");
        Assert.That(peers[0].RaftPeer!.Leader, Is.Not.EqualTo(4UL));
    }

    [Test]
    public async Task A_peer_made_known_at_run_time_joins_as_a_learner_and_is_promoted()
    {
        var ports = Voters.ToDictionary(id => id, _ => FreePort());
        var transports = Voters.Select(id => Transport(id, ports)).ToArray();
        var peers = Voters.Select((id, i) => Own(new ClusterStore(new ClusterStoreOptions
        {
            Raft = new RaftOptions { NodeId = id, Voters = Voters, Transport = transports[i], TickInterval = TimeSpan.FromMilliseconds(20) },
        }))).ToArray();
        var leader = await Leader(peers);
        await leader.Services.CreateAsync(Objects.Service());

        var allPorts = new Dictionary<ulong, int>(ports) { [4] = FreePort() };
        var joining = Own(new ClusterStore(new ClusterStoreOptions
        {
            Raft = new RaftOptions { NodeId = 4, Voters = [], Transport = Transport(4, allPorts), TickInterval = TimeSpan.FromMilliseconds(20) },
        }));
        foreach (var transport in transports)
        {
            transport.SetPeer(4, new IPEndPoint(IPAddress.Loopback, allPorts[4]));
        }

        await leader.AddLearnerAsync(4);
        await WaitUntil(() => joining.Revision == leader.Revision, "the learner catches up over TCP");

        // The leader promotes it once it has heard that the learner caught up.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await leader.AddVoterAsync(4);
                break;
            }
            catch (InvalidOperationException) when (attempt < 100)
            {
                await Task.Delay(20);
            }
        }

        Assert.That(joining.Membership!.Voters, Is.EquivalentTo(new ulong[] { 1, 2, 3, 4 }));
        Assert.That(joining.Services.Get("default", "web"), Is.Not.Null);
    }

    [Test]
    public async Task A_peer_of_another_cluster_or_an_unknown_peer_is_refused()
    {
        var ports = new Dictionary<ulong, int> { [1] = FreePort(), [2] = FreePort() };
        var target = Transport(1, ports);
        var received = 0;
        target.Register(1, _ => Interlocked.Increment(ref received));

        var otherCluster = Transport(2, ports, cluster: "other");
        otherCluster.Send(new RaftMessage { Type = MessageType.Append, From = 2, To = 1, Term = 1 });
        await WaitUntil(() => target.RefusedConnections >= 1, "a connection naming another cluster is refused");

        var unknownPorts = new Dictionary<ulong, int> { [1] = ports[1], [9] = FreePort() };
        var unknown = Transport(9, unknownPorts);
        unknown.Send(new RaftMessage { Type = MessageType.Append, From = 9, To = 1, Term = 1 });
        await WaitUntil(() => target.RefusedConnections >= 2, "a connection from a peer not in the list is refused");
        Assert.That(received, Is.Zero);
    }

    [Test]
    public async Task A_frame_over_the_limit_ends_the_connection_and_the_next_connection_works()
    {
        var ports = new Dictionary<ulong, int> { [1] = FreePort(), [2] = FreePort() };
        var target = Transport(1, ports, maxFrameBytes: 4096);
        var received = new List<RaftMessage>();
        target.Register(1, m =>
        {
            lock (received)
            {
                received.Add(m);
            }
        });

        using (var raw = new TcpClient())
        {
            await raw.ConnectAsync(IPAddress.Loopback, ports[1]);
            var stream = raw.GetStream();
            using var e = new BinaryEncoder();
            RaftWire.WriteHello(e, new RaftWire.Hello(2, 1, "test"));
            await stream.WriteAsync(e.WrittenMemory);
            var answer = new byte[2];
            await stream.ReadExactlyAsync(answer);
            Assert.That(answer, Is.EqualTo(new[] { (byte)RaftWire.HelloStatus.Accepted, RaftWire.MaxVersion }));
            var header = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(header, 1 << 20);
            await stream.WriteAsync(header);
            await WaitUntil(() => target.RefusedConnections == 1, "the oversized frame is refused");
            Assert.That(await stream.ReadAsync(new byte[1]), Is.Zero, "the connection is closed");
        }

        var sender = Transport(2, ports);
        sender.Send(new RaftMessage { Type = MessageType.Append, From = 2, To = 1, Term = 3, Entries = [new LogEntry(3, 1, [1, 2, 3])] });
        await WaitUntil(() => { lock (received) { return received.Count == 1; } }, "a well-formed message still gets through");
        Assert.That(received[0].Entries.Single().Data, Is.EqualTo(new byte[] { 1, 2, 3 }));
    }

    [Test]
    public void Messages_survive_the_codec_and_corrupt_bytes_are_rejected()
    {
        var random = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            var message = new RaftMessage
            {
                Type = (MessageType)random.Next(Enum.GetValues<MessageType>().Length),
                From = (ulong)random.NextInt64(1, long.MaxValue), To = (ulong)random.NextInt64(1, 10), Term = random.NextInt64(0, 1000),
                Index = random.NextInt64(0, 1 << 40), LogTerm = random.Next(100), Commit = random.Next(), RejectHint = random.Next(),
                ChunkOffset = random.Next(), Context = (ulong)random.NextInt64(), Reject = random.Next(2) == 0, Done = random.Next(2) == 0,
                LeaderTransfer = random.Next(2) == 0,
                Entries = [.. Enumerable.Range(0, random.Next(4)).Select(j => new LogEntry(random.Next(9), j + 1, RandomBytes(random, random.Next(50))))],
                Snapshot = random.Next(3) == 0 ? RandomBytes(random, random.Next(100)) : null,
            };
            using var e = new BinaryEncoder();
            RaftMessageCodec.Write(e, message);
            var decoded = RaftMessageCodec.Read(e.WrittenSpan, "test");
            Assert.That(decoded with { Entries = [], Snapshot = null }, Is.EqualTo(message with { Entries = [], Snapshot = null }));
            Assert.That(decoded.Entries.Select(x => (x.Term, x.Index, Convert.ToHexString(x.Data))), Is.EqualTo(message.Entries.Select(x => (x.Term, x.Index, Convert.ToHexString(x.Data)))));
            Assert.That(decoded.Snapshot, Is.EqualTo(message.Snapshot));

            var bytes = e.WrittenSpan.ToArray();
            var cut = bytes[..random.Next(bytes.Length)];
            Assert.That(() => RaftMessageCodec.Read(cut, "test"), Throws.InstanceOf<CorruptDataException>(), "a message cut short");
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static X509Certificate2 SelfSigned(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        // Round-trip through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
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
