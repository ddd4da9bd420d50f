using Microsoft.Extensions.Logging;

namespace ClusterState;

/// <summary>The store's log messages (source-generated).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Compacted history below revision {Revision}; removed {RemovedKeys} deleted keys")]
    public static partial void Compacted(ILogger logger, long revision, int removedKeys);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "A watch subscriber threw; its subscription ended with OnError")]
    public static partial void SubscriberFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Store ready; history retention {Retention} revisions (none: unlimited)")]
    public static partial void StoreCreated(ILogger logger, long? retention);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Cut off a torn last record of the write-ahead log: {Segment} from offset {Offset} (a write that was never acknowledged)")]
    public static partial void TornRecordCut(ILogger logger, string segment, long offset);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Opened {Directory} at revision {Revision} with {Keys} keys in {Milliseconds} ms")]
    public static partial void Recovered(ILogger logger, string directory, long revision, int keys, double milliseconds);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Snapshot taken at revision {Revision} with {Objects} objects")]
    public static partial void SnapshotTaken(ILogger logger, long revision, int objects);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "A background snapshot failed; the log is kept until the next one succeeds")]
    public static partial void SnapshotFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Snapshot {Snapshot} is damaged and was set aside as {SetAside}; opening from an older snapshot and the log after it instead")]
    public static partial void SnapshotDamaged(ILogger logger, string snapshot, string setAside, Exception exception);

    [LoggerMessage(EventId = 43, Level = LogLevel.Information, Message = "Raft peer {Peer}: no leader heard from; starting an election in term {Term}")]
    public static partial void Campaigning(ILogger logger, ulong peer, long term);

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Raft peer {Peer}: leader is now {Leader} in term {Term} (0: none known)")]
    public static partial void LeaderChanged(ILogger logger, ulong peer, ulong leader, long term);

    [LoggerMessage(EventId = 41, Level = LogLevel.Information, Message = "Raft peer {Peer}: membership is now {Membership}")]
    public static partial void MembershipChanged(ILogger logger, ulong peer, Replication.Raft.Membership membership);

    [LoggerMessage(EventId = 42, Level = LogLevel.Information, Message = "Raft peer {Peer}: installed the leader's snapshot at log index {Index} (revision {Revision})")]
    public static partial void SnapshotInstalled(ILogger logger, ulong peer, long index, long revision);

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Connected to Raft peer {Peer} at {Address} (wire version {Version})")]
    public static partial void TransportConnected(ILogger logger, ulong peer, string address, byte version);

    [LoggerMessage(EventId = 21, Level = LogLevel.Debug, Message = "No connection to Raft peer {Peer} at {Address}; retrying in {DelayMs} ms: {Reason}")]
    public static partial void TransportDisconnected(ILogger logger, ulong peer, string address, double delayMs, string reason);

    [LoggerMessage(EventId = 22, Level = LogLevel.Information, Message = "Raft peer {Peer} connected from {Remote} (wire version {Version})")]
    public static partial void TransportPeerConnected(ILogger logger, ulong peer, string remote, byte version);

    [LoggerMessage(EventId = 23, Level = LogLevel.Warning, Message = "Refused a Raft connection from {Remote} (node {Peer}, cluster '{ClusterId}'): {Reason}")]
    public static partial void TransportRefused(ILogger logger, string remote, ulong peer, string clusterId, string reason);

    [LoggerMessage(EventId = 24, Level = LogLevel.Warning, Message = "Closed a Raft connection from {Remote} that sent a bad frame")]
    public static partial void TransportBadFrame(ILogger logger, string remote, Exception exception);

    [LoggerMessage(EventId = 25, Level = LogLevel.Warning, Message = "TLS authentication of a Raft connection from {Remote} failed")]
    public static partial void TransportTlsFailed(ILogger logger, string remote, Exception exception);

    [LoggerMessage(EventId = 26, Level = LogLevel.Warning, Message = "Accepting a Raft connection failed")]
    public static partial void TransportAcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 27, Level = LogLevel.Warning, Message = "Dropped a {Bytes}-byte message to Raft peer {Peer}: over the {Max}-byte frame limit")]
    public static partial void TransportFrameTooLarge(ILogger logger, ulong peer, int bytes, int max);

    [LoggerMessage(EventId = 28, Level = LogLevel.Warning, Message = "Closed a Raft connection from {Remote}: {Reason}")]
    public static partial void TransportIdle(ILogger logger, string remote, string reason);

    [LoggerMessage(EventId = 29, Level = LogLevel.Warning, Message = "Closed a Raft connection from {Remote} at once: {Max} connections are being served")]
    public static partial void TransportTooManyConnections(ILogger logger, string remote, int max);

    [LoggerMessage(EventId = 30, Level = LogLevel.Debug, Message = "Skipped a message of a type this release does not know from Raft peer {Peer} ({Remote})")]
    public static partial void TransportUnknownMessage(ILogger logger, ulong peer, string remote);

    [LoggerMessage(EventId = 31, Level = LogLevel.Information, Message = "Raft peer {Peer} at {Address} closed the connection without answering the hello; the next attempt uses the first release's hello")]
    public static partial void TransportFallBack(ILogger logger, ulong peer, string address);
}
