using System.Net;

namespace ClusterState;

/// <summary>Settings of a <see cref="TcpRaftTransport"/>: who this peer is, where it listens, and where the others are.</summary>
public sealed class TcpRaftTransportOptions
{
    /// <summary>The group's name: peers refuse connections that name another cluster.</summary>
    public required string ClusterId { get; init; }

    /// <summary>This peer's id: the same as its <see cref="RaftOptions.NodeId"/>.</summary>
    public required ulong NodeId { get; init; }

    /// <summary>Where this peer accepts connections from the others (port 0: any free port, see <see cref="TcpRaftTransport.LocalEndpoint"/>).</summary>
    public required IPEndPoint ListenEndpoint { get; init; }

    /// <summary>The other peers' ids and addresses (an <see cref="IPEndPoint"/> or a <see cref="DnsEndPoint"/>). Connections from ids not listed here are refused.</summary>
    public required IReadOnlyDictionary<ulong, EndPoint> Peers { get; init; }

    /// <summary>The largest frame accepted, in bytes: a peer that sends a larger one is disconnected. Must hold a snapshot chunk and a batch of entries. Default: 16 MiB.</summary>
    public int MaxFrameBytes { get; init; } = 16 << 20;

    /// <summary>Messages queued per peer while it is slow or unreachable; further ones are dropped (Raft retries). Default: 4,096.</summary>
    public int SendQueueCapacity { get; init; } = 4096;

    /// <summary>The first wait before reconnecting to a peer; it doubles after each failure. Default: 50 ms.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The longest wait between reconnection attempts. Default: 2 s.</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a connection and its handshake may take. Default: 5 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long an accepted connection may go without a whole frame after its hello before it is closed (a peer that
    /// connects and sends nothing, or trickles a frame, holds no connection longer). Diallers of this release send a
    /// keep-alive after a third of it without messages. Default: 30 s.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most incoming connections served at once (including those still in their handshake); more are closed at
    /// once. Each holds at most one partial frame of up to <see cref="MaxFrameBytes"/> in memory. Default: 64.
    /// </summary>
    public int MaxIncomingConnections { get; init; } = 64;

    /// <summary>The wire versions this transport offers (tests simulate peers of the first release with 1).</summary>
    internal byte MaxWireVersion { get; init; } = Replication.Transport.RaftWire.MaxVersion;

    /// <summary>Encrypts every connection with TLS and authenticates both ends by certificate; null (the default): plain TCP.</summary>
    public RaftTlsOptions? Tls { get; init; }

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ClusterId, nameof(ClusterId));
        if (ClusterId.Length > 256)
        {
            throw new ArgumentException("ClusterId must be at most 256 characters.", nameof(ClusterId));
        }

        ArgumentOutOfRangeException.ThrowIfZero(NodeId, nameof(NodeId));
        ArgumentNullException.ThrowIfNull(ListenEndpoint, nameof(ListenEndpoint));
        ArgumentNullException.ThrowIfNull(Peers, nameof(Peers));
        if (Peers.ContainsKey(NodeId) || Peers.ContainsKey(0))
        {
            throw new ArgumentException($"Peers must not list this peer ({NodeId}) or id 0.", nameof(Peers));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFrameBytes, 4096, nameof(MaxFrameBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(SendQueueCapacity, 1, nameof(SendQueueCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReconnectDelay, TimeSpan.Zero, nameof(ReconnectDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReconnectDelay, ReconnectDelay, nameof(MaxReconnectDelay));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(IdleTimeout, TimeSpan.FromMilliseconds(30), nameof(IdleTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxIncomingConnections, 1, nameof(MaxIncomingConnections));
        Tls?.Validate();
    }
}
