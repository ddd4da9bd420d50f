using System.Diagnostics;
using System.Diagnostics.Metrics;
using ClusterState.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterState.Controllers;

/// <summary>
/// Runs a reconciler: the informer of <typeparamref name="T"/> (and of every kind the options watch) feeds changed
/// keys into a <see cref="WorkQueue{TKey}"/>, and once the informers have synced, workers take keys and call the
/// reconciler, retrying failures after a backoff. A <see cref="BackgroundService"/>: in a Generic Host,
/// <c>AddController</c> registers it; elsewhere call <see cref="BackgroundService.StartAsync"/> and
/// <see cref="BackgroundService.StopAsync"/>.
/// </summary>
/// <remarks>
/// Stopping lets every worker finish the key it has (its cancellation token is cancelled) and takes no more.
/// Instruments (on <see cref="ControllerInstrumentation.MeterName"/>, tagged <see cref="ControllerInstrumentation.ControllerTag"/>):
/// <c>clusterstate.controller.reconciles</c> (tagged <c>result</c>: <c>done</c>, <c>requeue_after</c>, <c>retry</c>,
/// <c>error</c>) and the histogram <c>clusterstate.controller.reconcile_duration</c> (seconds); its queue's instruments
/// carry the controller's name as <see cref="ControllerInstrumentation.QueueTag"/>.
/// </remarks>
/// <typeparam name="T">The kind reconciled.</typeparam>
public sealed class Controller<T> : BackgroundService
    where T : ClusterObject
{
    private readonly InformerFactory _informers;
    private readonly IReconciler<T> _reconciler;
    private readonly ControllerOptions<T> _options;
    private readonly ILogger _logger;
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _reconciles;
    private readonly Histogram<double> _duration;
    private readonly KeyValuePair<string, object?> _tag;

    /// <summary>A controller of <typeparamref name="T"/> objects; it does nothing until started.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public Controller(InformerFactory informers, IReconciler<T> reconciler, ControllerOptions<T>? options = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(informers);
        ArgumentNullException.ThrowIfNull(reconciler);
        _informers = informers;
        _reconciler = reconciler;
        _options = options ?? new ControllerOptions<T>();
        if (_options.Workers < 1)
        {
            throw new ArgumentException($"ControllerOptions.Workers must be at least 1 (it is {_options.Workers}).", nameof(options));
        }

        Name = _options.Name ?? ResourceKind.Of<T>().Name;
        _logger = loggerFactory?.CreateLogger<Controller<T>>() ?? NullLogger<Controller<T>>.Instance;
        Queue = new WorkQueue<ObjectKey>(_options.Queue with { Name = Name, MeterFactory = _options.Queue.MeterFactory ?? meterFactory });
        Informer = informers.For<T>();
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(ControllerInstrumentation.MeterName) ?? new Meter(ControllerInstrumentation.MeterName);
        _tag = new(ControllerInstrumentation.ControllerTag, Name);
        _reconciles = _meter.CreateCounter<long>("clusterstate.controller.reconciles", "{reconcile}", "Reconciles run, by result.");
        _duration = _meter.CreateHistogram<double>("clusterstate.controller.reconcile_duration", "s", "Time one reconcile took.");
    }

    /// <summary>The controller's name.</summary>
    public string Name { get; }

    /// <summary>The queue of keys waiting to be reconciled.</summary>
    public WorkQueue<ObjectKey> Queue { get; }

    /// <summary>The (shared) informer of the reconciled kind: the reconciler's cache.</summary>
    public Informer<T> Informer { get; }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var registrations = new List<IDisposable>
        {
            Informer.AddHandler(
                onAdd: o => Queue.Add(ObjectKey.Of(o)),
                onUpdate: (_, o) => Queue.Add(ObjectKey.Of(o)),
                onDelete: o => Queue.Add(ObjectKey.Of(o))),
        };
        try
        {
            foreach (var watch in _options.Watches)
            {
                registrations.Add(watch(_informers, Queue.Add));
            }

            _informers.Start();
            await _informers.WaitForSyncAsync(stoppingToken).ConfigureAwait(false);
            Log.ControllerStarted(_logger, Name, _options.Workers);
            var workers = new Task[_options.Workers];
            for (var i = 0; i < workers.Length; i++)
            {
                workers[i] = Task.Run(() => WorkAsync(stoppingToken), CancellationToken.None);
            }

            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var registration in registrations)
            {
                registration.Dispose();
            }

            Queue.ShutDown();
            Log.ControllerStopped(_logger, Name);
        }
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested && await Queue.WaitToTakeAsync(stoppingToken).ConfigureAwait(false))
            {
                if (Queue.TryTake(out var key))
                {
                    await ProcessAsync(key, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ProcessAsync(ObjectKey key, CancellationToken stoppingToken)
    {
        var started = Stopwatch.GetTimestamp();
        string outcome;
        try
        {
            var result = await _reconciler.ReconcileAsync(key, Informer.Get(key), stoppingToken).ConfigureAwait(false);
            if (result.Retry)
            {
                outcome = "retry";
                Queue.AddRateLimited(key);
            }
            else
            {
                Queue.Forget(key);
                outcome = "done";
                if (result.RequeueAfter is { } after)
                {
                    outcome = "requeue_after";
                    Queue.AddAfter(key, after);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            outcome = "cancelled";
        }
#pragma warning disable CA1031 // A failed reconcile is logged and retried after a backoff; it must not stop the worker.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            outcome = "error";
            Log.ReconcileFailed(_logger, Name, key.ToString(), Queue.Retries(key), ex);
            Queue.AddRateLimited(key);
        }
        finally
        {
            Queue.Done(key);
        }

        _reconciles.Add(1, _tag, new("result", outcome));
        _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, _tag);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        base.Dispose();
        Queue.Dispose();
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
