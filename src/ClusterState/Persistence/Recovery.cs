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
        var snapshotRevision = LoadNewestSnapshot(directory, state, logger);
        var tail = WalReader.Replay(
            directory.WalPath,
            state.Revision,
            (revision, changes) => state.Replay(revision, changes),
            revision =>
            {
                if (revision > state.CompactedRevision)
                {
                    compaction.Compact(state, revision);
                }
            });
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

    /// <summary>
    /// Loads the newest snapshot that reads back whole, if any, and returns its revision (0 when none). A damaged
    /// snapshot is set aside (renamed <c>*.damaged</c>, kept for inspection) and the next older one is tried: the log
    /// after it is still on disk, since segments are removed only once the oldest kept snapshot covers them. When
    /// every snapshot is damaged, the newest one's error stops the open.
    /// </summary>
    private static long LoadNewestSnapshot(DataDirectory directory, MvccStore state, ILogger logger)
    {
        DurableFiles.DeleteTemporaryFiles(directory.SnapshotPath);
        var snapshots = Snapshotter.Snapshots(directory.SnapshotPath);
        CorruptDataException? newestError = null;
        for (var i = snapshots.Count - 1; i >= 0; i--)
        {
            var path = snapshots[i];
            var objects = new List<Model.ClusterObject>();
            try
            {
                var info = SnapshotFile.Read(File.ReadAllBytes(path), path, objects);
                state.LoadSnapshot(info.Revision, objects);
                return info.Revision;
            }
            catch (CorruptDataException ex) when (i > 0)
            {
                newestError ??= ex;
                var aside = path + ".damaged";
                File.Move(path, aside, overwrite: true);
                Log.SnapshotDamaged(logger, path, aside, ex);
            }
            catch (CorruptDataException ex)
            {
                throw newestError ?? ex;
            }
        }

        return 0;
    }
}
