using ClusterState.Model;

namespace ClusterState.Tests.Mvcc;

/// <summary>Compaction: history below the revision is dropped; reads and watches there fail with a typed error.</summary>
public sealed class CompactionTests
{
    [Test]
    public async Task Reads_below_the_compaction_revision_fail_and_reads_at_or_above_it_work()
    {
        using var store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = null });
        var v1 = await store.Services.CreateAsync(Objects.Service());
        var v2 = await store.Services.UpdateUnconditionallyAsync(Objects.Service() with { Spec = v1.Spec with { PublishNotReadyAddresses = true } });
        var v3 = await store.Services.UpdateUnconditionallyAsync(Objects.Service());
        await store.CompactAsync(2);

        var error = Assert.Throws<RevisionCompactedException>(() => store.Services.Get("default", "web", revision: 1));
        Assert.Multiple(() =>
        {
            Assert.That(error!.CompactedRevision, Is.EqualTo(2));
            Assert.That(error.RequestedRevision, Is.EqualTo(1));
            Assert.That(error.Message, Does.Contain("revision 1 has been compacted"));
            Assert.That(store.Services.Get("default", "web", revision: 2), Is.EqualTo(v2));
            Assert.That(store.Services.Get("default", "web", revision: 3), Is.EqualTo(v3));
            Assert.That(store.CompactedRevision, Is.EqualTo(2));
        });
        Assert.Throws<RevisionCompactedException>(() => store.Services.List(new() { Revision = 1 }));
    }

    [Test]
    public async Task Compacting_again_at_or_below_the_compaction_revision_is_an_error()
    {
        using var store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = null });
        await store.Services.CreateAsync(Objects.Service());
        await store.Services.CreateAsync(Objects.Service("b", clusterIP: "10.96.0.11"));
        await store.CompactAsync(2);
        Assert.ThrowsAsync<RevisionCompactedException>(async () => await store.CompactAsync(2));
        Assert.ThrowsAsync<FutureRevisionException>(async () => await store.CompactAsync(3));
    }

    [Test]
    public async Task Deleted_keys_disappear_after_compaction_and_can_be_created_again()
    {
        using var store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = null });
        await store.Services.CreateAsync(Objects.Service());
        await store.Services.DeleteAsync("default", "web");
        Assert.That(store.State.KeyCount, Is.EqualTo(1), "a tombstone keeps the key until compaction");
        await store.CompactAsync(2);
        Assert.That(store.State.KeyCount, Is.Zero);
        Assert.That(store.Services.Get("default", "web", revision: 2), Is.Null);
        var again = await store.Services.CreateAsync(Objects.Service());
        Assert.That(again.Metadata.CreateRevision, Is.EqualTo(3));
        Assert.That(store.Services.List().Items, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Automatic_compaction_keeps_the_configured_history()
    {
        using var store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = 100 });
        var svc = await store.Services.CreateAsync(Objects.Service());
        for (var i = 0; i < 1000; i++)
        {
            svc = await store.Services.UpdateAsync(svc);
        }

        Assert.That(store.Revision, Is.EqualTo(1001));
        Assert.That(store.CompactedRevision, Is.InRange(1001 - 100 - 12, 1001 - 100));
        Assert.That(store.Services.Get("default", "web", revision: 1001 - 100)!.Metadata.Version, Is.EqualTo(901));
        Assert.Throws<RevisionCompactedException>(() => store.Services.Get("default", "web", revision: 1));
    }

    [Test]
    public async Task Compaction_drops_every_version_no_read_can_see_including_keys_last_written_long_before()
    {
        using var store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = null });
        var a = await store.Services.CreateAsync(Objects.Service("a", clusterIP: "10.96.0.1"));     // 1
        var b = await store.Services.CreateAsync(Objects.Service("b", clusterIP: "10.96.0.2"));     // 2
        for (var i = 0; i < 3; i++)
        {
            a = await store.Services.UpdateAsync(a);                                                  // 3, 4, 5
        }

        await store.CompactAsync(4);
        b = await store.Services.UpdateAsync(b);                                                      // 6
        b = await store.Services.UpdateAsync(b);                                                      // 7
        await store.Services.DeleteAsync("default", "a");                                             // 8
        await store.Services.CreateAsync(Objects.Service("c", clusterIP: "10.96.0.3"));             // 9
        List<long> Versions(string name) => store.State.VersionRevisions(ClusterState.Model.ResourceKind.Service, new ClusterState.Storage.ObjectName("default", name));
        Assert.Multiple(() =>
        {
            Assert.That(Versions("a"), Is.EqualTo(new long[] { 8, 5, 4 }), "at 4: the version visible there and everything newer");
            Assert.That(Versions("b"), Is.EqualTo(new long[] { 7, 6, 2 }), "b was not written between the compactions, nothing to drop");
        });

        await store.CompactAsync(7);
        Assert.Multiple(() =>
        {
            Assert.That(Versions("a"), Is.EqualTo(new long[] { 8, 5 }));
            Assert.That(Versions("b"), Is.EqualTo(new long[] { 7 }), "its versions before 7 went though it was created long before");
        });

        await store.CompactAsync(9);
        Assert.Multiple(() =>
        {
            Assert.That(Versions("a"), Is.Empty, "deleted at 8: the key is gone");
            Assert.That(Versions("b"), Is.EqualTo(new long[] { 7 }));
            Assert.That(Versions("c"), Is.EqualTo(new long[] { 9 }));
            Assert.That(store.State.KeyCount, Is.EqualTo(2));
            Assert.That(store.Services.Get("default", "b", revision: 9), Is.EqualTo(b));
        });
    }

    [Test]
    public async Task After_a_snapshot_install_the_next_compaction_also_trims_keys_no_batch_names()
    {
        using var store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = null });
        var a = await store.Services.CreateAsync(Objects.Service("a", clusterIP: "10.96.0.1"));     // 1
        a = await store.Services.UpdateAsync(a);                                                      // 2
        await store.Services.CreateAsync(Objects.Service("b", clusterIP: "10.96.0.2"));             // 3

        // A follower catching up from its leader's snapshot at revision 10: a changed at 9, b is gone.
        store.State.InstallSnapshot(new ClusterState.Storage.StateImage(10, [a with { Metadata = a.Metadata with { ResourceVersion = 9, Version = 3 } }], null));
        await store.Services.CreateAsync(Objects.Service("c", clusterIP: "10.96.0.3"));             // 11
        List<long> Versions(string name) => store.State.VersionRevisions(ClusterState.Model.ResourceKind.Service, new ClusterState.Storage.ObjectName("default", name));
        Assert.That(Versions("a"), Is.EqualTo(new long[] { 9, 2, 1 }));

        await store.CompactAsync(11);
        Assert.Multiple(() =>
        {
            Assert.That(Versions("a"), Is.EqualTo(new long[] { 9 }));
            Assert.That(Versions("b"), Is.Empty, "its tombstone from the install is gone with the key");
            Assert.That(store.State.KeyCount, Is.EqualTo(2));
        });
    }
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public async Task Random_writes_deletes_recreations_and_compactions_keep_exactly_the_versions_reads_can_see(int seed)
    {
        // Every key's versions after each compaction, against a model of what was written: the newest version at or
        // below the compaction revision and everything newer, a tombstone dropped with what it hid, a deleted key
        // removed once its tombstone is compacted; reads at every revision still allowed answer as before.
        var random = new Random(seed);
        using var store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = null });
        var names = Enumerable.Range(0, 6).Select(i => "k" + i).ToArray();
        var writes = names.ToDictionary(n => n, _ => new List<(long Revision, bool Deleted)>());
        var states = new List<Dictionary<string, Service>> { new() };
        var live = new Dictionary<string, Service>();
        var compacted = 0L;
        for (var step = 0; step < 600; step++)
        {
            var name = names[random.Next(names.Length)];
            if (!live.TryGetValue(name, out var current))
            {
                live[name] = await store.Services.CreateAsync(Objects.Service(name, port: random.Next(1, 60_000)));
                writes[name].Add((store.Revision, false));
            }
            else if (random.Next(4) == 0)
            {
                await store.Services.DeleteAsync("default", name);
                live.Remove(name);
                writes[name].Add((store.Revision, true));
            }
            else
            {
                live[name] = await store.Services.UpdateAsync(current with { Spec = current.Spec with { Ports = [new ServicePort { Port = random.Next(1, 60_000) }] } });
                writes[name].Add((store.Revision, false));
            }

            states.Add(new Dictionary<string, Service>(live));
            if (random.Next(12) != 0 || store.Revision <= compacted + 1)
            {
                continue;
            }

            compacted = random.Next((int)compacted + 1, (int)store.Revision + 1);
            await store.CompactAsync(compacted);
            foreach (var key in names)
            {
                var history = writes[key];
                var newer = history.Where(w => w.Revision > compacted).Select(w => w.Revision).Reverse().ToList();
                var visible = history.LastOrDefault(w => w.Revision <= compacted);
                var expected = visible.Revision == 0 ? newer
                    : !visible.Deleted ? [.. newer, visible.Revision]
                    : newer;
                Assert.That(store.State.VersionRevisions(ResourceKind.Service, new ClusterState.Storage.ObjectName("default", key)), Is.EqualTo(expected),
                    $"{key} after compacting at {compacted} (seed {seed}, step {step})");
            }

            for (var revision = compacted; revision <= store.Revision; revision++)
            {
                foreach (var key in names)
                {
                    var model = states[(int)revision].GetValueOrDefault(key);
                    Assert.That(store.Services.Get("default", key, revision: revision), Is.EqualTo(model), $"{key} at {revision} after compacting at {compacted}");
                }
            }
        }

        Assert.That(compacted, Is.GreaterThan(300), "the run compacted far into its history");
    }
}
