using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using ClusterState.Kubernetes;
using ClusterState.Kubernetes.Api;
using ClusterState.Model;
using ClusterState.Tests.Kinds;
using ClusterState.Tests.Persistence;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ClusterState.Tests.Api;

/// <summary>Kinds of a program's own speak Kubernetes JSON too: in KubernetesJson, manifests, and the API endpoint.</summary>
public sealed class RegisteredKindApiTests
{
    private static ClusterStore Store() => new(UserKinds.Register(new ClusterStoreOptions()));

    [Test]
    public async Task A_registered_kind_is_written_and_read_as_kubernetes_json_with_camel_case_fields()
    {
        using var store = Store();
        var stored = await store.Collection<Gateway>().CreateAsync(Gateway.Create());
        Assert.That(KubernetesJson.Supports(stored.Kind), Is.True);

        var json = JsonNode.Parse(KubernetesJson.Serialize(stored))!;
        Assert.That(json["apiVersion"]!.GetValue<string>(), Is.EqualTo("gateway.example.com/v1"));
        Assert.That(json["kind"]!.GetValue<string>(), Is.EqualTo("Gateway"));
        Assert.That(json["metadata"]!["resourceVersion"]!.GetValue<string>(), Is.EqualTo("1"));
        Assert.That(json["metadata"]!["labels"]!["tier"]!.GetValue<string>(), Is.EqualTo("edge"));
        Assert.That(json["spec"]!["className"]!.GetValue<string>(), Is.EqualTo("envoy"));
        Assert.That(json["spec"]!["listeners"]![0]!["port"]!.GetValue<int>(), Is.EqualTo(443));

        var back = KubernetesJson.Deserialize<Gateway>(json.ToJsonString());
        var created = stored.Metadata.CreationTimestamp;
        var seconds = new DateTimeOffset(created.UtcTicks - (created.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        Assert.That(back, Is.EqualTo(stored with { Metadata = stored.Metadata with { CreateRevision = 0, Version = 0, CreationTimestamp = seconds } }), "everything Kubernetes' metadata carries (times to the second)");
        Assert.Throws<System.Text.Json.JsonException>(() => KubernetesJson.Deserialize("""{"apiVersion":"gateway.example.com/v1","kind":"Gateway","spec":{}}"""), "metadata is required");
    }

    [Test]
    public async Task Manifests_of_a_registered_kind_apply_to_a_store_and_export_as_yaml()
    {
        using var store = Store();
        var objects = Manifests.Parse("""
            apiVersion: gateway.example.com/v1
            kind: Gateway
            metadata:
              name: public
              namespace: edge
            spec:
              className: envoy
              port: 8443
              hostnames: [a.example.com, b.example.com]
            """);
        await store.ApplyAsync(objects);
        var gateway = store.Collection<Gateway>().Get("edge", "public")!;
        Assert.That(gateway.Spec.Hostnames, Is.EqualTo(new[] { "a.example.com", "b.example.com" }));
        Assert.That(Manifests.ToYaml(gateway), Does.Contain("kind: Gateway").And.Contain("port: 8443").And.Contain("className: envoy"));
    }

    [Test]
    public async Task KubernetesClient_creates_lists_patches_and_deletes_a_registered_kind_and_discovery_shows_it()
    {
        using var store = Store();
        await using var api = await KubernetesApiServer.StartAsync(store);
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = api.Url.ToString().TrimEnd('/') });

        var groups = await client.Apis.GetAPIVersionsAsync();
        Assert.That(groups.Groups.Select(g => g.Name), Does.Contain("gateway.example.com").And.Contain("tenancy.example.com"));
        var resources = await client.CustomObjects.GetAPIResourcesAsync("gateway.example.com", "v1");
        Assert.That(resources.Resources.Single().Name, Is.EqualTo("gateways"));
        Assert.That(resources.Resources.Single().Namespaced, Is.True);

        var body = new Dictionary<string, object>
        {
            ["apiVersion"] = "gateway.example.com/v1",
            ["kind"] = "Gateway",
            ["metadata"] = new Dictionary<string, object> { ["name"] = "public" },
            ["spec"] = new Dictionary<string, object> { ["className"] = "envoy", ["port"] = 443 },
        };
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(body, "gateway.example.com", "v1", "edge", "gateways");
        Assert.That(store.Collection<Gateway>().Get("edge", "public")!.Spec.Port, Is.EqualTo(443));

        var list = JsonNode.Parse(((System.Text.Json.JsonElement)await client.CustomObjects.ListNamespacedCustomObjectAsync("gateway.example.com", "v1", "edge", "gateways")).GetRawText())!;
        Assert.That(list["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()), Is.EqualTo(new[] { "public" }));

        var patch = new V1Patch("""{"spec":{"port":8443}}""", V1Patch.PatchType.MergePatch);
        await client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, "gateway.example.com", "v1", "edge", "gateways", "public");
        Assert.That(store.Collection<Gateway>().Get("edge", "public")!.Spec.Port, Is.EqualTo(8443));

        // The kind's own rules answer 422 with the field.
        var invalid = Assert.ThrowsAsync<HttpOperationException>(async () => await client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"spec":{"port":70000}}""", V1Patch.PatchType.MergePatch), "gateway.example.com", "v1", "edge", "gateways", "public"));
        Assert.That((int)invalid!.Response.StatusCode, Is.EqualTo(422));
        Assert.That(invalid.Response.Content, Does.Contain("spec.port"));

        await client.CustomObjects.DeleteNamespacedCustomObjectAsync("gateway.example.com", "v1", "edge", "gateways", "public");
        Assert.That(store.Collection<Gateway>().Get("edge", "public"), Is.Null);
        var gone = Assert.ThrowsAsync<HttpOperationException>(async () => await client.CustomObjects.GetNamespacedCustomObjectAsync("gateway.example.com", "v1", "edge", "gateways", "public"));
        Assert.That(gone!.Response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Kubectl_applies_gets_and_lists_a_registered_kind()
    {
        var kubectl = new[] { "/usr/bin/kubectl", "/usr/local/bin/kubectl" }.FirstOrDefault(File.Exists);
        if (kubectl is null)
        {
            Assert.Ignore("kubectl is not installed");
        }

        using var dir = new TempDirectory();
        using var store = Store();
        await using var api = await KubernetesApiServer.StartAsync(store);
        var kubeconfig = dir.Sub("kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, api.Kubeconfig());
        var manifest = dir.Sub("gateway.yaml");
        await File.WriteAllTextAsync(manifest, """
            apiVersion: gateway.example.com/v1
            kind: Gateway
            metadata: {name: public, namespace: edge}
            spec: {className: envoy, port: 443}
            """);

        async Task<string> Run(params string[] args)
        {
            var start = new ProcessStartInfo(kubectl!) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in args.Append("--kubeconfig").Append(kubeconfig))
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.That(process.ExitCode, Is.Zero, $"kubectl {string.Join(' ', args)}: {error}");
            return output;
        }

        Assert.That(await Run("api-resources", "--no-headers"), Does.Contain("gateways").And.Contain("tenants"));
        Assert.That(await Run("apply", "-f", manifest, "--validate=false"), Does.Contain("gateway.gateway.example.com/public created"));
        await File.WriteAllTextAsync(manifest, (await File.ReadAllTextAsync(manifest)).Replace("port: 443", "port: 8443", StringComparison.Ordinal));
        Assert.That(await Run("apply", "-f", manifest, "--validate=false"), Does.Contain("gateway.gateway.example.com/public configured"));
        Assert.That(store.Collection<Gateway>().Get("edge", "public")!.Spec.Port, Is.EqualTo(8443));
        Assert.That(await Run("get", "gateways", "-n", "edge", "-o", "yaml"), Does.Contain("port: 8443").And.Contain("resourceVersion:"));
        Assert.That(await Run("delete", "gateway", "public", "-n", "edge"), Does.Contain("deleted"));
    }
}
