using ClusterState.Controllers;

namespace ClusterState.Tests.Controllers;

public sealed class ObjectKeyTests
{
    [TestCase("shop/web", "shop", "web")]
    [TestCase("node-1", "", "node-1")]
    public void A_key_reads_and_writes_as_client_go_writes_it(string text, string ns, string name)
    {
        var key = ObjectKey.Parse(text);
        Assert.That(key, Is.EqualTo(new ObjectKey(ns, name)));
        Assert.That(key.ToString(), Is.EqualTo(text));
    }

    [TestCase("")]
    [TestCase("/web")]
    [TestCase("shop/")]
    [TestCase("a/b/c")]
    public void A_malformed_key_is_refused(string text) =>
        Assert.That(Assert.Throws<FormatException>(() => ObjectKey.Parse(text))!.Message, Does.Contain("namespace/name"));

    [Test]
    public void The_key_of_an_object_is_its_namespace_and_name() =>
        Assert.That(ObjectKey.Of(Objects.Service("web", "shop")), Is.EqualTo(new ObjectKey("shop", "web")));
}
