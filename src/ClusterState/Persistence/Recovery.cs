using ClusterState.Persistence.Files;
using ClusterState.Replication;
using ClusterState.Storage;
using Microsoft.Extensions.Logging;

namespace ClusterState.Persistence;

/// <summary>Opens a durable store: replays the log into an empty state and returns the commit path that continues it.</summary>
internal static class Recovery
{
    public static DurableCommitPath Open(DataDirectory directory, MvccStore state, ClusterStoreOptions options, CompactionPolicy compaction, TimeProvider time, ILogger logger)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var snapshotRevision = LoadNewestSnapshot(directory, state);
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
            state.Publish,
            options.OpenSegment,
            options.MaxLogRecordBytes);
        var snapshotter = new Snapshotter(state, directory, time, options.SnapshotEveryRevisions, () => wal.CurrentSegmentPath, logger)
        {
            LastSnapshotRevision = snapshotRevision,
        };
        return new DurableCommitPath(state, wal, snapshotter, compaction);
    }

    /// <summary>Loads the newest snapshot, if any, and returns its revision (0 when none).</summary>
    private static long LoadNewestSnapshot(DataDirectory directory, MvccStore state)
    {
        DurableFiles.DeleteTemporaryFiles(directory.SnapshotPath);

        var newest = Snapshotter.Snapshots(directory.SnapshotPath).LastOrDefault();
        if (newest is null)
        {
            return 0;
        }

        var objects = new List<Model.ClusterObject>();
        var info = SnapshotFile.Read(File.ReadAllBytes(newest), newest, objects);
        state.LoadSnapshot(info.Revision, objects);
        return info.Revision;
    }
}
