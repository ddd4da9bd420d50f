using ClusterState.Model;
using ClusterState.Persistence;
using ClusterState.Tests.Watch;

namespace ClusterState.Tests.Persistence;

/// <summary>A store opened on a directory: every acknowledged write survives reopening.</summary>
public sealed class DurableStoreTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private ClusterStore Open(DurabilityMode durability = DurabilityMode.Fsync, long segmentBytes = 64L * 1024 * 1024) =>
        new(new ClusterStoreOptions { DataDirectory = _dir.Path, Durability = durability, WalSegmentBytes = segmentBytes, HistoryRetention = null });

    [Test]
    public async Task Reopening_restores_objects_revisions_versions_uids_and_history()
    {
        Service web;
        using (var store = Open())
        {
            web = await store.Services.CreateAsync(Objects.Service());
            web = await store.Services.UpdateAsync(web with { Spec = web.Spec with { PublishNotReadyAddresses = true } });
            await store.Transaction().Then(TxnOperation.Create(Objects.Slice()), TxnOperation.Create(Objects.Policy()), TxnOperation.Create(Objects.Config())).CommitAsync();
            await store.NetworkPolicies.DeleteAsync("default", "deny-all");
            await store.Endpoints.CreateAsync(Objects.Endpoints());
        }

        using (var store = Open())
        {
            Assert.Multiple(() =>
            {
                Assert.That(store.Revision, Is.EqualTo(5));
                Assert.That(store.Services.Get("default", "web"), Is.EqualTo(web));
                Assert.That(store.NetworkPolicies.Get("default", "deny-all"), Is.Null);
                Assert.That(store.NetworkPolicies.Get("default", "deny-all", revision: 3), Is.Not.Null, "history replayed");
                Assert.That(store.EndpointSlices.Get("default", "web-abc")!.Metadata.CreateRevision, Is.EqualTo(3));
                Assert.That(store.NetworkConfigs.Get(string.Empty, "default"), Is.Not.Null);
                Assert.That(store.Endpoints.List().Items, Has.Count.EqualTo(1));
            });

            var next = await store.Services.UpdateAsync(web);
            Assert.That(next.Metadata.ResourceVersion, Is.EqualTo(6));
            Assert.That(next.Metadata.Version, Is.EqualTo(3));
            Assert.That(next.Metadata.Uid, Is.EqualTo(web.Metadata.Uid));
        }

        using (var store = Open())
        {
            Assert.That(store.Revision, Is.EqualTo(6));
            var replay = await store.Services.WatchAsync(new() { StartRevision = 1 }).TakeAsyncWithin(3);
            Assert.That(replay.Select(e => (e.Type, e.Revision)), Is.EqualTo(new[] { (WatchEventType.Added, 1L), (WatchEventType.Modified, 2L), (WatchEventType.Modified, 6L) }));
        }
    }

    [Test]
    public async Task A_compaction_survives_reopening([Values(false, true)] bool automatic)
    {
        var options = new ClusterStoreOptions { DataDirectory = _dir.Path, HistoryRetention = automatic ? 8 : null };
        long compacted;
        using (var store = new ClusterStore(options))
        {
            var svc = await store.Services.CreateAsync(Objects.Service());
            for (var i = 0; i < 20; i++)
            {
                svc = await store.Services.UpdateAsync(svc);
            }

            if (!automatic)
            {
                await store.CompactAsync(15);
            }

            compacted = store.CompactedRevision;
            Assert.That(compacted, Is.GreaterThan(1));
        }

        using (var store = new ClusterStore(options))
        {
            Assert.That(store.CompactedRevision, Is.EqualTo(compacted), "the compacted revision is kept, as etcd keeps it");
            Assert.Throws<RevisionCompactedException>(() => store.Services.Get("default", "web", revision: compacted - 1));
            Assert.Throws<RevisionCompactedException>(() => store.Services.List(new() { Revision = compacted - 1 }));
            Assert.Throws<RevisionCompactedException>(() => store.Services.WatchAsync(new() { StartRevision = compacted - 1 }));
            Assert.That(store.Services.Get("default", "web", revision: compacted), Is.Not.Null);
            await store.Services.CreateAsync(Objects.Service("api", clusterIP: "10.96.0.11"));
        }

        using var again = new ClusterStore(options);
        Assert.That(again.CompactedRevision, Is.GreaterThanOrEqualTo(compacted));
        Assert.That(again.Revision, Is.EqualTo(22));
    }

    [Test]
    public void A_directory_is_held_by_one_store_at_a_time()
    {
        using var first = Open();
        var error = Assert.Throws<DataDirectoryLockedException>(() => Open());
        Assert.That(error!.Message, Does.Contain("in use by another store"));
        first.Dispose();
        using var again = Open();
    }

    [Test]
    public void A_read_only_file_system_is_reported_as_such_not_as_another_store()
    {
        // A real read-only mount where the machine allows it (root on Linux); otherwise there is nothing to test here.
        var mountPoint = _dir.Sub("ro");
        Directory.CreateDirectory(mountPoint);
        if (!OperatingSystem.IsLinux() || !Run("mount", $"-t tmpfs -o ro,size=1m tmpfs {mountPoint}"))
        {
            Assert.Ignore("mounting a read-only file system needs root on Linux");
        }

        try
        {
            var error = Assert.Throws<StoreUnavailableException>(() => new ClusterStore(new ClusterStoreOptions { DataDirectory = mountPoint }));
            Assert.That(error!.Message, Does.Not.Contain("another store"));
            Assert.That(error.Message, Does.Contain("Read-only file system"));
        }
        finally
        {
            Run("umount", mountPoint);
        }

        static bool Run(string command, string arguments)
        {
            try
            {
                using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(command, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
                process.WaitForExit();
                return process.ExitCode == 0;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return false;
            }
        }
    }

    [Test]
    public async Task Concurrent_writers_share_fsyncs_and_every_acknowledged_write_survives()
    {
        const int Writers = 64;
        const int Each = 20;
        using (var store = Open())
        {
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                for (var i = 0; i < Each; i++)
                {
                    var n = (w * Each) + i;
                    await store.Services.CreateAsync(Objects.Service($"s{n}", clusterIP: $"10.96.{n / 250}.{n % 250 + 1}"));
                }
            })));
            Assert.That(store.Revision, Is.EqualTo(Writers * Each));
        }

        using var reopened = Open();
        Assert.That(reopened.Revision, Is.EqualTo(Writers * Each));
        Assert.That(reopened.Services.List().Items, Has.Count.EqualTo(Writers * Each));
    }

    [Test]
    public async Task Segments_rotate_and_replay_in_order()
    {
        using (var store = Open(segmentBytes: 4096))
        {
            var svc = await store.Services.CreateAsync(Objects.Service());
            for (var i = 0; i < 200; i++)
            {
                svc = await store.Services.UpdateAsync(svc);
            }
        }

        Assert.That(WalReader.Segments(Path.Combine(_dir.Path, "wal")), Has.Count.GreaterThan(5));
        using var reopened = Open();
        Assert.That(reopened.Services.Get("default", "web")!.Metadata.Version, Is.EqualTo(201));
    }

    [Test]
    public async Task The_last_record_cut_at_any_byte_opens_to_the_last_complete_revision()
    {
        var (segment, full) = await WriteServices(3);
        var recordStarts = RecordStarts(full);
        var lastTwo = recordStarts[^2];
        for (var cut = lastTwo; cut < full.Length; cut++)
        {
            await File.WriteAllBytesAsync(segment, full[..cut]);
            var expected = cut < recordStarts[^1] ? 1 : 2;
            using (var store = Open())
            {
                Assert.That(store.Revision, Is.EqualTo(expected), $"cut at {cut}");
                Assert.That(store.Services.List().Items, Has.Count.EqualTo(expected));
                var next = await store.Services.CreateAsync(Objects.Service("later", clusterIP: "10.96.1.1"));
                Assert.That(next.Metadata.ResourceVersion, Is.EqualTo(expected + 1));
            }

            using (var store = Open())
            {
                Assert.That(store.Revision, Is.EqualTo(expected + 1), $"after the cut at {cut}, a new write lands and survives");
            }
        }
    }

    [Test]
    public async Task A_flipped_bit_in_a_length_field_of_the_last_segment_stops_the_open_instead_of_dropping_records([Values(0, 1, 2)] int record, [Values(20, 27, 30)] int bit)
    {
        // A length made larger than the file looks like a record cut short by a crash; but acknowledged records follow
        // it (or, for the last one, the bytes after it are the whole record), so it is damage: nothing may be cut.
        var (segment, bytes) = await WriteServices(4);
        var starts = RecordStarts(bytes);
        var target = record == 2 ? starts[^1] : starts[record];
        bytes[target + (bit / 8)] ^= (byte)(1 << (bit % 8));
        await File.WriteAllBytesAsync(segment, bytes);

        var error = Assert.Throws<CorruptDataException>(() => Open());
        Assert.That(error!.Message, Does.Contain(Path.GetFileName(segment)));
        Assert.That(error.Offset, Is.EqualTo(target));
        Assert.That(await File.ReadAllBytesAsync(segment), Is.EqualTo(bytes), "the damaged log is left as it was");
    }

    [Test]
    public async Task A_flipped_bit_in_an_earlier_record_is_reported_with_file_and_offset()
    {
        using (var store = Open(DurabilityMode.None))
        {
            for (var i = 0; i < 3; i++)
            {
                await store.Services.CreateAsync(Objects.Service($"s{i}", clusterIP: $"10.96.0.{i + 1}"));
            }
        }

        var segment = WalReader.Segments(Path.Combine(_dir.Path, "wal")).Single();
        var bytes = await File.ReadAllBytesAsync(segment);
        var starts = RecordStarts(bytes);
        for (var record = 0; record < starts.Count; record++)
        {
            var corrupted = (byte[])bytes.Clone();
            corrupted[starts[record] + 20] ^= 0x04;
            await File.WriteAllBytesAsync(segment, corrupted);
            var error = Assert.Throws<CorruptDataException>(() => Open(), $"record {record}");
            Assert.That(error!.DataSource, Is.EqualTo(segment));
            Assert.That(error.Offset, Is.EqualTo(starts[record]));
            Assert.That(error.Message, Does.Contain("checksum"));
        }
    }

    /// <summary>Creates <paramref name="count"/> Services without fsync and returns the one log segment and its bytes.</summary>
    private async Task<(string Segment, byte[] Bytes)> WriteServices(int count)
    {
        using (var store = Open(DurabilityMode.None))
        {
            for (var i = 0; i < count; i++)
            {
                await store.Services.CreateAsync(Objects.Service($"s{i}", clusterIP: $"10.96.0.{i + 1}"));
            }
        }

        var segment = WalReader.Segments(Path.Combine(_dir.Path, "wal")).Single();
        return (segment, await File.ReadAllBytesAsync(segment));
    }

    private static List<int> RecordStarts(byte[] segment)
    {
        var starts = new List<int>();
        var position = WalWriter.SegmentHeader.Length;
        while (position < segment.Length)
        {
            starts.Add(position);
            position += 8 + BitConverter.ToInt32(segment, position);
        }

        return starts;
    }
}
