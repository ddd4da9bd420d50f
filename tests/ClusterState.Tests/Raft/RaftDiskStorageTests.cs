using ClusterState.Persistence;
using ClusterState.Replication;
using ClusterState.Replication.Raft;
using ClusterState.Tests.Persistence;

namespace ClusterState.Tests.Raft;

public sealed class RaftDiskStorageTests
{
    private static LogEntry Entry(long term, long index) => new(term, index, [(byte)index, (byte)term]);

    private static RaftDiskStorage.State Reload(string path)
    {
        using var storage = new RaftDiskStorage(path, fsync: false);
        return storage.Load();
    }

    [Test]
    public void Hard_state_and_entries_come_back_and_a_conflicting_suffix_stays_replaced()
    {
        using var directory = new TempDirectory();
        using (var storage = new RaftDiskStorage(directory.Path, fsync: true))
        {
            storage.Load();
            storage.Save(new HardState(1, 2, 0), [Entry(1, 1), Entry(1, 2), Entry(1, 3)]);
            storage.Save(new HardState(2, 3, 1), [Entry(2, 2)]);
            storage.Save(null, [Entry(2, 3)]);
        }

        var state = Reload(directory.Path);
        Assert.That(state.HardState, Is.EqualTo(new HardState(2, 3, 1)));
        Assert.That(state.Entries.Select(e => (e.Term, e.Index)), Is.EqualTo(new[] { (1L, 1L), (2L, 2L), (2L, 3L) }));
        Assert.That(state.Entries[2].Data, Is.EqualTo(new byte[] { 3, 2 }));
        Assert.That(state.Snapshot, Is.Null);
    }

    [Test]
    public void A_record_torn_by_a_crash_is_cut_off_and_appending_continues_after_the_last_good_one()
    {
        using var directory = new TempDirectory();
        using (var storage = new RaftDiskStorage(directory.Path, fsync: false))
        {
            storage.Load();
            storage.Save(new HardState(1, 1, 0), [Entry(1, 1), Entry(1, 2)]);
            storage.Save(null, [Entry(1, 3)]);
        }

        var segment = Directory.GetFiles(directory.Path, "*.rlog").Single();
        using (var file = new FileStream(segment, FileMode.Open))
        {
            file.SetLength(file.Length - 3);
        }

        using (var storage = new RaftDiskStorage(directory.Path, fsync: false))
        {
            Assert.That(storage.Load().Entries.Select(e => e.Index), Is.EqualTo(new[] { 1L, 2L }));
            storage.Save(null, [Entry(1, 3), Entry(1, 4)]);
        }

        Assert.That(Reload(directory.Path).Entries.Select(e => e.Index), Is.EqualTo(new[] { 1L, 2L, 3L, 4L }));
    }

    [Test]
    public void A_flipped_byte_in_the_middle_is_reported_as_corruption_not_dropped()
    {
        using var directory = new TempDirectory();
        using (var storage = new RaftDiskStorage(directory.Path, fsync: false))
        {
            storage.Load();
            storage.Save(new HardState(1, 1, 0), [Entry(1, 1), Entry(1, 2)]);
            storage.Save(new HardState(1, 1, 2), [Entry(1, 3)]);
        }

        var segment = Directory.GetFiles(directory.Path, "*.rlog").Single();
        var bytes = File.ReadAllBytes(segment);
        bytes[30] ^= 0x40;
        File.WriteAllBytes(segment, bytes);
        Assert.That(() => Reload(directory.Path), Throws.InstanceOf<CorruptDataException>());
    }

    [Test]
    public void A_snapshot_rolls_the_log_over_and_restarts_with_the_entries_after_it()
    {
        using var directory = new TempDirectory();
        using (var storage = new RaftDiskStorage(directory.Path, fsync: false))
        {
            storage.Load();
            storage.Save(new HardState(3, 1, 4), [Entry(3, 1), Entry(3, 2), Entry(3, 3), Entry(3, 4), Entry(3, 5)]);
            storage.SaveSnapshot(new RaftSnapshot(3, 3, new Membership([1, 2, 3], [], [4]), [9, 9, 9]), [Entry(3, 4), Entry(3, 5)]);
            storage.Save(null, [Entry(3, 6)]);
        }

        Assert.That(Directory.GetFiles(directory.Path, "*.rlog"), Has.Length.EqualTo(1), "older segments are deleted");
        var state = Reload(directory.Path);
        Assert.That(state.Snapshot, Is.Not.Null);
        Assert.That((state.Snapshot!.Index, state.Snapshot.Term, state.Snapshot.Data), Is.EqualTo((3L, 3L, new byte[] { 9, 9, 9 })));
        Assert.That(state.Snapshot.Membership, Is.EqualTo(new Membership([3, 2, 1], [], [4])));
        Assert.That(state.Entries.Select(e => e.Index), Is.EqualTo(new[] { 4L, 5L, 6L }));
        Assert.That(state.HardState, Is.EqualTo(new HardState(3, 1, 4)));
    }

    [Test]
    public void A_crash_after_a_received_snapshot_was_saved_but_before_the_log_rolled_over_drops_the_stale_history()
    {
        using var directory = new TempDirectory();
        using (var storage = new RaftDiskStorage(directory.Path, fsync: false))
        {
            storage.Load();
            storage.Save(new HardState(2, 1, 1), [Entry(1, 1), Entry(2, 2), Entry(2, 3)]);
        }

        // The snapshot file from a leader of term 4 covering index 3, written just before the crash.
        var other = Path.Combine(directory.Path, "other");
        using (var storage = new RaftDiskStorage(other, fsync: false))
        {
            storage.Load();
            storage.SaveSnapshot(new RaftSnapshot(3, 4, Membership.Empty, [7]), []);
        }

        File.Move(Directory.GetFiles(other, "*.rsnap").Single(), Path.Combine(directory.Path, Path.GetFileName(Directory.GetFiles(other, "*.rsnap").Single())));
        var state = Reload(directory.Path);
        Assert.That(state.Snapshot!.Index, Is.EqualTo(3));
        Assert.That(state.Entries, Is.Empty);
    }

    [Test]
    public void A_snapshot_written_beside_the_log_while_appends_go_on_is_taken_before_or_after_the_roll_over()
    {
        using var directory = new TempDirectory();
        using (var storage = new RaftDiskStorage(directory.Path, fsync: false))
        {
            storage.Load();
            storage.Save(new HardState(2, 1, 3), [Entry(2, 1), Entry(2, 2), Entry(2, 3)]);

            // Built off the loop: the file is written while the loop keeps appending; then the process dies.
            storage.WriteSnapshotFile(new RaftSnapshot(2, 2, new Membership([1, 2, 3], [], []), [5]));
            storage.Save(null, [Entry(2, 4)]);
        }

        var crashed = Reload(directory.Path);
        Assert.That(crashed.Snapshot!.Index, Is.EqualTo(2));
        Assert.That(crashed.Entries.Select(e => e.Index), Is.EqualTo(new[] { 3L, 4L }), "entries after the snapshot survive, appended or not during its write");

        using (var storage = new RaftDiskStorage(directory.Path, fsync: false))
        {
            storage.Load();
            storage.WriteSnapshotFile(new RaftSnapshot(4, 2, new Membership([1, 2, 3], [], []), [6]));
            storage.RollOver(4, 2, []);
            storage.WriteSnapshotFile(new RaftSnapshot(3, 2, Membership.Empty, [7]));
            storage.DeleteSnapshotFile(3);
        }

        var rolled = Reload(directory.Path);
        Assert.That((rolled.Snapshot!.Index, rolled.Snapshot.Data), Is.EqualTo((4L, new byte[] { 6 })));
        Assert.That(rolled.Entries, Is.Empty);
        Assert.That(Directory.GetFiles(directory.Path, "*.rsnap"), Has.Length.EqualTo(1), "the roll-over keeps one snapshot; a useless one is deleted");
    }
}
