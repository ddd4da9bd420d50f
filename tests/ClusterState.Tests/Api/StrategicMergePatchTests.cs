using System.Text.Json;
using System.Text.Json.Nodes;
using ClusterState.Kubernetes.Api;
using ClusterState.Model;

namespace ClusterState.Tests.Api;

/// <summary>Kubernetes' strategic merge patch on the built-in kinds: lists merged by key or as sets, and the directives.</summary>
public sealed class StrategicMergePatchTests
{
    private static JsonObject Service() => JsonNode.Parse("""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"shop","labels":{"app":"web","tier":"front"},"finalizers":["a","b"]},
         "spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80,"targetPort":8080},{"name":"https","port":443,"targetPort":8443}],
                 "externalIPs":["1.2.3.4","5.6.7.8"]}}
        """)!.AsObject();

    private static JsonObject Patch(JsonObject document, string patch, ResourceKind? kind = null) =>
        StrategicMergePatch.Apply(kind ?? ResourceKind.Service, document, JsonNode.Parse(patch));

    private static JsonNode? At(JsonNode node, string path) => path.Split('.').Aggregate<string, JsonNode?>(node, (n, part) => int.TryParse(part, out var i) ? n?[i] : n?[part]);

    [Test]
    public void Ports_merge_by_port_and_other_lists_are_replaced()
    {
        var result = Patch(Service(), """{"spec":{"ports":[{"port":443,"targetPort":9443},{"name":"metrics","port":9090}],"externalIPs":["9.9.9.9"]},"metadata":{"labels":{"tier":null}}}""");
        Assert.That(At(result, "spec.ports")!.AsArray().Select(p => p!["port"]!.GetValue<int>()), Is.EqualTo(new[] { 80, 443, 9090 }));
        Assert.That(At(result, "spec.ports.1.targetPort")!.GetValue<int>(), Is.EqualTo(9443));
        Assert.That(At(result, "spec.ports.1.name")!.GetValue<string>(), Is.EqualTo("https"), "an item merges field by field");
        Assert.That(At(result, "spec.externalIPs")!.AsArray().Select(v => v!.GetValue<string>()), Is.EqualTo(new[] { "9.9.9.9" }), "an atomic list is replaced");
        Assert.That(At(result, "metadata.labels")!.AsObject().Select(p => p.Key), Is.EqualTo(new[] { "app" }), "null removes a key");
    }

    [Test]
    public void Directives_delete_replace_reorder_and_retain()
    {
        var deleted = Patch(Service(), """{"spec":{"ports":[{"port":80,"$patch":"delete"}]}}""");
        Assert.That(At(deleted, "spec.ports")!.AsArray().Select(p => p!["port"]!.GetValue<int>()), Is.EqualTo(new[] { 443 }));

        var replaced = Patch(Service(), """{"spec":{"ports":[{"port":81},{"$patch":"replace"}]}}""");
        Assert.That(At(replaced, "spec.ports")!.AsArray().Select(p => p!.ToJsonString()), Is.EqualTo(new[] { """{"port":81}""" }));

        var selector = Patch(Service(), """{"spec":{"selector":{"$patch":"replace","role":"db"}}}""");
        Assert.That(At(selector, "spec.selector")!.ToJsonString(), Is.EqualTo("""{"role":"db"}"""));

        var ordered = Patch(Service(), """{"spec":{"$setElementOrder/ports":[{"port":443},{"port":80}]}}""");
        Assert.That(At(ordered, "spec.ports")!.AsArray().Select(p => p!["port"]!.GetValue<int>()), Is.EqualTo(new[] { 443, 80 }));

        var finalizers = Patch(Service(), """{"metadata":{"finalizers":["c","a"],"$deleteFromPrimitiveList/finalizers":["b"]}}""");
        Assert.That(At(finalizers, "metadata.finalizers")!.AsArray().Select(v => v!.GetValue<string>()), Is.EqualTo(new[] { "a", "c" }), "a set: merged, then the listed values removed");

        var retained = Patch(Service(), """{"spec":{"$retainKeys":["ports","selector"],"selector":{"app":"web"}}}""");
        Assert.That(At(retained, "spec")!.AsObject().Select(p => p.Key), Is.EquivalentTo(new[] { "ports", "selector" }));

        var gone = Patch(Service(), """{"spec":{"selector":{"$patch":"delete"}}}""");
        Assert.That(At(gone, "spec.selector"), Is.Null);
    }

    [Test]
    public void Pod_containers_merge_by_name_and_their_ports_by_container_port()
    {
        var pod = JsonNode.Parse("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"d"},"spec":{"containers":[{"name":"app","image":"a:1","ports":[{"containerPort":80}]},{"name":"side","image":"s:1"}]}}""")!.AsObject();
        var result = Patch(pod, """{"spec":{"containers":[{"name":"app","image":"a:2","ports":[{"containerPort":81,"name":"alt"}]}]}}""", ResourceKind.Pod);
        Assert.That(At(result, "spec.containers")!.AsArray().Select(c => c!["image"]!.GetValue<string>()), Is.EqualTo(new[] { "a:2", "s:1" }));
        Assert.That(At(result, "spec.containers.0.ports")!.AsArray().Select(p => p!["containerPort"]!.GetValue<int>()), Is.EqualTo(new[] { 80, 81 }));
    }

    [Test]
    public void Malformed_patches_are_refused_with_the_reason()
    {
        Assert.That(Assert.Throws<JsonException>(() => Patch(Service(), """{"spec":{"ports":[{"name":"x"}]}}"""))!.Message, Does.Contain("merge key \"port\""));
        Assert.That(Assert.Throws<JsonException>(() => Patch(Service(), """[1]"""))!.Message, Does.Contain("JSON object"));
        Assert.That(Assert.Throws<JsonException>(() => Patch(Service(), """{"spec":{"$patch":"explode"}}"""))!.Message, Does.Contain("explode"));
        Assert.That(StrategicMergePatch.Supports(ResourceKind.Service), Is.True);
        Assert.That(StrategicMergePatch.Supports(ResourceKind.ClusterNetworkConfig), Is.False, "a kind of this library's own is patched as a custom resource is");
    }
}
