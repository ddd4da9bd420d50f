using ClusterState.Model;

namespace ClusterState.Tests.Mvcc;

/// <summary>Transactions: compare → then / else, atomic across kinds, one revision.</summary>
public sealed class TransactionTests
{
    private ClusterStore _store = null!;

    [SetUp]
    public void SetUp() => _store = new ClusterStore();

    [TearDown]
    public void TearDown() => _store.Dispose();

    [Test]
    public async Task A_transaction_across_kinds_commits_as_one_revision()
    {
        var result = await _store.Transaction()
            .If(Compare.NotExists<Service>("default", "web"))
            .Then(TxnOperation.Create(Objects.Service()), TxnOperation.Create(Objects.Slice()), TxnOperation.Create(Objects.Policy()))
            .CommitAsync();
        Assert.Multiple(() =>
        {
            Assert.That(result.Succeeded, Is.True);
            Assert.That(result.Revision, Is.EqualTo(1));
            Assert.That(result.Results.Select(r => r!.Metadata.ResourceVersion), Is.All.EqualTo(1));
            Assert.That(_store.Revision, Is.EqualTo(1));
        });
    }

    // etcd: a missing key has version, mod revision and create revision 0.
    [TestCase(CompareTarget.Version, CompareOperator.Equal, 2, true)]
    [TestCase(CompareTarget.Version, CompareOperator.Greater, 2, false)]
    [TestCase(CompareTarget.Version, CompareOperator.Less, 3, true)]
    [TestCase(CompareTarget.ResourceVersion, CompareOperator.Equal, 3, true)]
    [TestCase(CompareTarget.ResourceVersion, CompareOperator.NotEqual, 3, false)]
    [TestCase(CompareTarget.ResourceVersion, CompareOperator.Greater, 2, true)]
    [TestCase(CompareTarget.CreateRevision, CompareOperator.Equal, 1, true)]
    [TestCase(CompareTarget.CreateRevision, CompareOperator.Less, 1, false)]
    public async Task Compares_read_the_latest_state(CompareTarget target, CompareOperator op, long value, bool expected)
    {
        // web: created at 1, version 2 after an update at 3 (api was created at 2).
        var web = await _store.Services.CreateAsync(Objects.Service());
        await _store.Services.CreateAsync(Objects.Service("api", clusterIP: "10.96.0.11"));
        await _store.Services.UpdateAsync(web with { Spec = web.Spec with { PublishNotReadyAddresses = true } });

        var result = await _store.Transaction()
            .If(new Compare(ResourceKind.Service, "default", "web", target, op, value))
            .Then(TxnOperation.Create(Objects.Policy("then")))
            .Else(TxnOperation.Create(Objects.Policy("else")))
            .CommitAsync();
        Assert.That(result.Succeeded, Is.EqualTo(expected));
        Assert.That(_store.NetworkPolicies.Get("default", expected ? "then" : "else"), Is.Not.Null);
        Assert.That(_store.NetworkPolicies.Get("default", expected ? "else" : "then"), Is.Null);
    }

    [Test]
    public async Task A_missing_object_compares_as_zero()
    {
        var result = await _store.Transaction()
            .If(Compare.Version<Service>("default", "ghost", CompareOperator.Equal, 0),
                Compare.ResourceVersion<Service>("default", "ghost", CompareOperator.Equal, 0),
                Compare.CreateRevision<Service>("default", "ghost", CompareOperator.Equal, 0))
            .CommitAsync();
        Assert.That(result.Succeeded, Is.True);
    }

    [Test]
    public async Task A_branch_with_no_writes_uses_no_revision()
    {
        await _store.Services.CreateAsync(Objects.Service());
        var result = await _store.Transaction().If(Compare.NotExists<Service>("default", "web")).Then(TxnOperation.Delete<Service>("default", "web")).CommitAsync();
        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Revision, Is.EqualTo(1));
        Assert.That(result.Results, Is.Empty);
        Assert.That(_store.Revision, Is.EqualTo(1));
    }

    [Test]
    public async Task A_failing_operation_applies_nothing_of_the_transaction()
    {
        await _store.Services.CreateAsync(Objects.Service("api", clusterIP: "10.96.0.11"));
        Assert.ThrowsAsync<AlreadyExistsException>(async () => await _store.Transaction()
            .Then(TxnOperation.Create(Objects.Service("web")), TxnOperation.Create(Objects.Slice()), TxnOperation.Create(Objects.Service("api", clusterIP: "10.96.0.11")))
            .CommitAsync());
        Assert.That(_store.Revision, Is.EqualTo(1));
        Assert.That(_store.Services.Get("default", "web"), Is.Null);
        Assert.That(_store.EndpointSlices.List().Items, Is.Empty);
    }

    [Test]
    public void An_invalid_object_anywhere_in_the_transaction_rejects_it_before_commit()
    {
        var bad = Objects.Service("web2") with { Spec = Objects.Service().Spec with { Ports = [new ServicePort { Port = 70000 }] } };
        var error = Assert.ThrowsAsync<ValidationException>(async () => await _store.Transaction()
            .Then(TxnOperation.Create(Objects.Service()), TxnOperation.Create(bad)).CommitAsync());
        Assert.That(error!.Errors.Single().Field, Is.EqualTo("spec.ports[0].port"));
        Assert.That(_store.Revision, Is.Zero);
    }

    [Test]
    public void A_branch_may_not_write_one_object_twice()
    {
        var error = Assert.ThrowsAsync<ValidationException>(async () => await _store.Transaction()
            .Then(TxnOperation.Create(Objects.Service()), TxnOperation.Delete<Service>("default", "web")).CommitAsync());
        Assert.That(error!.Errors.Single().Field, Is.EqualTo("then[1]"));
    }

    [Test]
    public void The_operation_count_is_limited()
    {
        using var store = new ClusterStore(new ClusterStoreOptions { MaxOperationsPerTransaction = 2 });
        var error = Assert.ThrowsAsync<LimitExceededException>(async () => await store.Transaction()
            .Then(Enumerable.Range(0, 3).Select(i => TxnOperation.Create(Objects.Service($"s{i}", clusterIP: $"10.96.0.{i + 1}")))).CommitAsync());
        Assert.That(error!.Maximum, Is.EqualTo(2));
        Assert.That(error.Actual, Is.EqualTo(3));
    }

    [Test]
    public async Task Optimistic_update_of_two_objects_succeeds_only_if_neither_moved()
    {
        var web = await _store.Services.CreateAsync(Objects.Service());
        var slice = await _store.EndpointSlices.CreateAsync(Objects.Slice());
        await _store.EndpointSlices.UpdateAsync(slice with { Endpoints = [] });

        Assert.ThrowsAsync<ConflictException>(async () => await _store.Transaction()
            .Then(TxnOperation.Update(web with { Spec = web.Spec with { PublishNotReadyAddresses = true } }), TxnOperation.Update(slice))
            .CommitAsync());
        Assert.That(_store.Services.Get("default", "web"), Is.EqualTo(web));
    }
}
