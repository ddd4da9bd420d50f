using ClusterState.Model;

namespace ClusterState.Tests.Mvcc;

/// <summary>Lists: ordered, by namespace and labels, consistent at the one revision they return.</summary>
public sealed class ListTests
{
    [Test]
    public async Task Lists_are_ordered_by_namespace_then_name_and_filter_by_namespace_and_labels()
    {
        using var store = new ClusterStore();
        var n = 1;
        foreach (var (ns, name, tier) in new[] { ("b", "z", "db"), ("a", "y", "web"), ("b", "a", "web"), ("a", "x", "db"), ("c", "m", "web") })
        {
            var svc = Objects.Service(name, ns, clusterIP: $"10.96.0.{n++}");
            await store.Services.CreateAsync(svc with { Metadata = svc.Metadata with { Labels = StringMap.Of(("tier", tier)) } });
        }

        Assert.That(store.Services.List().Items.Select(s => $"{s.Metadata.Namespace}/{s.Metadata.Name}"), Is.EqualTo(new[] { "a/x", "a/y", "b/a", "b/z", "c/m" }));
        Assert.That(store.Services.List(new() { Namespace = "b" }).Items.Select(s => s.Metadata.Name), Is.EqualTo(new[] { "a", "z" }));
        Assert.That(store.Services.List(new() { Namespace = "nope" }).Items, Is.Empty);
        Assert.That(store.Services.List(new() { LabelSelector = LabelSelector.Parse("tier=web") }).Items.Select(s => s.Metadata.Name), Is.EqualTo(new[] { "y", "a", "m" }));
        Assert.That(store.Services.List(new() { Namespace = "a", LabelSelector = LabelSelector.Parse("tier notin (web)") }).Items.Single().Metadata.Name, Is.EqualTo("x"));
        Assert.That(store.Services.List().Revision, Is.EqualTo(5));
    }

    [Test]
    public async Task A_list_at_a_past_revision_returns_exactly_the_objects_alive_then()
    {
        using var store = new ClusterStore();
        for (var i = 0; i < 20; i++)
        {
            await store.EndpointSlices.CreateAsync(Objects.Slice(name: $"s{i:D2}"));
        }

        for (var i = 0; i < 20; i += 2)
        {
            await store.EndpointSlices.DeleteAsync("default", $"s{i:D2}");
        }

        var atTen = store.EndpointSlices.List(new() { Revision = 10 });
        Assert.That(atTen.Revision, Is.EqualTo(10));
        Assert.That(atTen.Items.Select(s => s.Metadata.Name), Is.EqualTo(Enumerable.Range(0, 10).Select(i => $"s{i:D2}")));
        Assert.That(store.EndpointSlices.List().Items.Select(s => s.Metadata.Name), Is.EqualTo(Enumerable.Range(0, 20).Where(i => i % 2 == 1).Select(i => $"s{i:D2}")));
    }
}
