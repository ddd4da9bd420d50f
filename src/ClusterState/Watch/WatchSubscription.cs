using ClusterState.Model;
using Microsoft.Extensions.Logging;

namespace ClusterState.Watch;

/// <summary>
/// One observer's subscription: runs the watch loop on the thread pool and calls the observer from it, enforcing
/// the observable contract: <c>OnNext* (OnError | OnCompleted)?</c>, never concurrently; nothing after a terminal
/// call or after <see cref="Dispose"/>; an exception thrown by the observer ends this subscription with
/// <c>OnError</c> and reaches no one else.
/// </summary>
internal sealed class WatchSubscription<T> : IDisposable
    where T : ClusterObject
{
    private readonly IObserver<WatchEvent<T>> _observer;
    private readonly ILogger _logger;
    /// <summary>
    /// Cancelled by <see cref="Dispose"/> to stop the loop. Never disposed: the loop may end (and would dispose it)
    /// between <see cref="Dispose"/> marking the stop and cancelling, and a source with no timer and no wait handle
    /// holds nothing that needs releasing.
    /// </summary>
    private readonly CancellationTokenSource _cancellation = new();

    /// <summary>0 while active; 1 once disposed or terminated.</summary>
    private int _stopped;

    public WatchSubscription(IObserver<WatchEvent<T>> observer, ILogger logger)
    {
        _observer = observer;
        _logger = logger;
    }

    public void Start(Func<CancellationToken, IAsyncEnumerable<WatchEvent<T>>> open)
    {
        // Open now, so the start revision is fixed at subscription; deliver everything, errors included, from the
        // thread pool.
        IAsyncEnumerable<WatchEvent<T>> source;
        try
        {
            source = open(_cancellation.Token);
        }
        catch (Exception ex)
        {
            _ = Task.Run(() => Terminate(ex));
            return;
        }

        Completion = Task.Run(() => RunAsync(source));
    }

    /// <summary>Completes when the delivery loop has ended.</summary>
    internal Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Runs inside <see cref="Dispose"/> between marking the stop and cancelling (tests pause there).</summary>
    internal Action? StopMarked { get; set; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            StopMarked?.Invoke();
            _cancellation.Cancel();
        }
    }

    private bool Active => Volatile.Read(ref _stopped) == 0;

    private async Task RunAsync(IAsyncEnumerable<WatchEvent<T>> source)
    {
        try
        {
            await foreach (var item in source.ConfigureAwait(false))
            {
                if (!Active)
                {
                    return;
                }

                try
                {
                    _observer.OnNext(item);
                }
                catch (Exception ex)
                {
                    Log.SubscriberFailed(_logger, ex);
                    Terminate(ex);
                    return;
                }
            }

            if (Interlocked.Exchange(ref _stopped, 1) == 0)
            {
                SafeCall(static (o, _) => o.OnCompleted(), null);
            }
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            // Disposed: no further calls.
        }
        catch (Exception ex)
        {
            Terminate(ex);
        }
    }

    private void Terminate(Exception error)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            SafeCall(static (o, e) => o.OnError(e!), error);
        }
    }

    private void SafeCall(Action<IObserver<WatchEvent<T>>, Exception?> call, Exception? error)
    {
        try
        {
            call(_observer, error);
        }
        catch (Exception ex)
        {
            Log.SubscriberFailed(_logger, ex);
        }
    }
}
