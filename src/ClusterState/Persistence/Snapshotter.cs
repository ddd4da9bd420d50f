using ClusterState.Kinds;
using ClusterState.Persistence.Files;
using ClusterState.Storage;
using Microsoft.Extensions.Logging;

namespace ClusterState.Persistence;

/// <summary>
/// Takes the durable store's snapshots: pins the current revision, reads every object at it without locks
/// (writes continue), unpins, writes <c>snap/&lt;revision&gt;.snap</c> (written atomically through <see cref="DurableFiles"/>), then removes
/// older snapshots and the log segments the new one covers. At most one runs at a time.
/// </summary>
internal sealed class Snapshotter(MvccStore state, DataDirectory directory, TimeProvider time, long every, Func<string?> currentSegment, ILogger logger)
{
    private const int SnapshotsKept = 2;
    private long _lastSnapshot;
    private int _running;
    private Task _current = Task.CompletedTask;

    /// <summary>The revision of the newest snapshot on disk (0 when none).</summary>
    public long LastSnapshotRevision
    {
        get => Interlocked.Read(ref _lastSnapshot);
        set => Interlocked.Exchange(ref _lastSnapshot, value);
    }

    /// <summary>Starts a snapshot in the background when one is due and none is running.</summary>
    public void MaybeStart()
    {
        if (state.Revision - LastSnapshotRevision < every || Interlocked.CompareExchange(ref _running, 1, 0) != 0)
        {
            return;
        }

        _current = Task.Run(async () =>
        {
            try
            {
                await TakeAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Log.SnapshotFailed(logger, ex);
            }
            finally
            {
                Volatile.Write(ref _running, 0);
            }
        });
    }

    /// <summary>Waits for a running snapshot (on dispose).</summary>
    public void WaitIdle()
    {
        try
        {
            _current.Wait(TimeSpan.FromSeconds(60));
        }
        catch (AggregateException)
        {
            // Logged by the snapshot itself.
        }
    }

    /// <summary>Takes a snapshot now and returns its revision.</summary>
    public async Task<long> TakeAsync(CancellationToken cancellationToken)
    {
        using var activity = Hosting.StoreActivities.Start("clusterstate.snapshot.write", "clusterstate.snapshot.directory", directory.Root);
        var image = state.CaptureCurrent();
        activity?.SetTag("clusterstate.revision", image.Revision);
        activity?.SetTag("clusterstate.objects", image.Objects.Count);
        var revision = image.Revision;

        var final = Path.Combine(directory.SnapshotPath, SnapshotName(revision));
        await DurableFiles.WriteAtomicallyAsync(
            final,
            (file, ct) => SnapshotFile.WriteAsync(file, image, state.Kinds, time.GetUtcNow(), ct),
            fsync: true,
            cancellationToken).ConfigureAwait(false);
        LastSnapshotRevision = revision;
        RemoveCovered(revision);
        Log.SnapshotTaken(logger, revision, image.Objects.Count);
        return revision;
    }

    /// <summary>The snapshot files, oldest first.</summary>
    public static List<string> Snapshots(string directory) => DurableFiles.List(directory, ".snap");

    public static string SnapshotName(long revision) => $"{revision:D20}.snap";

    private void RemoveCovered(long revision)
    {
        var snapshots = Snapshots(directory.SnapshotPath);
        foreach (var old in snapshots.Take(Math.Max(0, snapshots.Count - SnapshotsKept)))
        {
            File.Delete(old);
        }

        // A segment can go when the next one starts at or before revision + 1: all its records are in the snapshot.
        // Keep what the oldest kept snapshot still needs, so that it stays usable too.
        var oldestKept = Snapshots(directory.SnapshotPath).Select(RevisionOf).DefaultIfEmpty(revision).Min();
        var segments = WalReader.Segments(directory.WalPath);
        var current = currentSegment();
        for (var i = 0; i + 1 < segments.Count; i++)
        {
            if (segments[i] != current && RevisionOf(segments[i + 1]) <= oldestKept + 1)
            {
                File.Delete(segments[i]);
            }
        }
    }

    /// <summary>The revision in a segment or snapshot file name.</summary>
    public static long RevisionOf(string path) => long.Parse(Path.GetFileNameWithoutExtension(path), System.Globalization.CultureInfo.InvariantCulture);
}
