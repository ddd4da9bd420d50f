using ClusterState.Model;
using ClusterState.Tests.Watch;

namespace ClusterState.Tests.Persistence;

/// <summary>What the writer accepts, the reader reads back: no write within the limits makes a store unopenable.</summary>
public sealed class LimitTests
{
    [Test]
    public async Task A_transaction_of_the_largest_objects_is_refused_before_it_reaches_the_log()
    {
        // 700 objects at the 1.5 MiB object limit and within the operation limit: over 1 GiB, which the log's reader
        // refuses as one record. The transaction size limit refuses it at the door.
        using var dir = new TempDirectory();
        var options = new ClusterStoreOptions { DataDirectory = dir.Path, HistoryRetention = null };
        var big = new string('x', (int)ClusterStoreOptions.DefaultMaxObjectBytes - 1024);
        var configs = Enumerable.Range(0, 700).Select(i => TxnOperation.Create(new ClusterNetworkConfig
        {
            Metadata = new() { Name = $"c{i}" },
            Spec = new() { PluginSettings = StringMap.Of(("blob", big)) },
        })).ToArray();
        using (var store = new ClusterStore(options))
        {
            var error = Assert.ThrowsAsync<LimitExceededException>(async () => await store.Transaction().Then(configs).CommitAsync());
            Assert.That(error!.Limit, Is.EqualTo("transaction size (bytes)"));
            Assert.That(store.Revision, Is.Zero);
            await store.Transaction().Then(configs[..3]).CommitAsync();
        }

        using var reopened = new ClusterStore(options);
        Assert.That(reopened.Revision, Is.EqualTo(1));
        Assert.That(reopened.NetworkConfigs.List().Items, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task A_record_over_the_writers_limit_is_refused_and_leaves_nothing_applied()
    {
        using var dir = new TempDirectory();
        var options = new ClusterStoreOptions { DataDirectory = dir.Path, MaxLogRecordBytes = 2048 };
        var services = Enumerable.Range(0, 20).Select(i => TxnOperation.Create(Objects.Service($"s{i}", clusterIP: $"10.96.0.{i + 1}"))).ToArray();
        using (var store = new ClusterStore(options))
        {
            var one = await store.Services.CreateAsync(Objects.Service("first", clusterIP: "10.96.1.1"));
            var error = Assert.ThrowsAsync<LimitExceededException>(async () => await store.Transaction().Then([.. services, TxnOperation.Delete<Service>("default", "first")]).CommitAsync());
            Assert.That(error!.Limit, Is.EqualTo("log record size (bytes)"));
            Assert.Multiple(() =>
            {
                Assert.That(store.Revision, Is.EqualTo(1));
                Assert.That(store.Services.List().Items, Is.EqualTo(new[] { one }));
                Assert.That(store.Services.Get("default", "s0"), Is.Null);
            });

            var next = await store.Services.CreateAsync(Objects.Service("second", clusterIP: "10.96.1.2"));
            Assert.That(next.Metadata.ResourceVersion, Is.EqualTo(2), "the refused write used no revision");
            var events = await store.Services.WatchAsync(new() { StartRevision = 1 }).TakeAsyncWithin(2);
            Assert.That(events.Select(e => (e.Revision, e.Object!.Metadata.Name)), Is.EqualTo(new[] { (1L, "first"), (2L, "second") }));
        }

        using var reopened = new ClusterStore(options);
        Assert.That(reopened.Revision, Is.EqualTo(2));
        Assert.That(reopened.Services.List().Items.Select(s => s.Metadata.Name), Is.EquivalentTo(new[] { "first", "second" }));
    }
}
