using ClusterState.Model;

namespace ClusterState.Tests.Mvcc;

/// <summary>etcd's MVCC rules: one global revision, create/mod revision and version per object.</summary>
public sealed class RevisionTests
{
    private ClusterStore _store = null!;

    [SetUp]
    public void SetUp() => _store = new ClusterStore();

    [TearDown]
    public void TearDown() => _store.Dispose();

    [Test]
    public void A_new_store_is_at_revision_zero_and_empty()
    {
        Assert.That(_store.Revision, Is.Zero);
        Assert.That(_store.Services.List().Items, Is.Empty);
        Assert.That(_store.Services.Get("default", "web"), Is.Null);
    }

    [Test]
    public async Task Every_committed_write_bumps_the_global_revision_by_one()
    {
        var web = await _store.Services.CreateAsync(Objects.Service("web"));
        var api = await _store.Services.CreateAsync(Objects.Service("api", clusterIP: "10.96.0.11"));
        var slice = await _store.EndpointSlices.CreateAsync(Objects.Slice());
        Assert.That(new[] { web.Metadata.ResourceVersion, api.Metadata.ResourceVersion, slice.Metadata.ResourceVersion }, Is.EqualTo(new long[] { 1, 2, 3 }));
        Assert.That(_store.Revision, Is.EqualTo(3));
    }

    [Test]
    public async Task Create_assigns_uid_revisions_version_generation_and_time()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        using var store = new ClusterStore(timeProvider: time);
        var input = Objects.Service() with { Metadata = Objects.Service().Metadata with { Uid = Guid.Empty, ResourceVersion = 77, Version = 9 } };
        var stored = await store.Services.CreateAsync(input);
        Assert.Multiple(() =>
        {
            Assert.That(stored.Metadata.Uid, Is.Not.EqualTo(Guid.Empty));
            Assert.That(stored.Metadata.ResourceVersion, Is.EqualTo(1));
            Assert.That(stored.Metadata.CreateRevision, Is.EqualTo(1));
            Assert.That(stored.Metadata.Version, Is.EqualTo(1));
            Assert.That(stored.Metadata.Generation, Is.EqualTo(1));
            Assert.That(stored.Metadata.CreationTimestamp, Is.EqualTo(time.GetUtcNow()));
            Assert.That(stored.Spec, Is.EqualTo(input.Spec));
            Assert.That(store.Services.Get("default", "web"), Is.EqualTo(stored));
        });
    }

    [Test]
    public async Task Update_keeps_uid_and_create_revision_and_bumps_version_and_resource_version()
    {
        var created = await _store.Services.CreateAsync(Objects.Service());
        await _store.Services.CreateAsync(Objects.Service("other", clusterIP: "10.96.0.12"));
        var updated = await _store.Services.UpdateAsync(created with { Spec = created.Spec with { SessionAffinity = SessionAffinity.ClientIP } });
        Assert.Multiple(() =>
        {
            Assert.That(updated.Metadata.Uid, Is.EqualTo(created.Metadata.Uid));
            Assert.That(updated.Metadata.CreateRevision, Is.EqualTo(1));
            Assert.That(updated.Metadata.ResourceVersion, Is.EqualTo(3));
            Assert.That(updated.Metadata.Version, Is.EqualTo(2));
            Assert.That(updated.Metadata.Generation, Is.EqualTo(2), "spec changed");
            Assert.That(updated.Metadata.CreationTimestamp, Is.EqualTo(created.Metadata.CreationTimestamp));
        });
    }

    [Test]
    public async Task Generation_moves_only_when_the_spec_changes()
    {
        var created = await _store.Services.CreateAsync(Objects.Service());
        var relabelled = await _store.Services.UpdateAsync(created with { Metadata = created.Metadata with { Labels = StringMap.Of(("tier", "front")) } });
        var status = await _store.Services.UpdateAsync(relabelled with { Status = new() { LoadBalancerIngress = [new LoadBalancerIngress { IP = "203.0.113.7" }] } });
        Assert.That(new[] { relabelled.Metadata.Generation, status.Metadata.Generation }, Is.EqualTo(new long[] { 1, 1 }));
        Assert.That(status.Metadata.Version, Is.EqualTo(3));
    }

    [Test]
    public async Task Version_restarts_after_delete_and_recreate_with_a_new_uid()
    {
        var first = await _store.Services.CreateAsync(Objects.Service());
        first = await _store.Services.UpdateAsync(first with { Spec = first.Spec with { PublishNotReadyAddresses = true } });
        var deleted = await _store.Services.DeleteAsync("default", "web");
        var again = await _store.Services.CreateAsync(Objects.Service());
        Assert.Multiple(() =>
        {
            Assert.That(deleted, Is.EqualTo(first), "delete returns the last state");
            Assert.That(again.Metadata.Version, Is.EqualTo(1));
            Assert.That(again.Metadata.CreateRevision, Is.EqualTo(4));
            Assert.That(again.Metadata.Uid, Is.Not.EqualTo(first.Metadata.Uid));
        });
    }

    [Test]
    public async Task Reads_at_past_revisions_see_the_state_as_it_was()
    {
        var v1 = await _store.Services.CreateAsync(Objects.Service());
        var v2 = await _store.Services.UpdateAsync(v1 with { Spec = v1.Spec with { PublishNotReadyAddresses = true } });
        await _store.Services.DeleteAsync("default", "web");
        var v4 = await _store.Services.CreateAsync(Objects.Service());
        Assert.Multiple(() =>
        {
            Assert.That(_store.Services.Get("default", "web", revision: 1), Is.EqualTo(v1));
            Assert.That(_store.Services.Get("default", "web", revision: 2), Is.EqualTo(v2));
            Assert.That(_store.Services.Get("default", "web", revision: 3), Is.Null);
            Assert.That(_store.Services.Get("default", "web", revision: 4), Is.EqualTo(v4));
            Assert.That(_store.Services.List(new() { Revision = 3 }).Items, Is.Empty);
            Assert.That(_store.Services.List(new() { Revision = 2 }).Items, Is.EqualTo(new[] { v2 }));
        });
    }

    [Test]
    public void A_read_beyond_the_current_revision_is_a_typed_error()
    {
        var error = Assert.Throws<FutureRevisionException>(() => _store.Services.Get("default", "web", revision: 5));
        Assert.That(error!.CurrentRevision, Is.Zero);
        Assert.That(error.RequestedRevision, Is.EqualTo(5));
    }

    [Test]
    public async Task Create_of_an_existing_object_fails_and_changes_nothing()
    {
        await _store.Services.CreateAsync(Objects.Service());
        var error = Assert.ThrowsAsync<AlreadyExistsException>(async () => await _store.Services.CreateAsync(Objects.Service()));
        Assert.That(error!.Message, Does.Contain("Service default/web already exists"));
        Assert.That(_store.Revision, Is.EqualTo(1));
    }

    [Test]
    public async Task Update_with_a_stale_resource_version_is_a_conflict_naming_both_versions()
    {
        var v1 = await _store.Services.CreateAsync(Objects.Service());
        await _store.Services.UpdateAsync(v1 with { Spec = v1.Spec with { PublishNotReadyAddresses = true } });
        var error = Assert.ThrowsAsync<ConflictException>(async () => await _store.Services.UpdateAsync(v1 with { Spec = v1.Spec with { SessionAffinity = SessionAffinity.ClientIP } }));
        Assert.Multiple(() =>
        {
            Assert.That(error!.ExpectedResourceVersion, Is.EqualTo(1));
            Assert.That(error.ActualResourceVersion, Is.EqualTo(2));
            Assert.That(error.Message, Does.Contain("expected resourceVersion 1").And.Contain("at resourceVersion 2"));
            Assert.That(_store.Revision, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Update_without_a_resource_version_must_be_explicitly_unconditional()
    {
        await _store.Services.CreateAsync(Objects.Service());
        var error = Assert.ThrowsAsync<ValidationException>(async () => await _store.Services.UpdateAsync(Objects.Service()));
        Assert.That(error!.Errors[0].Field, Is.EqualTo("metadata.resourceVersion"));

        var forced = await _store.Services.UpdateUnconditionallyAsync(Objects.Service() with { Metadata = Objects.Service().Metadata with { ResourceVersion = 999 } });
        Assert.That(forced.Metadata.Version, Is.EqualTo(2));
    }

    [Test]
    public void Update_and_delete_of_a_missing_object_are_not_found()
    {
        Assert.ThrowsAsync<NotFoundException>(async () => await _store.Services.UpdateUnconditionallyAsync(Objects.Service()));
        Assert.ThrowsAsync<NotFoundException>(async () => await _store.Services.DeleteAsync("default", "web"));
        Assert.That(_store.Revision, Is.Zero);
    }

    [Test]
    public async Task Delete_with_a_precondition_checks_the_resource_version()
    {
        var v1 = await _store.Services.CreateAsync(Objects.Service());
        Assert.ThrowsAsync<ConflictException>(async () => await _store.Services.DeleteAsync("default", "web", expectedResourceVersion: 7));
        await _store.Services.DeleteAsync("default", "web", expectedResourceVersion: v1.Metadata.ResourceVersion);
        Assert.That(_store.Services.Get("default", "web"), Is.Null);
    }

    [Test]
    public async Task Kinds_are_separate_key_spaces()
    {
        await _store.Services.CreateAsync(Objects.Service("web"));
        await _store.Endpoints.CreateAsync(Objects.Endpoints("web"));
        await _store.NetworkConfigs.CreateAsync(Objects.Config());
        Assert.That(_store.Services.Get("default", "web"), Is.Not.Null);
        Assert.That(_store.Endpoints.Get("default", "web"), Is.Not.Null);
        Assert.That(_store.NetworkConfigs.Get(string.Empty, "default")!.Spec.PodCidrs, Has.Count.EqualTo(2));
        Assert.That(_store.Collection<Service>(), Is.SameAs(_store.Services));
    }
}
