using ClusterState.Kinds;
using System.Buffers.Binary;
using ClusterState.Model;
using ClusterState.Persistence;
using ClusterState.Storage;

namespace ClusterState.Tests.Persistence;

/// <summary>Snapshots (the store's own, and backups): consistent, checked, restorable.</summary>
public sealed class SnapshotTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private static List<ClusterObject> Everything(IClusterStore store, long? revision = null) =>
    [
        .. store.Services.List(new() { Revision = revision }).Items,
        .. store.Endpoints.List(new() { Revision = revision }).Items,
        .. store.EndpointSlices.List(new() { Revision = revision }).Items,
        .. store.NetworkPolicies.List(new() { Revision = revision }).Items,
        .. store.NetworkConfigs.List(new() { Revision = revision }).Items,
    ];

    /// <summary>A durable store that snapshots every 100 revisions, in small segments, without fsync.</summary>
    private ClusterStoreOptions SnapshotEvery100() =>
        new() { DataDirectory = _dir.Path, SnapshotEveryRevisions = 100, WalSegmentBytes = 4096, HistoryRetention = null, Durability = DurabilityMode.None };

    private static async Task Churn(IClusterStore store, int writes, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < writes; i++)
        {
            var n = random.Next(40);
            var name = $"s{n}";
            var existing = store.Services.Get("default", name);
            if (existing is null)
            {
                await store.Services.CreateAsync(Objects.Service(name, clusterIP: $"10.96.0.{n + 1}"));
            }
            else if (random.Next(5) == 0)
            {
                await store.Services.DeleteAsync("default", name);
            }
            else
            {
                await store.Services.UpdateAsync(existing with { Metadata = existing.Metadata with { Annotations = StringMap.Of(("i", i.ToString(System.Globalization.CultureInfo.InvariantCulture))) } });
            }
        }
    }

    [Test]
    public async Task A_damaged_newest_snapshot_falls_back_to_the_older_one_and_its_log()
    {
        var options = SnapshotEvery100();
        List<ClusterObject> before;
        long revision;
        using (var store = new ClusterStore(options))
        {
            // A snapshot starts at revision 100 at the latest: none is running yet.
            await Churn(store, 300, seed: 3);
        }

        using (var store = new ClusterStore(options))
        {
            // And another one here: each open starts with no snapshot running.
            await Churn(store, 300, seed: 4);
            before = Everything(store);
            revision = store.Revision;
        }

        var snapshots = Snapshotter.Snapshots(_dir.Sub("snap"));
        Assert.That(snapshots, Has.Count.EqualTo(2));
        var bytes = await File.ReadAllBytesAsync(snapshots[^1]);
        bytes[bytes.Length / 2] ^= 0x10;
        await File.WriteAllBytesAsync(snapshots[^1], bytes);

        var logs = new ListLogger();
        using (var store = new ClusterStore(options, loggerFactory: logs))
        {
            Assert.That(store.Revision, Is.EqualTo(revision));
            Assert.That(Everything(store), Is.EqualTo(before));
            Assert.That(store.CompactedRevision, Is.EqualTo(Snapshotter.RevisionOf(snapshots[0])), "opened from the older snapshot");
        }

        Assert.That(logs.Messages, Has.Some.Contains("is damaged"));
        Assert.That(File.Exists(snapshots[^1] + ".damaged"), Is.True, "the damaged snapshot is kept aside for inspection");
    }

    [Test]
    public async Task A_crafted_backup_is_refused_whole_before_anything_is_written()
    {
        var web = Objects.Service();
        using var source = new ClusterStore();
        web = await source.Services.CreateAsync(web);
        var crafted = new Dictionary<string, (long Revision, List<ClusterObject> Objects)>
        {
            ["an object listed twice"] = (1, [web, web]),
            ["a revision near long.MaxValue"] = (long.MaxValue - 1, [web]),
            ["an object the store's rules refuse"] = (1, [web with { Spec = web.Spec with { Ports = [new ServicePort { Port = 70000 }] } }]),
        };

        foreach (var (name, (revision, objects)) in crafted)
        {
            using var backup = new MemoryStream();
            await SnapshotFile.WriteAsync(backup, new StateImage(revision, objects, null), KindRegistry.BuiltIn, DateTimeOffset.UnixEpoch, CancellationToken.None);
            var target = _dir.Sub(name.Replace(' ', '-'));
            backup.Position = 0;
            Assert.ThrowsAsync<CorruptDataException>(async () => (await ClusterStore.RestoreAsync(backup, new ClusterStoreOptions { DataDirectory = target })).Dispose(), name);
            Assert.That(Directory.Exists(Path.Combine(target, "snap")) ? Directory.GetFiles(Path.Combine(target, "snap")) : [], Is.Empty, $"{name}: nothing written");
            backup.Position = 0;
            Assert.ThrowsAsync<CorruptDataException>(async () => (await ClusterStore.RestoreAsync(backup)).Dispose(), name + " (in memory)");
        }
    }

    [Test]
    public async Task Background_snapshots_trim_the_log_and_reopening_restores_the_same_state()
    {
        var options = SnapshotEvery100();
        List<ClusterObject> before;
        long revision;
        using (var store = new ClusterStore(options))
        {
            await store.NetworkConfigs.CreateAsync(Objects.Config());
            await Churn(store, 1000, seed: 1);
            before = Everything(store);
            revision = store.Revision;
        }

        var snapshots = Snapshotter.Snapshots(_dir.Sub("snap"));
        Assert.That(snapshots, Has.Count.InRange(1, 2));
        var newest = Snapshotter.RevisionOf(snapshots[^1]);
        // Snapshots run in the background: how close the newest is to the last write depends on the machine's load,
        // so only that one was taken is asserted here.
        Assert.That(newest, Is.InRange(100, revision));
        Assert.That(WalReader.Segments(_dir.Sub("wal")).Select(Snapshotter.RevisionOf).Min(), Is.GreaterThan(1), "segments before the snapshots were removed");

        using (var store = new ClusterStore(options))
        {
            Assert.That(store.Revision, Is.EqualTo(revision));
            Assert.That(Everything(store), Is.EqualTo(before));
            Assert.That(store.CompactedRevision, Is.EqualTo(newest), "history before the snapshot is not kept");
            Assert.Throws<RevisionCompactedException>(() => store.Services.List(new() { Revision = newest - 1 }));
            await Churn(store, 50, seed: 2);
            Assert.That(store.Revision, Is.EqualTo(revision + 50));
        }
    }

    [Test]
    public async Task A_backup_taken_under_concurrent_writes_restores_exactly_the_state_at_its_revision()
    {
        using var store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = null });
        await Churn(store, 200, seed: 3);
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            var seed = 10;
            while (!stop.IsCancellationRequested)
            {
                await Churn(store, 20, seed++);
            }
        });

        await Task.Delay(50);
        using var backup = new MemoryStream();
        var info = await store.SaveSnapshotAsync(backup);
        await Task.Delay(50);
        await stop.CancelAsync();
        await writer;
        Assert.That(store.Revision, Is.GreaterThan(info.Revision), "writes went on during the backup");

        backup.Position = 0;
        var inspected = await ClusterStore.InspectSnapshotAsync(backup);
        Assert.That(inspected.Revision, Is.EqualTo(info.Revision));
        Assert.That(inspected.Checksum, Is.EqualTo(info.Checksum));
        Assert.That(inspected.ObjectCounts[ResourceKind.Service], Is.EqualTo(store.Services.List(new() { Revision = info.Revision }).Items.Count));

        backup.Position = 0;
        using var restored = await ClusterStore.RestoreAsync(backup);
        Assert.That(restored.Revision, Is.EqualTo(info.Revision));
        Assert.That(Everything(restored), Is.EqualTo(Everything(store, info.Revision)));
        var next = await restored.NetworkPolicies.CreateAsync(Objects.Policy());
        Assert.That(next.Metadata.ResourceVersion, Is.EqualTo(info.Revision + 1));
    }

    [Test]
    public async Task A_restore_into_a_directory_is_durable_and_refuses_a_directory_in_use()
    {
        using var source = new ClusterStore();
        await Churn(source, 100, seed: 4);
        using var backup = new MemoryStream();
        await source.SaveSnapshotAsync(backup);

        var options = new ClusterStoreOptions { DataDirectory = _dir.Path };
        backup.Position = 0;
        using (var restored = await ClusterStore.RestoreAsync(backup, options))
        {
            await restored.NetworkPolicies.CreateAsync(Objects.Policy());
        }

        using (var reopened = new ClusterStore(options))
        {
            Assert.That(reopened.Revision, Is.EqualTo(source.Revision + 1));
            Assert.That(Everything(reopened).OfType<Service>(), Is.EqualTo(Everything(source).OfType<Service>()));
        }

        backup.Position = 0;
        Assert.ThrowsAsync<StoreUnavailableException>(async () => await ClusterStore.RestoreAsync(backup, options));
    }

    [Test]
    public async Task Corrupted_or_foreign_backups_fail_cleanly()
    {
        using var store = new ClusterStore();
        await Churn(store, 50, seed: 5);
        using var backup = new MemoryStream();
        await store.SaveSnapshotAsync(backup);
        var bytes = backup.ToArray();

        var flipped = (byte[])bytes.Clone();
        flipped[bytes.Length / 2] ^= 0x10;
        var error = Assert.ThrowsAsync<CorruptDataException>(async () => await ClusterStore.RestoreAsync(new MemoryStream(flipped)));
        Assert.That(error!.Problem, Does.Contain("checksum"));
        Assert.ThrowsAsync<CorruptDataException>(async () => await ClusterStore.InspectSnapshotAsync(new MemoryStream(flipped)));
        Assert.ThrowsAsync<CorruptDataException>(async () => await ClusterStore.InspectSnapshotAsync(new MemoryStream("{\"not\":\"a snapshot\"}"u8.ToArray())));
        Assert.ThrowsAsync<CorruptDataException>(async () => await ClusterStore.RestoreAsync(new MemoryStream(bytes[..^10])));
        Assert.ThrowsAsync<CorruptDataException>(async () => await ClusterStore.RestoreAsync(new MemoryStream([])));
    }

    [Test]
    public async Task Mutated_snapshots_with_a_recomputed_checksum_fail_only_with_the_typed_error()
    {
        using var store = new ClusterStore();
        await store.NetworkConfigs.CreateAsync(Objects.Config());
        await store.NetworkPolicies.CreateAsync(Objects.Policy());
        await Churn(store, 30, seed: 6);
        using var backup = new MemoryStream();
        await store.SaveSnapshotAsync(backup);
        var bytes = backup.ToArray();
        for (var seed = 0; seed < 3000; seed++)
        {
            var random = new Random(seed);
            var mutated = (byte[])bytes.Clone();
            for (var k = random.Next(1, 4); k > 0; k--)
            {
                mutated[random.Next(8, mutated.Length - 4)] = (byte)random.Next(256);
            }

            BinaryPrimitives.WriteUInt32LittleEndian(mutated.AsSpan(mutated.Length - 4), Crc32C.Compute(mutated.AsSpan(0, mutated.Length - 4)));
            try
            {
                SnapshotFile.Read(mutated, KindRegistry.BuiltIn, "fuzz");
            }
            catch (Exception ex) when (ex is CorruptDataException or UnknownKindException)
            {
                // The only acceptable failures: damage, or a kind name changed into one the store does not hold (a mutation cannot be told from a kind of another program).
            }
            catch (Exception ex)
            {
                Assert.Fail($"seed {seed}: {ex}");
            }
        }
    }
}
