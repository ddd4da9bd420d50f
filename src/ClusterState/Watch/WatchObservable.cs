using ClusterState.Model;
using Microsoft.Extensions.Logging;

namespace ClusterState.Watch;

/// <summary>An observable over a watch: every subscription is its own watch, starting when it subscribes.</summary>
internal sealed class WatchObservable<T>(WatchHub hub, ResourceKind? kind, WatchOptions? options, ILogger logger) : IObservable<WatchEvent<T>>
    where T : ClusterObject
{
    /// <summary>Checks the options at once (a bad selector throws here, not in a subscriber's OnError).</summary>
    /// <exception cref="ValidationException">The label selector is not valid.</exception>
    public static WatchObservable<T> Create(WatchHub hub, ResourceKind? kind, WatchOptions? options, ILogger logger)
    {
        Validation.ObjectValidator.ValidateQuery(options?.LabelSelector, "watch options");
        WatchFilter.Resolve(hub.State.Kinds, kind, options);
        return new WatchObservable<T>(hub, kind, options, logger);
    }

    public IDisposable Subscribe(IObserver<WatchEvent<T>> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var subscription = new WatchSubscription<T>(observer, logger);
        subscription.Start(token => WatchStream.Open<T>(hub, kind, options, token));
        return subscription;
    }
}
