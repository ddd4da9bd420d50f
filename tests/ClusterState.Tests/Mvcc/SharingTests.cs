using ClusterState.Model;

namespace ClusterState.Tests.Mvcc;

/// <summary>
/// Versions kept as history share what did not change: an update whose parts equal the current version's stores
/// the current version's instances of them, so a history of N versions does not hold N copies of a large spec.
/// </summary>
public sealed class SharingTests
{
    private ClusterStore _store = null!;

    [SetUp]
    public void SetUp() => _store = new ClusterStore();

    [TearDown]
    public void TearDown() => _store.Dispose();

    [Test]
    public async Task An_update_built_from_scratch_shares_the_unchanged_spec_status_and_name_with_the_previous_version()
    {
        var first = await _store.Services.CreateAsync(Objects.Service());
        var rebuilt = Objects.Service() with { Metadata = Objects.Service().Metadata with { Labels = StringMap.Of(("app", "web"), ("tier", "front")) } };
        Assert.That(rebuilt.Spec, Is.Not.SameAs(first.Spec), "the caller built a new, equal spec");

        var second = await _store.Services.UpdateUnconditionallyAsync(rebuilt);
        Assert.Multiple(() =>
        {
            Assert.That(second.Spec, Is.SameAs(first.Spec));
            Assert.That(second.Status, Is.SameAs(first.Status));
            Assert.That(second.Metadata.Name, Is.SameAs(first.Metadata.Name));
            Assert.That(second.Metadata.Labels["tier"], Is.EqualTo("front"), "what changed is the caller's");
            Assert.That(second.Metadata.Generation, Is.EqualTo(first.Metadata.Generation), "the spec did not change");
            Assert.That(_store.Services.Get("default", "web", first.Metadata.ResourceVersion), Is.EqualTo(first), "the old version reads as before");
        });
    }

    [Test]
    public async Task A_changed_spec_is_stored_as_given_and_moves_the_generation()
    {
        var first = await _store.Services.CreateAsync(Objects.Service());
        var changed = Objects.Service(port: 81);
        var second = await _store.Services.UpdateUnconditionallyAsync(changed);
        Assert.Multiple(() =>
        {
            Assert.That(second.Spec, Is.Not.SameAs(first.Spec));
            Assert.That(second.Spec.Ports[0].Port, Is.EqualTo(81));
            Assert.That(second.Metadata.Generation, Is.EqualTo(first.Metadata.Generation + 1));
        });
    }

    [Test]
    public async Task Endpoints_slices_policies_and_configs_share_their_unchanged_parts()
    {
        var slice = await _store.EndpointSlices.CreateAsync(Objects.Slice(ips: ["10.244.1.5", "10.244.1.6"]));
        var sliceAgain = await _store.EndpointSlices.UpdateUnconditionallyAsync(Objects.Slice(ips: ["10.244.1.5", "10.244.1.6"]));
        var endpoints = await _store.Endpoints.CreateAsync(Objects.Endpoints());
        var endpointsAgain = await _store.Endpoints.UpdateUnconditionallyAsync(Objects.Endpoints());
        var policy = await _store.NetworkPolicies.CreateAsync(Objects.Policy());
        var policyAgain = await _store.NetworkPolicies.UpdateUnconditionallyAsync(Objects.Policy());
        var config = await _store.NetworkConfigs.CreateAsync(Objects.Config());
        var configAgain = await _store.NetworkConfigs.UpdateUnconditionallyAsync(Objects.Config());
        Assert.Multiple(() =>
        {
            Assert.That(sliceAgain.Endpoints[1], Is.SameAs(slice.Endpoints[1]));
            Assert.That(sliceAgain.Ports[0], Is.SameAs(slice.Ports[0]));
            Assert.That(endpointsAgain.Subsets[0], Is.SameAs(endpoints.Subsets[0]));
            Assert.That(policyAgain.Spec, Is.SameAs(policy.Spec));
            Assert.That(configAgain.Spec, Is.SameAs(config.Spec));
            Assert.That(new[] { sliceAgain, (ClusterObject)endpointsAgain, policyAgain, configAgain }.Select(o => o.Metadata.Generation), Is.All.EqualTo(1));
        });
    }

    [Test]
    public async Task A_slice_whose_endpoints_changed_still_shares_its_ports()
    {
        var slice = await _store.EndpointSlices.CreateAsync(Objects.Slice(ips: ["10.244.1.5"]));
        var moved = await _store.EndpointSlices.UpdateUnconditionallyAsync(Objects.Slice(ips: ["10.244.1.9"]));
        Assert.Multiple(() =>
        {
            Assert.That(moved.Endpoints[0].Addresses[0], Is.EqualTo("10.244.1.9"));
            Assert.That(moved.Ports[0], Is.SameAs(slice.Ports[0]));
            Assert.That(moved.Metadata.Generation, Is.EqualTo(2));
        });
    }
}
