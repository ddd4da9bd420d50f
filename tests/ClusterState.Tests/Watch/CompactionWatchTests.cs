using ClusterState.Kinds;
using System.Buffers.Binary;
using ClusterState.Model;
using ClusterState.Persistence;
using ClusterState.Storage;
using ClusterState.Tests.Persistence;

namespace ClusterState.Tests.Watch;

/// <summary>
/// Watches at the edge of compaction: a watch from the compaction revision works however the store got there (a
/// compaction, a restore, a reopen from a snapshot, a Raft snapshot install), and compaction fails a watch only when
/// it dropped events the watch would deliver.
/// </summary>
public sealed class CompactionWatchTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    /// <summary>Every event (with previous objects) from <paramref name="from"/> through the batch at <paramref name="through"/>.</summary>
    private static async Task<List<WatchEvent<ClusterObject>>> Collect(IClusterStore store, long from, long through)
    {
        using var cts = new CancellationTokenSource(TaskTimeouts.Long);
        var events = new List<WatchEvent<ClusterObject>>();
        await foreach (var e in store.WatchAsync(new WatchOptions { StartRevision = from, IncludePreviousObject = true }, cts.Token))
        {
            events.Add(e);
            if (e.Revision >= through && e.IsLastInBatch)
            {
                break;
            }
        }

        return events;
    }

    /// <summary>Writes a mix of creates, updates and deletes, ending with one batch that does all three.</summary>
    /// <summary>What two stores given the same writes agree on (uids and creation times are their own).</summary>
    private static (string Name, long ResourceVersion, long Version, StringMap Labels, ServiceSpec Spec) Comparable(Service s) =>
        (s.Metadata.Name, s.Metadata.ResourceVersion, s.Metadata.Version, s.Metadata.Labels, s.Spec);

    private static async Task Write(IClusterStore store)
    {
        for (var i = 0; i < 30; i++)
        {
            await store.Services.CreateAsync(Objects.Service($"s{i}", clusterIP: $"10.96.1.{i + 1}"));
        }

        for (var i = 0; i < 30; i += 3)
        {
            var s = store.Services.Get("default", $"s{i}")!;
            await store.Services.UpdateAsync(s with { Metadata = s.Metadata with { Labels = StringMap.Of(("i", "x")) } });
        }

        var updated = store.Services.Get("default", "s1")!;
        await store.Transaction().Then(
            TxnOperation.Create(Objects.Slice("s2", "s2-a", ips: "10.1.0.2")),
            TxnOperation.Update(updated with { Metadata = updated.Metadata with { Labels = StringMap.Of(("last", "yes")) } }),
            TxnOperation.Delete<Service>("default", "s4")).CommitAsync();
    }

    [Test]
    public async Task A_restored_backup_serves_a_watch_from_its_compaction_revision_with_that_revision_s_batch()
    {
        using var source = new ClusterStore(new ClusterStoreOptions { HistoryRetention = null });
        await Write(source);
        var revision = source.Revision;
        var expected = await Collect(source, revision, revision);
        Assert.That(expected.Select(e => e.Type), Is.EqualTo(new[] { WatchEventType.Added, WatchEventType.Modified, WatchEventType.Deleted }));

        using var backup = new MemoryStream();
        await source.SaveSnapshotAsync(backup);
        backup.Position = 0;
        using (var restored = await ClusterStore.RestoreAsync(backup))
        {
            Assert.That(restored.CompactedRevision, Is.EqualTo(revision));
            Assert.That(await Collect(restored, restored.CompactedRevision, revision), Is.EqualTo(expected), "in memory");
        }

        backup.Position = 0;
        var options = new ClusterStoreOptions { DataDirectory = _dir.Path, Durability = DurabilityMode.None };
        (await ClusterStore.RestoreAsync(backup, options)).Dispose();
        using var reopened = new ClusterStore(options);
        Assert.That(await Collect(reopened, reopened.CompactedRevision, revision), Is.EqualTo(expected), "restored into a directory and opened");
    }

    [Test]
    public async Task A_store_reopened_from_its_own_snapshot_serves_a_watch_from_its_compaction_revision()
    {
        var options = new ClusterStoreOptions { DataDirectory = _dir.Path, SnapshotEveryRevisions = 20, WalSegmentBytes = 4096, HistoryRetention = null, Durability = DurabilityMode.None };
        List<WatchEvent<ClusterObject>> all;
        using (var store = new ClusterStore(options))
        {
            await Write(store);
            all = await Collect(store, 1, store.Revision);
        }

        using var reopened = new ClusterStore(options);
        var compacted = reopened.CompactedRevision;
        Assert.That(compacted, Is.GreaterThan(1), "opened from a snapshot");
        var watched = await Collect(reopened, compacted, reopened.Revision);
        Assert.That(watched, Is.EqualTo(all.Where(e => e.Revision >= compacted).ToList()));
    }

    [Test]
    public async Task A_snapshot_install_keeps_the_snapshot_revision_s_batch_for_watches()
    {
        using var leader = new ClusterStore(new ClusterStoreOptions { HistoryRetention = null });
        await Write(leader);
        var revision = leader.Revision;
        var expected = await Collect(leader, revision, revision);

        // A follower that applied the first revisions, then catches up from the leader's snapshot (as Raft sends it).
        using var follower = new ClusterStore(new ClusterStoreOptions { HistoryRetention = null });
        await follower.Services.CreateAsync(Objects.Service("s0", clusterIP: "10.96.1.1"));
        using var bytes = new MemoryStream();
        await SnapshotFile.WriteAsync(bytes, leader.State.CaptureCurrent(), KindRegistry.BuiltIn, DateTimeOffset.UnixEpoch, CancellationToken.None);
        follower.State.InstallSnapshot(SnapshotFile.Read(bytes.ToArray(), KindRegistry.BuiltIn, "raft snapshot").Image);

        Assert.That(follower.CompactedRevision, Is.EqualTo(revision));
        Assert.That(await Collect(follower, revision, revision), Is.EqualTo(expected));
        Assert.ThrowsAsync<RevisionCompactedException>(() => Collect(follower, revision - 1, revision));
    }

    [Test]
    public async Task A_format_1_snapshot_without_its_batch_names_the_next_revision_as_the_oldest_to_watch_from()
    {
        // Written by the first release (Fixtures/Format1/Generate.cs.txt) after the same writes as Write.
        using var source = new ClusterStore();
        await Write(source);
        var revision = source.Revision;
        var v1 = await File.ReadAllBytesAsync(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "Format1", "format1-nobatch.snap"));

        using var restored = await ClusterStore.RestoreAsync(new MemoryStream(v1));
        Assert.That(restored.CompactedRevision, Is.EqualTo(revision));
        Assert.That(restored.Services.List().Items.Select(Comparable), Is.EqualTo(source.Services.List().Items.Select(Comparable)));
        var error = Assert.Throws<RevisionCompactedException>(() => restored.WatchAsync(new WatchOptions { StartRevision = revision }));
        Assert.That(error!.CompactedRevision, Is.EqualTo(revision + 1), "the error names a revision the watch can start from");

        using var cts = new CancellationTokenSource(TaskTimeouts.Long);
        var next = restored.Services.WatchAsync(new WatchOptions { StartRevision = error.CompactedRevision }, cts.Token).TakeAsync(1);
        await restored.Services.CreateAsync(Objects.Service("late", clusterIP: "10.96.2.1"));
        Assert.That((await next)[0].Revision, Is.EqualTo(revision + 1));
    }

    [Test]
    public async Task An_idle_watch_is_not_failed_by_compacting_other_kinds_writes([Values(20)] int rounds)
    {
        using var store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = null });
        using var cts = new CancellationTokenSource(TaskTimeouts.Long);
        for (var round = 0; round < rounds; round++)
        {
            // The watch is created and not read until the writes and the compaction are done: it has not gone past
            // any of the batches compaction drops.
            var services = store.Services.WatchAsync(cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
            var named = store.Services.WatchAsync(new WatchOptions { Namespace = "default" }, cts.Token).GetAsyncEnumerator(cts.Token);
            try
            {
                for (var i = 0; i < 50; i++)
                {
                    await store.EndpointSlices.CreateAsync(Objects.Slice("web", $"r{round}-{i}", ips: "10.1.0.1"));
                }

                await store.CompactAsync(store.Revision);
                var created = await store.Services.CreateAsync(Objects.Service($"s{round}", clusterIP: $"10.96.3.{round + 1}"));
                Assert.That(await services.MoveNextAsync(), Is.True);
                Assert.That(services.Current.Object, Is.EqualTo(created), $"round {round}");
                Assert.That(await named.MoveNextAsync(), Is.True);
                Assert.That(named.Current.Revision, Is.EqualTo(created.Metadata.ResourceVersion));
            }
            finally
            {
                await services.DisposeAsync();
                await named.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task A_lagging_watch_fails_when_compaction_dropped_events_it_would_deliver()
    {
        using var store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = null });
        using var cts = new CancellationTokenSource(TaskTimeouts.Long);
        var services = store.Services.WatchAsync(cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        var everything = store.WatchAsync(cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        var slices = store.EndpointSlices.WatchAsync(cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        var policies = store.NetworkPolicies.WatchAsync(cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        try
        {
            await store.Services.CreateAsync(Objects.Service());
            await store.EndpointSlices.CreateAsync(Objects.Slice());
            await store.EndpointSlices.CreateAsync(Objects.Slice(name: "web-2"));
            await store.CompactAsync(store.Revision);

            var error = Assert.ThrowsAsync<RevisionCompactedException>(async () => await services.MoveNextAsync());
            Assert.That((error!.RequestedRevision, error.CompactedRevision), Is.EqualTo((1L, 3L)));
            Assert.ThrowsAsync<RevisionCompactedException>(async () => await everything.MoveNextAsync(), "a watch of every kind");
            Assert.ThrowsAsync<RevisionCompactedException>(async () => await slices.MoveNextAsync(), "the slice at revision 2 is gone");

            // Nothing of its kind was dropped: it goes on from the batch at the compaction revision.
            var policy = await store.NetworkPolicies.CreateAsync(Objects.Policy());
            Assert.That(await policies.MoveNextAsync(), Is.True);
            Assert.That(policies.Current.Object, Is.EqualTo(policy));
        }
        finally
        {
            await services.DisposeAsync();
            await everything.DisposeAsync();
            await slices.DisposeAsync();
            await policies.DisposeAsync();
        }
    }
}
