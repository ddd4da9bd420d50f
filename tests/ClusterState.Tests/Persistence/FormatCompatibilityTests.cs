using ClusterState.Model;
using ClusterState.Tests.Watch;

namespace ClusterState.Tests.Persistence;

/// <summary>
/// Data written by the first release (object format 1, kinds by number): its data directories, Raft directories and
/// backups still open, read back whole, and take new writes. The fixtures were written by that release's code with
/// the script in <c>Fixtures/Format1/Generate.cs.txt</c>.
/// </summary>
public sealed class FormatCompatibilityTests
{
    private static readonly string Fixtures = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "Format1");

    private TempDirectory _directory = null!;

    [SetUp]
    public void SetUp() => _directory = new TempDirectory();

    [TearDown]
    public void TearDown() => _directory.Dispose();

    [Test]
    public async Task A_data_directory_of_the_first_format_opens_with_its_history_and_takes_new_writes()
    {
        var path = Copy("store");
        var options = new ClusterStoreOptions { DataDirectory = path, HistoryRetention = null };
        using (var store = new ClusterStore(options))
        {
            AssertWritten(store);
            Assert.That(store.Services.Get("default", "web", revision: 12)!.Spec.Ports[0].Port, Is.EqualTo(87), "a past revision replayed from the old log");
            Assert.Throws<RevisionCompactedException>(() => store.Services.Get("default", "web", revision: 7));
            await store.Services.CreateAsync(Objects.Service("after", clusterIP: "10.96.0.30"));
            await store.Services.DeleteAsync("default", "api");
        }

        // The old records and the new ones after them, in one segment, replay together.
        using (var reopened = new ClusterStore(options))
        {
            Assert.That(reopened.Revision, Is.EqualTo(25));
            Assert.That(reopened.Services.Get("default", "after"), Is.Not.Null);
            Assert.That(reopened.Services.Get("default", "api"), Is.Null);
            Assert.That(reopened.Services.Get("default", "api", revision: 23)!.Spec.Ports[0].Port, Is.EqualTo(443));
            Assert.That(reopened.EndpointSlices.Get("default", "web-abc")!.Endpoints.Count, Is.EqualTo(2));
        }
    }

    [Test]
    public async Task A_backup_of_the_first_format_is_inspected_and_restored()
    {
        await using (var file = File.OpenRead(Path.Combine(Fixtures, "backup.snap")))
        {
            var info = await ClusterStore.InspectSnapshotAsync(file);
            Assert.That(info.FormatVersion, Is.EqualTo(2));
            Assert.That(info.Revision, Is.EqualTo(23));
            Assert.That(info.ObjectCounts[ResourceKind.Service], Is.EqualTo(2));
            Assert.That(info.ObjectCounts[ResourceKind.EndpointSlice], Is.EqualTo(2));
            Assert.That(info.TotalObjects, Is.EqualTo(7));
        }

        await using var backup = File.OpenRead(Path.Combine(Fixtures, "backup.snap"));
        using var restored = await ClusterStore.RestoreAsync(backup, new ClusterStoreOptions { DataDirectory = _directory.Sub("restored") });
        AssertWritten(restored);

        // What the restored store writes is in the current format, and reads back.
        using var copy = new MemoryStream();
        var saved = await restored.SaveSnapshotAsync(copy);
        Assert.That(saved.FormatVersion, Is.EqualTo(3));
        copy.Position = 0;
        using var again = await ClusterStore.RestoreAsync(copy);
        AssertWritten(again);
    }

    [Test]
    public async Task A_raft_directory_of_the_first_format_replays_its_entries_and_snapshot()
    {
        var path = Copy("raft");
        var options = new ClusterStoreOptions
        {
            DataDirectory = path,
            HistoryRetention = null,
            Raft = new RaftOptions { NodeId = 1, Voters = [1], Transport = new InMemoryRaftNetwork(), TickInterval = TimeSpan.FromMilliseconds(5) },
        };
        using (var peer = new ClusterStore(options))
        {
            await WaitFor(() => peer.Revision >= 23 && peer.Leader == 1);
            AssertWritten(peer);
            await peer.Services.CreateAsync(Objects.Service("after", clusterIP: "10.96.0.30"));
        }

        using var reopened = new ClusterStore(options);
        await WaitFor(() => reopened.Services.Get("default", "after") is not null);
        AssertWritten(reopened);
    }

    private static void AssertWritten(ClusterStore store)
    {
        Assert.That(store.Revision, Is.GreaterThanOrEqualTo(23));
        var services = store.Services.List().Items;
        Assert.That(services.Select(s => s.Metadata.Name), Is.SupersetOf(new[] { "api", "web" }));
        Assert.That(services.Select(s => s.Metadata.Name), Does.Not.Contain("gone"));
        var web = store.Services.Get("default", "web")!;
        Assert.That(web.Spec, Is.EqualTo(Objects.Service().Spec with { Ports = [Objects.Service().Spec.Ports[0] with { Port = 95 }] }));
        Assert.That(web.Metadata.Version, Is.EqualTo(16));
        Assert.That(web.Metadata.CreateRevision, Is.EqualTo(1));
        Assert.That(store.EndpointSlices.Get("default", "web-abc")!.Endpoints.Select(e => e.Addresses[0]), Is.EqualTo(new[] { "10.244.1.5", "10.244.2.7" }));
        Assert.That(store.EndpointSlices.Get("default", "api-1"), Is.Not.Null);
        Assert.That(store.Endpoints.Get("default", "web")!.Subsets, Is.EqualTo(Objects.Endpoints().Subsets));
        Assert.That(store.NetworkPolicies.Get("default", "deny-all")!.Spec, Is.EqualTo(Objects.Policy().Spec));
        Assert.That(store.NetworkConfigs.Get(string.Empty, ClusterNetworkConfig.DefaultName)!.Spec, Is.EqualTo(Objects.Config().Spec));
        Assert.That(store.CompactedRevision, Is.GreaterThanOrEqualTo(8));
    }

    private string Copy(string fixture)
    {
        var target = _directory.Sub(fixture);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Fixtures, fixture), "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(Path.Combine(Fixtures, fixture), file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(TaskTimeouts.Long);
        while (!condition())
        {
            await Task.Delay(5, cts.Token);
        }
    }
}
