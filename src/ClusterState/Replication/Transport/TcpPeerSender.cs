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
/// dial, hello, then write frames, flushing when the queue runs dry; on any failure, wait (doubling from
/// <see cref="TcpRaftTransportOptions.ReconnectDelay"/> up to the maximum) and dial again.
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
                var stream = await ConnectAsync(encoder).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    delay = _options.ReconnectDelay;
                    Log.TransportConnected(_logger, _peer, _addressText);
                    var pipe = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
                    await SendAsync(pipe, encoder).ConfigureAwait(false);
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

    private async Task<Stream> ConnectAsync(BinaryEncoder encoder)
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

            encoder.Clear();
            RaftWire.WriteHello(encoder, new RaftWire.Hello(_options.NodeId, _peer, _options.ClusterId));
            await stream.WriteAsync(encoder.WrittenMemory, timeout.Token).ConfigureAwait(false);
            var status = new byte[1];
            await stream.ReadExactlyAsync(status, timeout.Token).ConfigureAwait(false);
            if (status[0] != (byte)RaftWire.HelloStatus.Accepted)
            {
                throw new RefusedException($"node {_peer} at {_address} refused the connection: {(RaftWire.HelloStatus)status[0]}");
            }

            return stream;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task SendAsync(PipeWriter pipe, BinaryEncoder encoder)
    {
        while (await _queue.Reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
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
