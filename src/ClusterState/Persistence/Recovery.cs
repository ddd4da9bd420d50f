using ClusterState.Replication;
using ClusterState.Storage;
using Microsoft.Extensions.Logging;

namespace ClusterState.Persistence;

/// <summary>Opens a durable store: replays the log into an empty state and returns the commit path that continues it.</summary>
internal static class Recovery
{
    public static DurableCommitPath Open(DataDirectory directory, MvccStore state, ClusterStoreOptions options, ILogger logger)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var tail = WalReader.Replay(directory.WalPath, state.Revision, (revision, changes) => state.Replay(revision, changes));
        if (tail.CutTornRecord)
        {
            Log.TornRecordCut(logger, tail.SegmentPath!, tail.ValidLength);
        }

        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        var keys = state.KeyCount;
        Log.Recovered(logger, directory.Root, tail.LastRevision, keys, elapsed.TotalMilliseconds);
        var wal = new WalWriter(
            directory.WalPath,
            tail.SegmentPath,
            tail.ValidLength,
            tail.LastRevision + 1,
            options.WalSegmentBytes,
            options.Durability == DurabilityMode.Fsync,
            state.Publish);
        return new DurableCommitPath(state, wal, options.HistoryRetention, logger);
    }
}
