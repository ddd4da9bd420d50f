using ClusterState.Model;
using Microsoft.Extensions.Logging;

namespace ClusterState.Watch;

/// <summary>An observable over a watch: every subscription is its own watch, starting when it subscribes.</summary>
internal sealed class WatchObservable<T>(WatchHub hub, ResourceKind? kind, WatchOptions? options, ILogger logger) : IObservable<WatchEvent<T>>
    where T : ClusterObject
{
    public IDisposable Subscribe(IObserver<WatchEvent<T>> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var subscription = new WatchSubscription<T>(observer, logger);
        subscription.Start(token => WatchStream.Open<T>(hub, kind, options, token));
        return subscription;
    }
}
