using System.Text;
using ClusterState.Kubernetes.Api;

namespace ClusterState.Tests.Api;

/// <summary>The watch fan-out's cache of encoded objects: one encoding per instance, never a stale one.</summary>
public sealed class EncodedObjectCacheTests
{
    [Test]
    public void An_instance_is_encoded_once_and_another_instance_is_encoded_afresh()
    {
        var cache = new EncodedObjectCache();
        var service = Objects.Service("web", ns: "shop");
        var first = cache.Get(service);
        Assert.That(Encoding.UTF8.GetString(first), Is.EqualTo(KubernetesJson.Serialize(service)));
        Assert.That(cache.Get(service), Is.SameAs(first), "the same instance: the same bytes");

        // A changed object is another instance: its own encoding, even where it lands in the same slot.
        var changed = service with { Spec = service.Spec with { ClusterIP = "10.96.0.99" } };
        Assert.That(Encoding.UTF8.GetString(cache.Get(changed)), Does.Contain("10.96.0.99"));
        for (var i = 0; i < 5_000; i++)
        {
            var other = Objects.Service("s" + i, ns: "shop");
            Assert.That(Encoding.UTF8.GetString(cache.Get(other)), Does.Contain($"\"name\":\"s{i}\""));
        }

        Assert.That(Encoding.UTF8.GetString(cache.Get(service)), Is.EqualTo(KubernetesJson.Serialize(service)), "evicted, then encoded again");
    }
}
