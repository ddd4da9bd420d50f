using Microsoft.Extensions.Logging;

namespace ClusterState;

/// <summary>The store's log messages (source-generated).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Compacted history below revision {Revision}; removed {RemovedKeys} deleted keys")]
    public static partial void Compacted(ILogger logger, long revision, int removedKeys);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "A watch subscriber threw; its subscription ended with OnError")]
    public static partial void SubscriberFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Store created in memory; history retention {Retention} revisions (none: unlimited)")]
    public static partial void StoreCreated(ILogger logger, long? retention);
}
