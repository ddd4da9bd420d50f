using System.Runtime.CompilerServices;
using ClusterState.Model;

namespace ClusterState.Watch;

/// <summary>
/// The one watch loop, as an async sequence: replays history from the start revision, then follows commits live,
/// reading committed batches from the revision log in order. Both public watch forms (async enumerable and
/// observable) run it.
/// </summary>
internal static class WatchStream
{
    /// <summary>
    /// Resolves where a watch starts (now, or a given revision checked against compaction) at the moment the
    /// watch is created, and returns its sequence.
    /// </summary>
    public static IAsyncEnumerable<WatchEvent<T>> Open<T>(WatchHub hub, ResourceKind? kind, WatchOptions? options, CancellationToken cancellationToken)
        where T : ClusterObject
    {
        options ??= new WatchOptions();
        Validation.ObjectValidator.ValidateQuery(options.LabelSelector, "watch options");
        if (options.StartRevision is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.StartRevision, "StartRevision is a positive revision, or null for 'now'.");
        }

        var start = options.StartRevision ?? hub.State.Revision + 1;
        var kinds = WatchFilter.Resolve(hub.State.Kinds, kind, options);
        hub.State.CheckWatchable(start);
        return Run<T>(hub, new WatchFilter(kinds, options, hub.State.Kinds), start, options, cancellationToken);
    }

    private static async IAsyncEnumerable<WatchEvent<T>> Run<T>(
        WatchHub hub, WatchFilter filter, long next, WatchOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : ClusterObject
    {
        var state = hub.State;
        var tracker = hub.Register(next);
        var epoch = hub.ProgressEpoch;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (hub.IsDisposed)
                {
                    yield break;
                }

                var head = state.Revision;
                if (next <= head)
                {
                    if (state.Log.Get(next) is not { } batch)
                    {
                        // Compaction dropped batches this watch had not read yet: it goes on past them when none
                        // touched its kind, and fails otherwise.
                        next = state.SkipDroppedBatches(filter.Kinds, next);
                        tracker.Advance(next);
                        continue;
                    }

                    var changes = batch.Changes;
                    var last = -1;
                    for (var i = changes.Length - 1; i >= 0; i--)
                    {
                        if (filter.Classify(changes[i], out _) is not null)
                        {
                            last = i;
                            break;
                        }
                    }

                    if (last >= 0 && hub.DeliveryLag.Enabled)
                    {
                        hub.DeliveryLag.Stop(batch.AppliedAt);
                    }

                    for (var i = 0; i <= last; i++)
                    {
                        if (filter.Classify(changes[i], out var obj) is not { } type)
                        {
                            continue;
                        }

                        var previous = options.IncludePreviousObject ? (T?)changes[i].Previous : null;
                        tracker.CountDelivered();
                        yield return new WatchEvent<T>(type, batch.Revision, (T)obj, previous, i == last);
                    }

                    next++;
                    tracker.Advance(next);
                    continue;
                }

                var tick = hub.ProgressEpoch;
                if (tick != epoch)
                {
                    epoch = tick;
                    if (options.ProgressNotifications)
                    {
                        yield return new WatchEvent<T>(WatchEventType.Bookmark, head, null, null, true);
                        continue;
                    }
                }

                // Announce the wait, take the signal, then look once more: a commit published after this look
                // sees the waiter and completes this signal.
                hub.BeginWait();
                try
                {
                    var signal = hub.Signal;
                    if (state.Revision < next && !hub.IsDisposed && hub.ProgressEpoch == epoch)
                    {
                        await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
                finally
                {
                    hub.EndWait();
                }
            }
        }
        finally
        {
            hub.Unregister(tracker);
        }
    }
}
