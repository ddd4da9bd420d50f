using ClusterState.Persistence.Files;
using ClusterState.Storage;
using Microsoft.Extensions.Logging;

namespace ClusterState.Persistence;

/// <summary>
/// Opens a durable store's files: loads the newest whole snapshot and replays the log after it into an empty state,
/// and returns the log writer and snapshotter that continue them (the commit path that uses them is the caller's).
/// </summary>
internal static class Recovery
{
    public static (WalWriter Wal, Snapshotter Snapshotter) Open(DataDirectory directory, MvccStore state, ClusterStoreOptions options, CompactionPolicy compaction, TimeProvider time, ILogger logger)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var snapshotRevision = LoadNewestSnapshot(directory, state, logger);
        var tail = WalReader.Replay(
            directory.WalPath,
            state.Kinds,
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
            state.Kinds,
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
        return (wal, snapshotter);
    }

    /// <summary>
    /// Loads the newest snapshot that reads back whole, if any, and returns its revision (0 when none). When newer
    /// snapshots are damaged and an older one loads, the damaged ones are set aside (renamed <c>*.damaged</c>, kept
    /// for inspection): the log after the older one is still on disk, since segments are removed only once the oldest
    /// kept snapshot covers them. When every snapshot is damaged, the newest one's error stops the open and nothing
    /// is renamed.
    /// </summary>
    private static long LoadNewestSnapshot(DataDirectory directory, MvccStore state, ILogger logger)
    {
        DurableFiles.DeleteTemporaryFiles(directory.SnapshotPath);
        var (newest, damaged) = ReadNewestSnapshot(directory.SnapshotPath, state.Kinds);
        if (newest is not { } snapshot)
        {
            return 0;
        }

        state.LoadSnapshot(snapshot.Image);
        foreach (var (bad, error) in damaged)
        {
            var aside = bad + ".damaged";
            File.Move(bad, aside, overwrite: true);
            Log.SnapshotDamaged(logger, bad, aside, error);
        }

        return snapshot.Image.Revision;
    }

    /// <summary>
    /// Reads the newest snapshot in <paramref name="snapshotDirectory"/> that reads back whole (null when there is
    /// none), with the newer ones that did not; changes nothing. When every snapshot is damaged, the newest one's error
    /// is thrown.
    /// </summary>
    /// <exception cref="CorruptDataException">Every snapshot is damaged.</exception>
    internal static ((SnapshotInfo Info, StateImage Image)? Newest, List<(string Path, CorruptDataException Error)> Damaged) ReadNewestSnapshot(string snapshotDirectory, Kinds.KindRegistry kinds)
    {
        var snapshots = Snapshotter.Snapshots(snapshotDirectory);
        var damaged = new List<(string Path, CorruptDataException Error)>();
        for (var i = snapshots.Count - 1; i >= 0; i--)
        {
            var path = snapshots[i];
            try
            {
                return (SnapshotFile.Read(File.ReadAllBytes(path), kinds, path), damaged);
            }
            catch (CorruptDataException ex)
            {
                damaged.Add((path, ex));
            }
        }

        return damaged.Count > 0 ? throw damaged[0].Error : (null, damaged);
    }
}
