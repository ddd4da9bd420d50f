using System.Diagnostics.Metrics;
using System.Threading.RateLimiting;

namespace ClusterState.Controllers;

/// <summary>How a <see cref="WorkQueue{TKey}"/> backs off and limits retries.</summary>
public sealed record WorkQueueOptions
{
    /// <summary>
    /// The delay before a key's first rate-limited retry (<see cref="WorkQueue{TKey}.AddRateLimited"/>); each further
    /// retry of the same key doubles it, up to <see cref="MaxRetryDelay"/>, until the key is forgotten. Default 5 ms.
    /// </summary>
    public TimeSpan BaseRetryDelay { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>The longest per-key retry delay. Default 5 minutes.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Rate-limited retries of all keys together, per second: a key whose backoff has elapsed is queued once a token
    /// bucket of <see cref="RetryBurst"/> tokens refilled at this rate grants it one, oldest request first. Default 10,
    /// with a burst of 100 (client-go's default controller rate limiter); <see cref="double.PositiveInfinity"/> for no
    /// overall limit. Ignored when <see cref="RetryLimiter"/> is set.
    /// </summary>
    public double RetryRate { get; init; } = 10;

    /// <summary>The token bucket's size: how many retries may pass at once before <see cref="RetryRate"/> applies. Default 100.</summary>
    public int RetryBurst { get; init; } = 100;

    /// <summary>
    /// A limiter of one's own for the overall retry limit (one permit per retry), in place of the token bucket that
    /// <see cref="RetryRate"/> describes; the queue does not dispose it.
    /// </summary>
    public RateLimiter? RetryLimiter { get; init; }

    /// <summary>The clock of delays and backoff (the system's by default).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// The queue's name, the <c>clusterstate.queue</c> tag of its instruments. Default <c>"default"</c>.
    /// </summary>
    public string Name { get; init; } = "default";

    /// <summary>Creates the meter of the queue's instruments; null uses a meter of the queue's own.</summary>
    public IMeterFactory? MeterFactory { get; init; }

    /// <summary>The overall retry limiter these options describe, and whether the queue owns (and disposes) it.</summary>
    internal (RateLimiter? Limiter, bool Owned) CreateRetryLimiter()
    {
        if (RetryLimiter is not null)
        {
            return (RetryLimiter, false);
        }

        if (double.IsPositiveInfinity(RetryRate))
        {
            return (null, false);
        }

        // One token per period below 10 per second; ten periods a second above it (timers are coarse).
        var perSecond = RetryRate;
        var (tokens, period) = perSecond < 10
            ? (1, TimeSpan.FromSeconds(1 / perSecond))
            : ((int)Math.Min(int.MaxValue, Math.Round(perSecond / 10)), TimeSpan.FromMilliseconds(100));
        return (new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = RetryBurst,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = period,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        }), true);
    }

    internal void Validate()
    {
        if (BaseRetryDelay <= TimeSpan.Zero || MaxRetryDelay < BaseRetryDelay)
        {
            throw new ArgumentException($"WorkQueueOptions.BaseRetryDelay must be positive and at most MaxRetryDelay (base {BaseRetryDelay}, max {MaxRetryDelay}).", nameof(BaseRetryDelay));
        }

        if (RetryLimiter is null && (!(RetryRate > 0) || RetryBurst < 1))
        {
            throw new ArgumentException($"WorkQueueOptions.RetryRate must be positive (or infinite) and RetryBurst at least 1 (rate {RetryRate}, burst {RetryBurst}).", nameof(RetryRate));
        }

        ArgumentException.ThrowIfNullOrEmpty(Name);
    }
}
