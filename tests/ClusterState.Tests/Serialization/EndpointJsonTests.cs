using System.Text.Json;
using ClusterState.Model;

namespace ClusterState.Tests.Serialization;

/// <summary>
/// An EndpointSlice's endpoints are read by hand (and lists read their items in place): every field lands, unknown
/// fields are skipped, nulls read as the model defines them, and a value of the wrong type is a
/// <see cref="JsonException"/>, never another exception.
/// </summary>
public sealed class EndpointJsonTests
{
    private static string Slice(string endpoint) =>
        """{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"namespace":"shop","name":"web-1"},"addressType":"IPv4","endpoints":[""" + endpoint + "]}";

    [Test]
    public void Every_field_of_an_endpoint_lands_where_the_model_has_it()
    {
        var slice = KubernetesJson.Deserialize<EndpointSlice>(Slice("""
            {"addresses":["10.1.0.5","10.1.0.6"],"conditions":{"ready":false,"serving":true,"terminating":true,"future":1},
             "hostname":"web-0","nodeName":"node-1","zone":"zone-a","unknown":{"a":[1,{"b":2}]},
             "targetRef":{"kind":"Pod","namespace":"shop","name":"web-0","uid":"u-1","apiVersion":"v1","resourceVersion":"7","fieldPath":"spec","x":null},
             "hints":{"forZones":[{"name":"zone-a"}],"forNodes":[{"name":"node-1"}]},"deprecatedTopology":{"k":"v"}}
            """));

        var endpoint = slice.Endpoints.Single();
        Assert.That(endpoint.Addresses, Is.EqualTo(new[] { "10.1.0.5", "10.1.0.6" }));
        Assert.That(endpoint.Conditions, Is.EqualTo(new EndpointConditions { Ready = false, Serving = true, Terminating = true }));
        Assert.That((endpoint.Hostname, endpoint.NodeName, endpoint.Zone), Is.EqualTo(("web-0", "node-1", "zone-a")));
        Assert.That(endpoint.TargetRef, Is.EqualTo(new ObjectReference { Kind = "Pod", Namespace = "shop", Name = "web-0", Uid = "u-1", ApiVersion = "v1", ResourceVersion = "7", FieldPath = "spec" }));
        Assert.That(endpoint.Hints!.ForZones, Is.EqualTo(new[] { "zone-a" }));
        Assert.That(endpoint.Hints.ForNodes, Is.EqualTo(new[] { "node-1" }));
        Assert.That(endpoint.DeprecatedTopology["k"], Is.EqualTo("v"));

        // Written back through the generated writer, and read again to the same endpoint.
        Assert.That(KubernetesJson.Deserialize<EndpointSlice>(KubernetesJson.Serialize(slice)).Endpoints.Single(), Is.EqualTo(endpoint));
    }

    [Test]
    public void Nulls_and_missing_fields_read_as_the_model_defines_them()
    {
        var endpoint = KubernetesJson.Deserialize<EndpointSlice>(Slice("""{"addresses":["10.1.0.5"],"conditions":null,"targetRef":null,"hostname":null,"hints":null}""")).Endpoints.Single();
        Assert.That(endpoint, Is.EqualTo(new Endpoint { Addresses = ["10.1.0.5"] }));
        Assert.That(endpoint.Conditions.IsReady, Is.True);

        Assert.That(KubernetesJson.Deserialize<EndpointSlice>(Slice("""{"addresses":null}""")).Endpoints.Single().Addresses.IsEmpty, Is.True);
        Assert.That(KubernetesJson.Deserialize<EndpointSlice>(Slice("""{"addresses":["10.1.0.5"]},null""")).Endpoints[1], Is.Null, "validation reports a null endpoint");
    }

    [TestCase("""{"conditions":{"ready":true}}""", TestName = "addresses missing")]
    [TestCase("""{"addresses":"10.1.0.5"}""", TestName = "addresses not a list")]
    [TestCase("""{"addresses":[5]}""", TestName = "an address not a string")]
    [TestCase("""{"addresses":["10.1.0.5"],"conditions":{"ready":"yes"}}""", TestName = "a condition not a boolean")]
    [TestCase("""{"addresses":["10.1.0.5"],"conditions":[]}""", TestName = "conditions not an object")]
    [TestCase("""{"addresses":["10.1.0.5"],"nodeName":7}""", TestName = "a name not a string")]
    [TestCase("""{"addresses":["10.1.0.5"],"targetRef":{"name":[]}}""", TestName = "a reference field not a string")]
    [TestCase("""{"addresses":["10.1.0.5"],"targetRef":"web-0"}""", TestName = "a reference not an object")]
    [TestCase("""["10.1.0.5"]""", TestName = "an endpoint not an object")]
    public void A_value_of_the_wrong_type_is_a_json_exception(string endpoint)
    {
        Assert.Throws<JsonException>(() => KubernetesJson.Deserialize(Slice(endpoint)));
    }

    [Test]
    public void A_list_item_of_the_wrong_type_is_a_json_exception_in_every_list()
    {
        // Lists read their items through the items' converters in place: a wrong token must still be a JsonException.
        Assert.Throws<JsonException>(() => KubernetesJson.Deserialize("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"x"},"spec":{"ports":["http"]}}"""));
        Assert.Throws<JsonException>(() => KubernetesJson.Deserialize("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"x"},"spec":{"clusterIPs":[{"ip":"10.0.0.1"}]}}"""));
        Assert.Throws<JsonException>(() => KubernetesJson.Deserialize("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"x"},"spec":{"ipFamilies":["IPv5"]}}"""));
        Assert.Throws<JsonException>(() => KubernetesJson.Deserialize("""{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"x"},"addressType":"IPv4","endpoints":[],"ports":[{"port":"x"}]}"""));
    }
}
