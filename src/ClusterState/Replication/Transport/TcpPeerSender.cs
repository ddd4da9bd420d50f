using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading.Channels;
using ClusterState.Persistence;
using ClusterState.Replication.Raft;
using Microsoft.Extensions.Logging;

namespace ClusterState.Replication.Transport;

/// <summary>
/// The outgoing connection to one peer: a bounded queue of messages and one loop that owns the connection —
/// dial, hello, then write frames, flushing when the queue runs dry, and a keep-alive when it stays dry for a third of
/// <see cref="TcpRaftTransportOptions.IdleTimeout"/> (wire version 2 on); on any failure, wait (doubling from
/// <see cref="TcpRaftTransportOptions.ReconnectDelay"/> up to the maximum) and dial again. A peer that closes the
/// connection without answering the hello is taken for a first-release peer: the next attempt says the first
/// release's hello, and the one after that tries the current one again (the peer may have been upgraded).
/// </summary>
internal sealed class TcpPeerSender
{
    private readonly TcpRaftTransportOptions _options;
    private readonly ulong _peer;
    private readonly EndPoint _address;
    private readonly string _addressText;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping;
    private readonly Channel<RaftMessage> _queue;
    private long _dropped;

    /// <summary>Set when the peer closed on the current hello without an answer: the next dial uses the first release's. Loop only.</summary>
    private bool _firstReleaseHello;

    public TcpPeerSender(TcpRaftTransportOptions options, ulong peer, EndPoint address, ILogger logger, CancellationToken stopping)
    {
        _options = options;
        _peer = peer;
        _address = address;
        _addressText = address.ToString() ?? "";
        _logger = logger;
        _stopping = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _queue = Channel.CreateBounded<RaftMessage>(
            new BoundedChannelOptions(options.SendQueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite },
            _ => Interlocked.Increment(ref _dropped));
        Completion = Task.Run(RunAsync, CancellationToken.None);
    }

    public Task Completion { get; }

    public long Dropped => Interlocked.Read(ref _dropped);

    public void Enqueue(RaftMessage message) => _queue.Writer.TryWrite(message);

    /// <summary>Stops this sender alone (the peer was removed or got a new address).</summary>
    public void Stop()
    {
        _queue.Writer.TryComplete();
        _stopping.Cancel();
    }

    private async Task RunAsync()
    {
        var delay = _options.ReconnectDelay;
        using var encoder = new BinaryEncoder(64 * 1024);
        while (!_stopping.Token.IsCancellationRequested)
        {
            try
            {
                var (stream, version) = await ConnectAsync(encoder).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    delay = _options.ReconnectDelay;
                    Log.TransportConnected(_logger, _peer, _addressText, version);
                    var pipe = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
                    await SendAsync(pipe, encoder, version >= RaftWire.KeepAliveVersion).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (_stopping.Token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is IOException or SocketException or AuthenticationException or RefusedException or OperationCanceledException or CorruptDataException)
            {
                Log.TransportDisconnected(_logger, _peer, _addressText, delay.TotalMilliseconds, ex.Message);
            }

            // Messages queued while the peer was unreachable are stale by the time it is back; Raft resends
            // what matters, so drop them rather than replay a backlog.
            while (_queue.Reader.TryRead(out _))
            {
            }

            try
            {
                await Task.Delay(delay, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
        }
    }

    private async Task<(Stream Stream, byte Version)> ConnectAsync(BinaryEncoder encoder)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(_options.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream stream;
        try
        {
            await socket.ConnectAsync(_address, timeout.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        try
        {
            if (_options.Tls is { } tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false, (_, certificate, chain, errors) => tls.Accept(certificate, chain, errors));
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = tls.TargetHost,
                        ClientCertificates = [tls.Certificate],
                        CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
                    },
                    timeout.Token).ConfigureAwait(false);
            }

            var maxVersion = _firstReleaseHello ? (byte)1 : _options.MaxWireVersion;
            _firstReleaseHello = false;
            var hello = new RaftWire.Hello(_options.NodeId, _peer, _options.ClusterId, RaftWire.MinVersion, maxVersion);
            encoder.Clear();
            RaftWire.WriteHello(encoder, hello);
            await stream.WriteAsync(encoder.WrittenMemory, timeout.Token).ConfigureAwait(false);
            var answer = new byte[hello.Format == 1 ? 1 : 2];
            var read = await stream.ReadAtLeastAsync(answer, answer.Length, throwOnEndOfStream: false, timeout.Token).ConfigureAwait(false);
            if (read == 0 && hello.Format > 1)
            {
                _firstReleaseHello = true;
                Log.TransportFallBack(_logger, _peer, _addressText);
                throw new IOException($"node {_peer} at {_address} closed the connection without answering the hello");
            }

            if (read < answer.Length)
            {
                throw new IOException($"node {_peer} at {_address} closed the connection in its answer to the hello");
            }

            if (answer[0] != (byte)RaftWire.HelloStatus.Accepted)
            {
                throw new RefusedException($"node {_peer} at {_address} refused the connection: {(RaftWire.HelloStatus)answer[0]}");
            }

            var version = hello.Format == 1 ? (byte)1 : answer[1];
            if (version < hello.MinVersion || version > hello.MaxVersion)
            {
                throw new RefusedException($"node {_peer} at {_address} chose wire version {version}, outside {hello.MinVersion} to {hello.MaxVersion}");
            }

            return (stream, version);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task SendAsync(PipeWriter pipe, BinaryEncoder encoder, bool keepAlive)
    {
        var quiet = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        try
        {
            while (true)
            {
                if (keepAlive)
                {
                    quiet.CancelAfter(_options.IdleTimeout / 3);
                }

                try
                {
                    if (!await _queue.Reader.WaitToReadAsync(quiet.Token).ConfigureAwait(false))
                    {
                        return;
                    }
                }
                catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
                {
                    // Nothing to send for a while: tell the peer this connection is alive.
                    quiet.Dispose();
                    quiet = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                    RaftWire.WriteKeepAlive(pipe);
                    await FlushAsync(pipe).ConfigureAwait(false);
                    continue;
                }

                await DrainAsync(pipe, encoder).ConfigureAwait(false);
            }
        }
        finally
        {
            quiet.Dispose();
        }
    }

    /// <summary>Writes every queued message, flushing as the buffer fills and once at the end.</summary>
    private async Task DrainAsync(PipeWriter pipe, BinaryEncoder encoder)
    {
        while (_queue.Reader.TryRead(out var message))
        {
            encoder.Clear();
            RaftMessageCodec.Write(encoder, message);
            if (encoder.Length > _options.MaxFrameBytes)
            {
                // The other end would drop the connection over it; Raft sends smaller batches on retry.
                Log.TransportFrameTooLarge(_logger, _peer, encoder.Length, _options.MaxFrameBytes);
                continue;
            }

            RaftWire.WriteFrame(pipe, encoder.WrittenSpan);
            if (pipe.UnflushedBytes >= 256 * 1024)
            {
                await FlushAsync(pipe).ConfigureAwait(false);
            }
        }

        await FlushAsync(pipe).ConfigureAwait(false);
    }

    private async Task FlushAsync(PipeWriter pipe)
    {
        var result = await pipe.FlushAsync(_stopping.Token).ConfigureAwait(false);
        if (result.IsCompleted)
        {
            throw new IOException($"The connection to node {_peer} closed.");
        }
    }

    private sealed class RefusedException(string message) : Exception(message);
}
