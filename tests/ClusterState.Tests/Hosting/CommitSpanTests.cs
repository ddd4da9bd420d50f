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
