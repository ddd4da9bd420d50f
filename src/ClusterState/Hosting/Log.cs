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
}
