using ClusterState.Model;
using Microsoft.Extensions.Logging;

namespace ClusterState.Controllers;

/// <summary>The controller toolkit's log messages (source-generated).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Informer for {Kind} listed {Count} objects at revision {Revision}")]
    public static partial void Listed(ILogger logger, ResourceKind kind, int count, long revision);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Informer for {Kind} fell behind compaction; listing again")]
    public static partial void Compacted(ILogger logger, ResourceKind kind, Exception exception);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Informer for {Kind} failed to list or watch; listing again after {Delay}")]
    public static partial void InformerFailed(ILogger logger, ResourceKind kind, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 103, Level = LogLevel.Error, Message = "A handler of the informer for {Kind} threw")]
    public static partial void HandlerFailed(ILogger logger, ResourceKind kind, Exception exception);

    [LoggerMessage(EventId = 110, Level = LogLevel.Warning, Message = "Controller {Controller} failed to reconcile {Key} (retry {Retry})")]
    public static partial void ReconcileFailed(ILogger logger, string controller, string key, int retry, Exception exception);

    [LoggerMessage(EventId = 111, Level = LogLevel.Information, Message = "Controller {Controller} started with {Workers} workers")]
    public static partial void ControllerStarted(ILogger logger, string controller, int workers);

    [LoggerMessage(EventId = 112, Level = LogLevel.Information, Message = "Controller {Controller} stopped")]
    public static partial void ControllerStopped(ILogger logger, string controller);
}
