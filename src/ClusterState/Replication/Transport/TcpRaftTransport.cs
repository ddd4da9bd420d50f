using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using ClusterState.Persistence;
using ClusterState.Replication.Raft;
using ClusterState.Replication.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterState;

/// <summary>
/// Raft peers in separate processes over TCP: one per process, set as the peer's <see cref="RaftOptions.Transport"/>.
/// It listens at <see cref="TcpRaftTransportOptions.ListenEndpoint"/> and keeps one outgoing connection per other
/// peer (reconnecting with exponential backoff), over System.IO.Pipelines with length-prefixed frames. Peers agree on
/// a wire version in the hello, so peers of different releases talk during a rolling upgrade. Connections from another
/// cluster or an unknown peer are refused; frames over <see cref="TcpRaftTransportOptions.MaxFrameBytes"/>, more than
/// <see cref="TcpRaftTransportOptions.MaxIncomingConnections"/> connections, and connections quiet for
/// <see cref="TcpRaftTransportOptions.IdleTimeout"/> are closed; a message of a type this release does not know is
/// skipped without closing its connection. With
/// <see cref="TcpRaftTransportOptions.Tls"/>, every connection is TLS with certificates checked on both ends.
/// </summary>
public sealed class TcpRaftTransport : RaftTransport, IAsyncDisposable, IDisposable
{
    private readonly TcpRaftTransportOptions _options;
    private readonly ILogger _logger;

    /// <summary>The largest frame this transport sends or accepts.</summary>
    internal int MaxFrameBytes => _options.MaxFrameBytes;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    /// <summary>The peers this transport talks to, by id: their senders (addresses included).</summary>
    private readonly ConcurrentDictionary<ulong, TcpPeerSender> _senders;
    private readonly Task _acceptLoop;
    private readonly Lock _connectionsLock = new();
    private readonly HashSet<Task> _connections = [];
    private Action<RaftMessage>? _deliver;

    /// <summary>Starts listening at once (so <see cref="LocalEndpoint"/> is known); messages are delivered once a peer registers.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="SocketException">The listen address is in use or unavailable.</exception>
    public TcpRaftTransport(TcpRaftTransportOptions options, ILogger<TcpRaftTransport>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _listener = new TcpListener(options.ListenEndpoint);
        _listener.Start();
        LocalEndpoint = (IPEndPoint)_listener.LocalEndpoint;
        _senders = new(options.Peers.Select(p => KeyValuePair.Create(p.Key, new TcpPeerSender(options, p.Key, p.Value, _logger, _stopping.Token))));
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The address this peer listens at.</summary>
    public IPEndPoint LocalEndpoint { get; }

    /// <summary>Messages dropped because a peer's send queue was full.</summary>
    public long DroppedMessages => _senders.Values.Sum(s => s.Dropped);

    /// <summary>One transport serves one node: everything it dropped came from that node.</summary>
    internal override long DroppedFrom(ulong nodeId) => DroppedMessages;

    /// <summary>Connections refused or closed for misbehaving (wrong cluster, unknown peer, bad hello or certificate, oversized frame, too many connections, idle).</summary>
    public long RefusedConnections => Interlocked.Read(ref _refused);

    /// <summary>Messages skipped because their type is unknown to this release (sent by a peer of a later one).</summary>
    public long SkippedMessages => Interlocked.Read(ref _skipped);

    private long _refused;
    private long _skipped;

    /// <summary>
    /// Adds a peer (or changes its address), such as one about to be added to the group's membership; connections
    /// from it are accepted from now on.
    /// </summary>
    public void SetPeer(ulong nodeId, EndPoint address)
    {
        ArgumentOutOfRangeException.ThrowIfZero(nodeId);
        ArgumentNullException.ThrowIfNull(address);
        if (nodeId == _options.NodeId)
        {
            throw new ArgumentException($"Node {nodeId} is this transport's own node.", nameof(nodeId));
        }

        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        var sender = new TcpPeerSender(_options, nodeId, address, _logger, _stopping.Token);
        if (_senders.TryGetValue(nodeId, out var previous))
        {
            _senders[nodeId] = sender;
            previous.Stop();
        }
        else if (!_senders.TryAdd(nodeId, sender))
        {
            sender.Stop();
        }
    }

    /// <summary>Forgets a peer (one removed from the group): no more messages to it, and its connections are refused.</summary>
    public void RemovePeer(ulong nodeId)
    {
        if (_senders.TryRemove(nodeId, out var sender))
        {
            sender.Stop();
        }
    }

    internal override void Register(ulong nodeId, Action<RaftMessage> deliver)
    {
        if (nodeId != _options.NodeId)
        {
            throw new InvalidOperationException($"This transport carries node {_options.NodeId}'s messages, not node {nodeId}'s.");
        }

        if (Interlocked.CompareExchange(ref _deliver, deliver, null) is not null)
        {
            throw new InvalidOperationException($"Node {nodeId} is already registered on this transport.");
        }
    }

    internal override void Unregister(ulong nodeId) => Volatile.Write(ref _deliver, null);

    internal override void Send(RaftMessage message)
    {
        if (_senders.TryGetValue(message.To, out var sender))
        {
            sender.Enqueue(message);
        }
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        Task[] running;
        lock (_connectionsLock)
        {
            running = [.. _connections];
        }

        await Task.WhenAll([_acceptLoop, .. running, .. _senders.Values.Select(s => s.Completion)]).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException || _stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                Log.TransportAcceptFailed(_logger, ex);
                continue;
            }

            Task connection;
            lock (_connectionsLock)
            {
                if (_connections.Count >= _options.MaxIncomingConnections)
                {
                    connection = Task.CompletedTask;
                }
                else
                {
                    connection = Task.Run(() => ServeAsync(socket));
                    _connections.Add(connection);
                }
            }

            if (connection.IsCompleted)
            {
                Interlocked.Increment(ref _refused);
                Log.TransportTooManyConnections(_logger, socket.RemoteEndPoint?.ToString() ?? "unknown", _options.MaxIncomingConnections);
                socket.Dispose();
                continue;
            }

            _ = connection.ContinueWith(
                t =>
                {
                    lock (_connectionsLock)
                    {
                        _connections.Remove(t);
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    /// <summary>Serves one incoming connection: the hello, then message frames until it closes.</summary>
    private async Task ServeAsync(Socket socket)
    {
        var remote = socket.RemoteEndPoint?.ToString() ?? "unknown";
        socket.NoDelay = true;
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            handshake.CancelAfter(_options.ConnectTimeout);
            if (_options.Tls is { } tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false, (_, certificate, chain, errors) => tls.Accept(certificate, chain, errors));
                stream = ssl;
                await ssl.AuthenticateAsServerAsync(
                    new SslServerAuthenticationOptions { ServerCertificate = tls.Certificate, ClientCertificateRequired = true, CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck },
                    handshake.Token).ConfigureAwait(false);
            }

            var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
            var hello = await ReadHelloAsync(reader, remote, handshake.Token).ConfigureAwait(false);
            var version = RaftWire.Choose(hello, _options.MaxWireVersion);
            var status = version is null ? RaftWire.HelloStatus.NoCommonVersion : Check(hello);

            // A first-release dialler reads the status byte alone.
            byte[] answer = hello.Format == 1 ? [(byte)status] : [(byte)status, version ?? 0];
            await stream.WriteAsync(answer, handshake.Token).ConfigureAwait(false);
            if (status != RaftWire.HelloStatus.Accepted)
            {
                Interlocked.Increment(ref _refused);
                Log.TransportRefused(_logger, remote, hello.From, hello.ClusterId, status.ToString());
                return;
            }

            Log.TransportPeerConnected(_logger, hello.From, remote, version!.Value);
            await ReceiveAsync(reader, hello.From, remote).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            Interlocked.Increment(ref _refused);
            Log.TransportIdle(_logger, remote, ex.Message);
        }
        catch (CorruptDataException ex)
        {
            Interlocked.Increment(ref _refused);
            Log.TransportBadFrame(_logger, remote, ex);
        }
        catch (AuthenticationException ex)
        {
            Interlocked.Increment(ref _refused);
            Log.TransportTlsFailed(_logger, remote, ex);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer went away or this transport is stopping: the dialler reconnects.
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private RaftWire.HelloStatus Check(RaftWire.Hello hello) =>
        hello.ClusterId != _options.ClusterId ? RaftWire.HelloStatus.WrongCluster
        : !_senders.ContainsKey(hello.From) ? RaftWire.HelloStatus.UnknownPeer
        : hello.To != _options.NodeId ? RaftWire.HelloStatus.WrongNode
        : RaftWire.HelloStatus.Accepted;

    private static async Task<RaftWire.Hello> ReadHelloAsync(PipeReader reader, string remote, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (RaftWire.TryReadFrame(ref buffer, RaftWire.MaxHelloBytes, remote, out var body))
            {
                var hello = RaftWire.ReadHello(body.ToArray(), remote);
                reader.AdvanceTo(buffer.Start);
                return hello;
            }

            if (result.IsCompleted)
            {
                throw new IOException("The connection closed before its hello.");
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>
    /// Reads frames until the connection closes. A connection that goes <see cref="TcpRaftTransportOptions.IdleTimeout"/>
    /// without a whole frame (a message or a keep-alive) is closed with a <see cref="TimeoutException"/>.
    /// </summary>
    private async Task ReceiveAsync(PipeReader reader, ulong from, string remote)
    {
        var source = $"raft connection from node {from} ({remote})";
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        idle.CancelAfter(_options.IdleTimeout);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await reader.ReadAsync(idle.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
            {
                throw new TimeoutException($"no whole frame from node {from} in {_options.IdleTimeout.TotalMilliseconds} ms");
            }

            var buffer = result.Buffer;
            var framed = false;
            while (RaftWire.TryReadFrame(ref buffer, _options.MaxFrameBytes, source, out var body))
            {
                framed = true;
                if (body.IsEmpty)
                {
                    // A keep-alive.
                    continue;
                }

                var bytes = body.IsSingleSegment ? body.First : body.ToArray();
                if (!RaftMessageCodec.IsKnownType(bytes.Span, source))
                {
                    Interlocked.Increment(ref _skipped);
                    Log.TransportUnknownMessage(_logger, from, remote);
                    continue;
                }

                var message = RaftMessageCodec.Read(bytes.Span, source);
                if (message.From != from || message.To != _options.NodeId)
                {
                    throw new CorruptDataException(source, 0, $"a message from {message.From} to {message.To} on node {from}'s connection to node {_options.NodeId}");
                }

                Volatile.Read(ref _deliver)?.Invoke(message);
            }

            if (result.IsCompleted)
            {
                return;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (framed)
            {
                idle.CancelAfter(_options.IdleTimeout);
            }
        }
    }
}
