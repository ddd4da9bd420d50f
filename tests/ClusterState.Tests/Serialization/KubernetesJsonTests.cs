using System.Text.Json;
using System.Text.Json.Nodes;
using ClusterState.Model;

namespace ClusterState.Tests.Serialization;

/// <summary>Objects in Kubernetes' JSON: real manifests read, written back the same, and every kind round-trips.</summary>
public sealed class KubernetesJsonTests
{
    /// <summary>A Service as `kubectl get svc -o json` prints it (server fields included).</summary>
    private const string ServiceJson = """
        {
          "apiVersion": "v1",
          "kind": "Service",
          "metadata": {
            "name": "web",
            "namespace": "shop",
            "uid": "6f1c3a52-2d4e-4c7b-9a51-3f0c2e8b9d10",
            "resourceVersion": "42",
            "creationTimestamp": "2026-11-30T08:15:00Z",
            "labels": { "app": "web" },
            "annotations": { "example.com/owner": "team-a" }
          },
          "spec": {
            "type": "LoadBalancer",
            "clusterIP": "10.96.0.10",
            "clusterIPs": ["10.96.0.10"],
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
            "ports": [
              { "name": "http", "protocol": "TCP", "port": 80, "targetPort": 8080, "nodePort": 30080 },
              { "name": "grpc", "protocol": "TCP", "appProtocol": "kubernetes.io/h2c", "port": 9090, "targetPort": "grpc", "nodePort": 30090 }
            ],
            "selector": { "app": "web" },
            "sessionAffinity": "ClientIP",
            "sessionAffinityConfig": { "clientIP": { "timeoutSeconds": 600 } },
            "externalTrafficPolicy": "Local",
            "internalTrafficPolicy": "Cluster",
            "healthCheckNodePort": 31000,
            "allocateLoadBalancerNodePorts": true
          },
          "status": {
            "loadBalancer": { "ingress": [ { "ip": "192.0.2.10", "ipMode": "VIP" } ] }
          }
        }
        """;

    private const string SliceJson = """
        {
          "apiVersion": "discovery.k8s.io/v1",
          "kind": "EndpointSlice",
          "metadata": { "name": "web-abc12", "namespace": "shop", "labels": { "kubernetes.io/service-name": "web" } },
          "addressType": "IPv4",
          "endpoints": [
            {
              "addresses": ["10.244.1.5"],
              "conditions": { "ready": true, "serving": true, "terminating": false },
              "nodeName": "node-1",
              "zone": "zone-a",
              "targetRef": { "kind": "Pod", "namespace": "shop", "name": "web-0", "uid": "0b7a1f3e-0000-4000-8000-000000000001" },
              "hints": { "forZones": [ { "name": "zone-a" } ] }
            }
          ],
          "ports": [ { "name": "http", "protocol": "TCP", "port": 8080 } ]
        }
        """;

    private const string PolicyJson = """
        {
          "apiVersion": "networking.k8s.io/v1",
          "kind": "NetworkPolicy",
          "metadata": { "name": "api-allow", "namespace": "shop" },
          "spec": {
            "podSelector": { "matchLabels": { "app": "api" } },
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [
              {
                "from": [
                  { "namespaceSelector": { "matchExpressions": [ { "key": "team", "operator": "In", "values": ["a", "b"] } ] }, "podSelector": { "matchLabels": { "role": "client" } } },
                  { "ipBlock": { "cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"] } }
                ],
                "ports": [ { "protocol": "TCP", "port": "http" }, { "protocol": "TCP", "port": 8000, "endPort": 8100 } ]
              }
            ],
            "egress": [ { "to": [ { "ipBlock": { "cidr": "0.0.0.0/0" } } ] } ]
          }
        }
        """;

    private const string PodJson = """
        {
          "apiVersion": "v1",
          "kind": "Pod",
          "metadata": { "name": "web-0", "namespace": "shop", "labels": { "app": "web" }, "deletionTimestamp": "2026-12-01T10:00:00Z" },
          "spec": {
            "nodeName": "node-1",
            "containers": [
              { "name": "app", "image": "registry.example.com/web:1.0", "ports": [ { "name": "http", "containerPort": 8080, "protocol": "TCP" }, { "name": "dns", "containerPort": 53, "protocol": "UDP" } ] }
            ]
          },
          "status": {
            "phase": "Running",
            "podIP": "10.244.1.5",
            "podIPs": [ { "ip": "10.244.1.5" } ],
            "hostIP": "192.0.2.10",
            "conditions": [ { "type": "Ready", "status": "True", "lastTransitionTime": "2026-11-30T08:16:00Z" } ]
          }
        }
        """;

    private const string NodeJson = """
        {
          "apiVersion": "v1",
          "kind": "Node",
          "metadata": { "name": "node-1", "labels": { "topology.kubernetes.io/zone": "zone-a" } },
          "spec": { "podCIDR": "10.244.1.0/24", "podCIDRs": ["10.244.1.0/24"], "providerID": "kind://docker/kind/node-1" },
          "status": {
            "addresses": [ { "type": "InternalIP", "address": "192.0.2.10" }, { "type": "Hostname", "address": "node-1" } ],
            "conditions": [ { "type": "Ready", "status": "True", "lastHeartbeatTime": "2026-12-01T09:59:00Z", "reason": "KubeletReady" } ]
          }
        }
        """;

    private const string NamespaceJson = """
        {
          "apiVersion": "v1",
          "kind": "Namespace",
          "metadata": { "name": "shop", "labels": { "kubernetes.io/metadata.name": "shop" } },
          "spec": { "finalizers": ["kubernetes"] },
          "status": { "phase": "Active" }
        }
        """;

    private const string AddressJson = """
        {
          "apiVersion": "networking.k8s.io/v1",
          "kind": "IPAddress",
          "metadata": { "name": "10.96.0.10" },
          "spec": { "parentRef": { "resource": "services", "namespace": "shop", "name": "web" } }
        }
        """;

    private const string CidrJson = """
        {
          "apiVersion": "networking.k8s.io/v1",
          "kind": "ServiceCIDR",
          "metadata": { "name": "kubernetes" },
          "spec": { "cidrs": ["10.96.0.0/12", "fd00:10:96::/112"] },
          "status": { "conditions": [ { "type": "Ready", "status": "True", "lastTransitionTime": "2026-11-30T08:00:00Z", "reason": "", "message": "" } ] }
        }
        """;

    private static IEnumerable<TestCaseData> Manifests()
    {
        yield return new TestCaseData(ServiceJson).SetName("Service");
        yield return new TestCaseData(SliceJson).SetName("EndpointSlice");
        yield return new TestCaseData(PolicyJson).SetName("NetworkPolicy");
        yield return new TestCaseData(PodJson).SetName("Pod");
        yield return new TestCaseData(NodeJson).SetName("Node");
        yield return new TestCaseData(NamespaceJson).SetName("Namespace");
        yield return new TestCaseData(AddressJson).SetName("IPAddress");
        yield return new TestCaseData(CidrJson).SetName("ServiceCIDR");
    }

    [TestCaseSource(nameof(Manifests))]
    public void A_manifest_reads_and_writes_back_the_same_json(string json)
    {
        var obj = KubernetesJson.Deserialize(json);
        var written = KubernetesJson.Serialize(obj);
        Assert.That(JsonNode.DeepEquals(Normalize(JsonNode.Parse(written)), Normalize(JsonNode.Parse(json))), Is.True, written);
        Assert.That(written, Does.StartWith("{\"apiVersion\":"));
        Assert.That(KubernetesJson.Deserialize(written), Is.EqualTo(obj));
    }

    [Test]
    public void The_fields_land_where_the_model_has_them()
    {
        var service = KubernetesJson.Deserialize<Service>(ServiceJson);
        Assert.That(service.Metadata.ResourceVersion, Is.EqualTo(42));
        Assert.That(service.Metadata.Uid, Is.EqualTo(Guid.Parse("6f1c3a52-2d4e-4c7b-9a51-3f0c2e8b9d10")));
        Assert.That(service.Metadata.CreationTimestamp, Is.EqualTo(new DateTimeOffset(2026, 11, 30, 8, 15, 0, TimeSpan.Zero)));
        Assert.That(service.Spec.Type, Is.EqualTo(ServiceType.LoadBalancer));
        Assert.That(service.Spec.Ports[0].TargetPort, Is.EqualTo(IntOrString.FromNumber(8080)));
        Assert.That(service.Spec.Ports[1].TargetPort, Is.EqualTo(IntOrString.FromName("grpc")));
        Assert.That(service.Spec.SessionAffinityConfig!.ClientIPTimeoutSeconds, Is.EqualTo(600));
        Assert.That(service.Status.LoadBalancerIngress.Single().IP, Is.EqualTo("192.0.2.10"));

        var slice = KubernetesJson.Deserialize<EndpointSlice>(SliceJson);
        Assert.That(slice.Endpoints[0].Hints!.ForZones, Is.EqualTo(new[] { "zone-a" }));
        Assert.That(slice.Endpoints[0].Conditions.Terminating, Is.False);
        var pod = KubernetesJson.Deserialize<Pod>(PodJson);
        Assert.That(pod.FindPort("dns")!.Port, Is.EqualTo(53));
        Assert.That(pod.IsReady, Is.True);
        Assert.That(pod.Metadata.DeletionTimestamp, Is.Not.Null);
        var policy = KubernetesJson.Deserialize<NetworkPolicy>(PolicyJson);
        Assert.That(policy.Spec.Ingress[0].Ports[0].Port, Is.EqualTo(IntOrString.FromName("http")));
        Assert.That(policy.Spec.Ingress[0].From[0].NamespaceSelector!.MatchExpressions[0].Operator, Is.EqualTo(LabelSelectorOperator.In));
    }

    [Test]
    public async Task Every_sample_object_round_trips_through_a_store_and_json()
    {
        using var store = new ClusterStore();
        ClusterObject[] samples = [Objects.Service(), Objects.Slice(), Objects.Endpoints(), Objects.Policy(), Objects.Config(), Objects.Namespace(), Objects.Pod(), Objects.Node(), Objects.ServiceCidr(), Objects.IPAddress()];
        await store.Transaction().Then(samples.Select(TxnOperation.Create)).CommitAsync();
        foreach (var sample in samples)
        {
            var stored = store.State.Get(sample.Kind, new Storage.ObjectName(sample.Metadata.Namespace, sample.Metadata.Name), store.Revision)!;
            var back = KubernetesJson.Deserialize(KubernetesJson.Serialize(stored));

            // JSON carries times to the second and not the store's own counters (create revision, version).
            var expected = stored with
            {
                Metadata = stored.Metadata with
                {
                    CreateRevision = 0,
                    Version = 0,
                    CreationTimestamp = new DateTimeOffset(stored.Metadata.CreationTimestamp.UtcTicks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero),
                },
            };
            Assert.That(back, Is.EqualTo(expected), sample.Kind.Name);
        }
    }

    [Test]
    public void Kubernetes_conventions_hold_in_what_is_written()
    {
        var json = JsonNode.Parse(KubernetesJson.Serialize(Objects.Service()))!;
        Assert.That(json["apiVersion"]!.GetValue<string>(), Is.EqualTo("v1"));
        Assert.That(json["spec"]!["type"]!.GetValue<string>(), Is.EqualTo("ClusterIP"), "enums by name");
        Assert.That(json["spec"]!["ports"]![0]!["targetPort"]!.GetValueKind(), Is.EqualTo(JsonValueKind.Number));
        Assert.That(json["spec"]!.AsObject().ContainsKey("externalIPs"), Is.False, "empty lists left out");
        Assert.That(json["spec"]!.AsObject().ContainsKey("publishNotReadyAddresses"), Is.False, "false left out");
        Assert.That(json["metadata"]!.AsObject().ContainsKey("uid"), Is.False, "an object not yet stored has no uid");
        Assert.That(json["spec"]!.AsObject().ContainsKey("isHeadless"), Is.False, "computed properties are not fields");

        Assert.Throws<UnknownKindException>(() => KubernetesJson.Deserialize("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}"""));
        Assert.Throws<JsonException>(() => KubernetesJson.Deserialize("""{"metadata":{"name":"x"}}"""));
        Assert.Throws<JsonException>(() => KubernetesJson.Deserialize("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"x"},"spec":{"ports":[{"port":"eighty"}]}}"""));
        Assert.That(KubernetesJson.Deserialize("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"x","managedFields":[{}]},"spec":{"unknownField":1}}"""), Is.InstanceOf<Service>(), "unknown fields are ignored");
    }

    [Test]
    public void Every_field_written_is_a_field_of_the_kubernetes_api()
    {
        var reference = FindReference();
        if (reference is null)
        {
            Assert.Ignore("The Kubernetes API field reference (../shared/data/kubernetes-api-fields) is not beside the repository.");
        }

        var files = new Dictionary<string, string>
        {
            ["Service"] = "core.v1.Service.yaml",
            ["Endpoints"] = "core.v1.Endpoints.yaml",
            ["EndpointSlice"] = "discovery.k8s.io.v1.EndpointSlice.yaml",
            ["NetworkPolicy"] = "networking.k8s.io.v1.NetworkPolicy.yaml",
        };
        foreach (var obj in FullObjects.All().Where(o => files.ContainsKey(o.Kind.Name)))
        {
            var known = YamlPaths(File.ReadAllLines(Path.Combine(reference, files[obj.Kind.Name])));
            var written = new SortedSet<string>(StringComparer.Ordinal);
            JsonPaths(JsonNode.Parse(KubernetesJson.Serialize(obj)), string.Empty, written);
            Assert.That(written, Is.SubsetOf(known), $"{obj.Kind.Name}: fields Kubernetes does not have");
            Assert.That(written, Has.Count.GreaterThan(10), obj.Kind.Name);
        }
    }

    private static readonly HashSet<string> MapFields = ["labels", "annotations", "selector", "matchLabels", "deprecatedTopology"];

    private static string? FindReference()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "..", "shared", "data", "kubernetes-api-fields");
            if (Directory.Exists(candidate) && File.Exists(Path.Combine(directory.FullName, "ClusterState.sln")))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The dotted paths of the keys of the reference file (list items are transparent; map contents left out).</summary>
    private static HashSet<string> YamlPaths(string[] lines)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        var stack = new List<(int Indent, string Key)>();
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd();
            var indent = line.Length - line.TrimStart().Length;
            var content = line.TrimStart();
            if (content.StartsWith("- ", StringComparison.Ordinal))
            {
                indent += 2;
                content = content[2..];
            }

            var colon = content.IndexOf(':', StringComparison.Ordinal);
            if (content.Length == 0 || content.StartsWith('#') || colon <= 0 || content.StartsWith('-'))
            {
                continue;
            }

            stack.RemoveAll(e => e.Indent >= indent);
            var key = content[..colon];
            if (stack.Any(e => MapFields.Contains(e.Key)))
            {
                continue;
            }

            stack.Add((indent, key));
            paths.Add(string.Join('.', stack.Select(e => e.Key)));
        }

        return paths;
    }

    private static void JsonPaths(JsonNode? node, string prefix, SortedSet<string> paths)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    var path = prefix.Length == 0 ? key : prefix + "." + key;
                    paths.Add(path);
                    if (!MapFields.Contains(key))
                    {
                        JsonPaths(value, path, paths);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    JsonPaths(item, prefix, paths);
                }

                break;
        }
    }

    /// <summary>Drops what the model leaves out on purpose: empty strings (omitempty) and empty objects left behind.</summary>
    private static JsonNode? Normalize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    var normalized = Normalize(value);
                    obj.Remove(key);
                    if (normalized is not null && !(normalized is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length == 0) && !(normalized is JsonObject { Count: 0 }))
                    {
                        obj[key] = normalized;
                    }
                }

                return obj;
            case JsonArray array:
                var items = array.Select(i => Normalize(i?.DeepClone())).ToList();
                array.Clear();
                foreach (var item in items)
                {
                    array.Add(item);
                }

                return array;
            default:
                return node;
        }
    }
}
