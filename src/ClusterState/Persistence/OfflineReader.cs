using ClusterState.Kinds;
using ClusterState.Persistence.Files;
using ClusterState.Replication;
using ClusterState.Replication.Raft;
using ClusterState.Storage;

namespace ClusterState.Persistence;

/// <summary>
/// Reads a store's directory without opening the store: no lock is taken and no file is changed (a torn tail is left
/// in place, temporary files are ignored), so it works on a directory a running store holds. It rebuilds the state
/// the files hold (a data directory: newest snapshot, then the log; a Raft peer's directory: its snapshot, then its
/// committed entries) and checks every record and snapshot. The command-line tool is built on it.
/// </summary>
internal static class OfflineReader
{
    /// <summary>What a directory holds.</summary>
    /// <param name="State">The state its files rebuild.</param>
    /// <param name="IsRaft">True for a Raft peer's directory.</param>
    /// <param name="InUse">True when a running store holds it (its LOCK file is held).</param>
    /// <param name="Notes">What the reader noticed that is not damage (a torn tail, a snapshot set aside).</param>
    /// <param name="Raft">A Raft peer's hard state, log and snapshot.</param>
    /// <param name="Snapshot">The data directory's snapshot the state was loaded from, if any.</param>
    internal sealed record Contents(MvccStore State, bool IsRaft, bool InUse, IReadOnlyList<string> Notes, RaftDiskStorage.ReadResult? Raft, SnapshotInfo? Snapshot);

    /// <summary>One damaged file found by <see cref="Verify"/>.</summary>
    internal sealed record Damage(string File, long Offset, string Reason);

    /// <summary>Progress through a directory's files: bytes read so far and in all.</summary>
    internal readonly record struct Progress(long Done, long Total);

    public static bool IsRaftDirectory(string path) => Directory.Exists(Path.Combine(path, "raft"));

    /// <summary>Rebuilds the state a directory's files hold.</summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist or holds no store.</exception>
    /// <exception cref="CorruptDataException">A file is damaged: names the file and offset.</exception>
    /// <exception cref="UnknownKindException">The files hold a kind not in <paramref name="kinds"/>.</exception>
    public static Contents Load(string path, KindRegistry kinds, IProgress<Progress>? progress = null)
    {
        var root = RequireStore(path);

        // A running store may remove a log segment or snapshot between listing and reading (a newer snapshot covers
        // it): read again from the new listing.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return LoadOnce(root, kinds, progress);
            }
            catch (FileNotFoundException) when (attempt < 3 && IsHeldByAStore(root))
            {
            }
        }
    }

    private static Contents LoadOnce(string root, KindRegistry kinds, IProgress<Progress>? progress)
    {
        var state = new MvccStore(kinds);
        var notes = new List<string>();
        var inUse = IsHeldByAStore(root);
        if (IsRaftDirectory(root))
        {
            var raft = RaftDiskStorage.Read(Path.Combine(root, "raft"));
            if (raft.State.Snapshot is { } snapshot)
            {
                state.LoadSnapshot(SnapshotFile.Read(snapshot.Data, kinds, Path.Combine(root, "raft", "snapshot")).Image);
            }

            foreach (var entry in raft.State.Entries)
            {
                if (entry.Index <= raft.State.HardState.Commit)
                {
                    ApplyEntry(state, entry, kinds);
                }
            }

            var uncommitted = raft.State.Entries.Count(e => e.Index > raft.State.HardState.Commit);
            if (uncommitted > 0)
            {
                notes.Add($"{uncommitted} log entries after the commit index this peer knows ({raft.State.HardState.Commit}) are not applied");
            }

            progress?.Report(new Progress(1, 1));
            return new Contents(state, true, inUse, notes, raft, null);
        }

        var snapshotDir = Path.Combine(root, "snap");
        var walDir = Path.Combine(root, "wal");
        var total = Size(Snapshotter.Snapshots(snapshotDir)) + Size(WalReader.Segments(walDir));
        var (newest, damaged) = Recovery.ReadNewestSnapshot(snapshotDir, kinds);
        foreach (var (path, error) in damaged)
        {
            notes.Add($"snapshot {path} is damaged ({error.Message}); read from the one before it (opening the store sets it aside)");
        }

        if (newest is { } loaded)
        {
            state.LoadSnapshot(loaded.Image);
            progress?.Report(new Progress(loaded.Info.SizeBytes, total));
        }

        var tail = WalReader.Replay(
            walDir,
            kinds,
            state.Revision,
            (revision, changes) => state.Replay(revision, changes),
            revision =>
            {
                if (revision > state.CompactedRevision && revision <= state.Revision)
                {
                    state.Compact(revision);
                }
            });
        progress?.Report(new Progress(total, total));
        if (tail.CutTornRecord)
        {
            notes.Add($"{tail.SegmentPath} has a torn last record after offset {tail.ValidLength} (a write a crash interrupted, never acknowledged; opening the store cuts it off)");
        }

        return new Contents(state, false, inUse, notes, null, newest?.Info);
    }

    /// <summary>
    /// Checks every log record and snapshot of a directory, or a backup file: its frame, checksum and contents. Returns
    /// every damaged file (empty when all is well); unlike <see cref="Load"/> it goes on past the first.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The path is neither a store's directory nor a file.</exception>
    public static IReadOnlyList<Damage> Verify(string path, KindRegistry kinds, List<string> notes, IProgress<Progress>? progress = null)
    {
        var damage = new List<Damage>();
        void Check(string file, Action check)
        {
            try
            {
                check();
            }
            catch (CorruptDataException ex)
            {
                damage.Add(new Damage(ex.DataSource, ex.Offset, ex.Problem));
            }
            catch (UnknownKindException ex)
            {
                damage.Add(new Damage(file, 0, ex.Message));
            }
        }

        if (File.Exists(path))
        {
            Check(path, () => SnapshotFile.Read(File.ReadAllBytes(path), kinds, path));
            progress?.Report(new Progress(1, 1));
            return damage;
        }

        var root = RequireStore(path);
        if (IsRaftDirectory(root))
        {
            Check(Path.Combine(root, "raft"), () =>
            {
                var raft = RaftDiskStorage.Read(Path.Combine(root, "raft"));
                if (raft.State.Snapshot is { } snapshot)
                {
                    SnapshotFile.Read(snapshot.Data, kinds, Path.Combine(root, "raft", $"{snapshot.Index:D20}.rsnap"));
                }

                foreach (var entry in raft.State.Entries.Where(e => e.Type == EntryType.Normal && e.Data.Length > 0 && !TxnRequestCodec.IsCompaction(e.Data)))
                {
                    TxnRequestCodec.Decode(entry.Data, kinds, $"{Path.Combine(root, "raft")} entry {entry.Index}");
                }
            });
            progress?.Report(new Progress(1, 1));
            return damage;
        }

        var snapshots = Snapshotter.Snapshots(Path.Combine(root, "snap"));
        var segments = WalReader.Segments(Path.Combine(root, "wal"));
        var total = Size(snapshots) + Size(segments);
        long done = 0;
        foreach (var snapshot in snapshots)
        {
            Check(snapshot, () => SnapshotFile.Read(File.ReadAllBytes(snapshot), kinds, snapshot));
            done += new FileInfo(snapshot).Length;
            progress?.Report(new Progress(done, total));
        }

        foreach (var aside in Directory.EnumerateFiles(Path.Combine(root, "snap"), "*.damaged"))
        {
            notes.Add($"{aside} is a damaged snapshot the store set aside");
        }

        long expected = 0;
        for (var s = 0; s < segments.Count; s++)
        {
            var segment = segments[s];
            Check(segment, () =>
            {
                var read = WalReader.ReadSegment(segment, s == segments.Count - 1, kinds, (revision, _, position) =>
                {
                    if (expected != 0 && revision != expected)
                    {
                        throw new CorruptDataException(segment, position, $"revision {revision} follows {expected - 1}: the log has a gap");
                    }

                    expected = revision + 1;
                }, static (_, _, _) => { });
                if (read.InterruptedHeader)
                {
                    notes.Add($"{segment} is a segment whose header a crash interrupted (opening the store continues it)");
                }
                else if (read.Scan.TornTail)
                {
                    notes.Add($"{segment} has a torn last record after offset {read.Scan.ValidLength} (a write a crash interrupted, never acknowledged; opening the store cuts it off)");
                }
            });
            done += new FileInfo(segment).Length;
            progress?.Report(new Progress(done, total));
        }

        return damage;
    }

    /// <summary>True when a running store holds the directory's LOCK file (trying it takes nothing and changes nothing).</summary>
    public static bool IsHeldByAStore(string root)
    {
        var lockPath = Path.Combine(root, "LOCK");
        if (!File.Exists(lockPath))
        {
            return false;
        }

        try
        {
            using var probe = new FileStream(lockPath, FileMode.Open, FileAccess.Read, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string RequireStore(string path)
    {
        var root = Path.GetFullPath(path);
        if (!Directory.Exists(root) || !(Directory.Exists(Path.Combine(root, "wal")) || IsRaftDirectory(root)))
        {
            throw new DirectoryNotFoundException($"{root} is not a ClusterState data directory (it has neither wal/ nor raft/).");
        }

        return root;
    }

    private static void ApplyEntry(MvccStore state, LogEntry entry, KindRegistry kinds)
    {
        if (entry.Data.Length == 0 || entry.Type != EntryType.Normal)
        {
            return;
        }

        var source = $"raft log entry {entry.Index}";
        if (TxnRequestCodec.IsCompaction(entry.Data))
        {
            var revision = TxnRequestCodec.DecodeCompaction(entry.Data, source);
            if (revision > state.CompactedRevision && revision <= state.Revision)
            {
                state.Compact(revision);
            }

            return;
        }

        var (_, _, request) = TxnRequestCodec.Decode(entry.Data, kinds, source);
        try
        {
            state.Apply(request);
        }
        catch (ClusterStateException)
        {
            // It failed on every peer the same way: it changed nothing.
        }
    }

    private static long Size(IEnumerable<string> files) => files.Sum(f => new FileInfo(f).Length);
}
