using System.Diagnostics;

namespace ClusterState.Tests.Hosting;

/// <summary>Every write request is a <c>clusterstate.commit</c> span when something listens.</summary>
public sealed class CommitSpanTests
{
    [Test]
    public async Task Commits_and_failed_writes_are_spans_with_their_outcome()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ClusterStateInstrumentation.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if ((string?)activity.GetTagItem(ClusterStateInstrumentation.StoreTag) == "traced")
                {
                    lock (spans)
                    {
                        spans.Add(activity);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        using var store = new ClusterStore(new ClusterStoreOptions { Name = "traced" });
        var created = await store.Services.CreateAsync(Objects.Service());
        Assert.ThrowsAsync<ConflictException>(async () => await store.Services.UpdateAsync(created with { Metadata = created.Metadata with { ResourceVersion = 99 } }));

        Assert.That(spans, Has.Count.EqualTo(2));
        Assert.That(spans[0].OperationName, Is.EqualTo("clusterstate.commit"));
        Assert.That(spans[0].GetTagItem("clusterstate.revision"), Is.EqualTo(1L));
        Assert.That(spans[0].Status, Is.EqualTo(ActivityStatusCode.Unset));
        Assert.That(spans[1].Status, Is.EqualTo(ActivityStatusCode.Error));
        Assert.That(spans[1].GetTagItem("error.type"), Is.EqualTo(typeof(ConflictException).FullName));
    }
}

/// <summary>Raft proposals and snapshot work are spans too; none leaks into the caller's current activity.</summary>
public sealed class WorkSpanTests
{
    private static (ActivityListener Listener, List<Activity> Spans) Listen()
    {
        var spans = new List<Activity>();
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ClusterStateInstrumentation.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (spans)
                {
                    spans.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return (listener, spans);
    }

    private static Activity[] Named(List<Activity> spans, string name, string tag, object value)
    {
        lock (spans)
        {
            return [.. spans.Where(s => s.OperationName == name && Equals(s.GetTagItem(tag), value))];
        }
    }

    [Test]
    public async Task A_raft_write_is_a_proposal_inside_its_commit_and_a_compacted_raft_log_a_snapshot_write()
    {
        var (listener, spans) = Listen();
        using (listener)
        {
            using var store = new ClusterStore(new ClusterStoreOptions
            {
                Name = "raft-traced",
                Raft = new RaftOptions { NodeId = 71, Voters = [71], Transport = new InMemoryRaftNetwork(), TickInterval = TimeSpan.FromMilliseconds(10), SnapshotEntries = 5 },
            });
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            var before = Activity.Current;
            for (var i = 0; i < 8; i++)
            {
                while (true)
                {
                    try
                    {
                        await store.Services.CreateAsync(Objects.Service($"s{i}", clusterIP: $"10.96.0.{i + 1}"));
                        break;
                    }
                    catch (NoLeaderException) when (DateTime.UtcNow < deadline)
                    {
                        await Task.Delay(10);
                    }
                }
            }

            Assert.That(Activity.Current, Is.SameAs(before), "no span stays current in the caller");
            var commits = Named(spans, "clusterstate.commit", ClusterStateInstrumentation.StoreTag, "raft-traced").Where(c => c.Status != ActivityStatusCode.Error).ToArray();
            var proposals = Named(spans, "clusterstate.raft.propose", ClusterStateInstrumentation.RaftNodeTag, 71L);
            Assert.That(commits, Has.Length.EqualTo(8));
            Assert.That(proposals.Where(p => p.Status != ActivityStatusCode.Error).Select(p => p.ParentSpanId), Is.SubsetOf(commits.Select(c => c.SpanId)), "each proposal is a child of its commit");
            while (Named(spans, "clusterstate.raft.snapshot.write", ClusterStateInstrumentation.RaftNodeTag, 71L).Length == 0)
            {
                Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "a Raft snapshot was written");
                await Task.Delay(10);
            }
        }
    }

    [Test]
    public async Task Backups_and_background_snapshots_are_spans_with_their_revision()
    {
        using var dir = new Persistence.TempDirectory();
        var (listener, spans) = Listen();
        using (listener)
        {
            using var store = new ClusterStore(new ClusterStoreOptions { Name = "snap-traced", DataDirectory = dir.Path, SnapshotEveryRevisions = 3 });
            for (var i = 0; i < 4; i++)
            {
                await store.Services.CreateAsync(Objects.Service($"s{i}", clusterIP: $"10.96.0.{i + 1}"));
            }

            using var backup = new MemoryStream();
            await store.SaveSnapshotAsync(backup);
            var saved = Named(spans, "clusterstate.snapshot.save", ClusterStateInstrumentation.StoreTag, "snap-traced").Single();
            Assert.That(saved.GetTagItem("clusterstate.revision"), Is.EqualTo(4L));
            Assert.That(saved.GetTagItem("clusterstate.objects"), Is.EqualTo(4));

            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (Named(spans, "clusterstate.snapshot.write", "clusterstate.snapshot.directory", dir.Path).Length == 0)
            {
                Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "a background snapshot was written");
                await Task.Delay(10);
            }
        }
    }
}
