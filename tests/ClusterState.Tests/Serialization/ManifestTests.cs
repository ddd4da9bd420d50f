using ClusterState.Kubernetes;
using ClusterState.Model;

namespace ClusterState.Tests.Serialization;

/// <summary>YAML and JSON manifests read into objects, applied to a store in one transaction, and exported as YAML.</summary>
public sealed class ManifestTests
{
    private const string Manifest = """
        # A Service and its slice, as one would write them.
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: shop
          labels:
            app: web
            canary: "true"
        spec:
          selector:
            app: web
          ports:
          - name: http
            port: 80
            targetPort: http
          - name: metrics
            port: 9090
            targetPort: 9090
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: web-1
          namespace: shop
          labels:
            kubernetes.io/service-name: web
        addressType: IPv4
        endpoints:
        - addresses: ["10.244.1.5"]
          conditions: {ready: true}
        ports:
        - name: http
          port: 8080
        ---
        apiVersion: v1
        kind: List
        items:
        - apiVersion: networking.k8s.io/v1
          kind: NetworkPolicy
          metadata: {name: web-allow, namespace: shop}
          spec:
            podSelector: {matchLabels: {app: web}}
            ingress:
            - ports: [{port: http}]
        - apiVersion: v1
          kind: Namespace
          metadata:
            name: shop
        ---
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-0", "labels": {"app": "web"}},
         "spec": {"containers": [{"name": "app", "image": "web:1", "ports": [{"name": "http", "containerPort": 8080}]}]}}
        """;

    [Test]
    public void Yaml_and_json_documents_and_lists_read_into_objects()
    {
        var objects = Manifests.Parse(Manifest);
        Assert.That(objects.Select(o => o.Kind.Name), Is.EqualTo(new[] { "Service", "EndpointSlice", "NetworkPolicy", "Namespace", "Pod" }));
        var service = (Service)objects[0];
        Assert.That(service.Metadata.Labels["canary"], Is.EqualTo("true"), "a quoted scalar stays a string");
        Assert.That(service.Spec.Ports[0].TargetPort, Is.EqualTo(IntOrString.FromName("http")));
        Assert.That(service.Spec.Ports[1].TargetPort, Is.EqualTo(IntOrString.FromNumber(9090)));
        Assert.That(((EndpointSlice)objects[1]).Endpoints[0].Conditions.Ready, Is.True);
        Assert.That(((NetworkPolicy)objects[2]).Spec.Ingress[0].Ports[0].Port, Is.EqualTo(IntOrString.FromName("http")));
        Assert.That(((Pod)objects[4]).Metadata.Namespace, Is.Empty, "no namespace: apply puts it in the default one");
    }

    [Test]
    public async Task Applied_manifests_land_in_one_transaction_and_export_as_yaml_with_the_same_fields()
    {
        using var store = new ClusterStore();
        var applied = Manifests.Parse(Manifest);
        var first = await store.ApplyAsync(applied);
        Assert.That(first.Succeeded, Is.True);
        Assert.That(first.Results.Select(r => r!.Metadata.ResourceVersion).Distinct(), Is.EqualTo(new[] { 1L }), "one revision");
        Assert.That(store.Collection<Pod>().Get("default", "web-0"), Is.Not.Null);

        // Export, write as kubectl would, read back: the same fields as applied, plus the server's.
        var yaml = Manifests.ToYaml(store.Export("shop"));
        Assert.That(yaml, Does.StartWith("apiVersion: v1\nkind: Service\nmetadata:\n  creationTimestamp: \"20"), "keys in order and a timestamp quoted, as kubectl writes them");
        Assert.That(yaml, Does.Contain("\n  ports:\n  - name: http\n    port: 80\n    protocol: TCP\n    targetPort: http\n"));
        Assert.That(yaml, Does.Contain("canary: \"true\""));
        Assert.That(yaml, Does.Contain("resourceVersion: \"1\""));
        var exported = Manifests.Parse(yaml);
        Assert.That(exported.Select(o => (o.Kind.Name, o.Metadata.Name)), Is.EquivalentTo(new[] { ("Service", "web"), ("EndpointSlice", "web-1"), ("NetworkPolicy", "web-allow") }));
        var service = (Service)exported.Single(o => o is Service);
        Assert.That(service.Spec with { ClusterIP = null }, Is.EqualTo(((Service)applied[0]).Spec));
        Assert.That(service.Metadata.Labels, Is.EqualTo(applied[0].Metadata.Labels));
        Assert.That(exported.Single(o => o is EndpointSlice), Is.EqualTo(store.EndpointSlices.Get("shop", "web-1")! with
        {
            Metadata = store.EndpointSlices.Get("shop", "web-1")!.Metadata with { CreateRevision = 0, Version = 0, CreationTimestamp = exported.Single(o => o is EndpointSlice).Metadata.CreationTimestamp },
        }));

        // Applying again with a change updates in place; unchanged objects are rewritten at the same revision.
        var changed = Manifests.Parse(Manifest.Replace("port: 9090\n    targetPort: 9090", "port: 9091\n    targetPort: 9091", StringComparison.Ordinal));
        var second = await store.ApplyAsync(changed);
        Assert.That(store.Services.Get("shop", "web")!.Spec.Ports[1].Port, Is.EqualTo(9091));
        Assert.That(store.Services.Get("shop", "web")!.Metadata.CreateRevision, Is.EqualTo(1));
        Assert.That(second.Revision, Is.EqualTo(2));
    }

    [Test]
    public async Task Bad_manifests_fail_with_the_document_named_and_nothing_applied()
    {
        var bad = Assert.Throws<FormatException>(() => Manifests.Parse("apiVersion: v1\nkind: Service\nmetadata: {name: x}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: y}\nspec: {ports: [{port: eighty}]}\n"));
        Assert.That(bad!.Message, Does.StartWith("document 2"));
        Assert.Throws<FormatException>(() => Manifests.Parse("key: [unclosed"));
        Assert.Throws<UnknownKindException>(() => Manifests.Parse("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"));

        using var store = new ClusterStore();
        var invalid = Manifests.Parse("apiVersion: v1\nkind: Service\nmetadata: {name: ok, namespace: a}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: Not_OK, namespace: a}\n");
        Assert.ThrowsAsync<ValidationException>(async () => await store.ApplyAsync(invalid));
        Assert.That(store.Revision, Is.Zero, "nothing was written");
    }

    [Test]
    public async Task Manifests_in_a_directory_are_read_in_name_order()
    {
        using var directory = new Persistence.TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "b.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n");
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "a.json"), """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}}""");
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "notes.txt"), "not a manifest");
        Assert.That(Manifests.ParseDirectory(directory.Path).Select(o => o.Metadata.Name), Is.EqualTo(new[] { "a", "b" }));
    }
}
