using ClusterState.Model;
using Microsoft.Extensions.Logging;

namespace ClusterState.Controllers;

/// <summary>What an <see cref="Informer{T}"/> caches and how often it hands its objects on again.</summary>
public sealed record InformerOptions
{
    /// <summary>Only objects in this namespace; null for every namespace (and for cluster-scoped kinds).</summary>
    public string? Namespace { get; init; }

    /// <summary>Only objects whose labels match; null for all.</summary>
    public LabelSelector? LabelSelector { get; init; }

    /// <summary>Only objects whose fields match; null for all.</summary>
    public FieldSelector? FieldSelector { get; init; }

    /// <summary>
    /// How often every cached object is handed to the handlers again as an update of itself (a resync, so that
    /// work lost by a controller is redone); null (the default) for never.
    /// </summary>
    public TimeSpan? ResyncPeriod { get; init; }

    /// <summary>How long to wait before listing again after an error other than compaction. Default 1 second.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The clock of resyncs and retries (the system's by default).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the informer logs re-lists and handler failures; null for nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
