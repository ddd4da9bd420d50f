using System.Diagnostics;
using System.Text.Json.Nodes;
using ClusterState.Kubernetes.Api;
using ClusterState.Model;
using ClusterState.Tests.Persistence;

namespace ClusterState.Tests.Api;

/// <summary>A real kubectl against the Kubernetes API endpoint over an embedded store.</summary>
public sealed class KubectlTests
{
    private TempDirectory _directory = null!;

    [SetUp]
    public void SetUp() => _directory = new TempDirectory();

    [TearDown]
    public void TearDown() => _directory.Dispose();

    [Test]
    public async Task Kubectl_lists_kinds_creates_gets_lists_patches_and_deletes()
    {
        using var store = new ClusterStore();
        await using var api = await KubernetesApiServer.StartAsync(store);
        var kubeconfig = _directory.Sub("kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, api.Kubeconfig());

        var resources = await Kubectl(kubeconfig, "api-resources", "--no-headers");
        Assert.That(resources, Does.Contain("services").And.Contain("endpointslices").And.Contain("networkpolicies").And.Contain("pods").And.Contain("ipaddresses"));

        var manifest = _directory.Sub("web.yaml");
        await File.WriteAllTextAsync(manifest, """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              namespace: shop
              labels: {app: web}
            spec:
              clusterIP: 10.96.0.10
              selector: {app: web}
              ports:
              - name: http
                port: 80
                targetPort: http
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: web-1
              namespace: shop
              labels: {kubernetes.io/service-name: web}
            addressType: IPv4
            endpoints:
            - addresses: [10.244.1.5]
            ports:
            - name: http
              port: 8080
            """);
        var created = await Kubectl(kubeconfig, "create", "-f", manifest, "--validate=false");
        Assert.That(created, Does.Contain("service/web created").And.Contain("endpointslice.discovery.k8s.io/web-1 created"));
        Assert.That(store.Services.Get("shop", "web")!.Spec.Ports[0].TargetPort, Is.EqualTo(IntOrString.FromName("http")));

        var got = JsonNode.Parse(await Kubectl(kubeconfig, "get", "service", "web", "-n", "shop", "-o", "json"))!;
        Assert.That(got["spec"]!["clusterIP"]!.GetValue<string>(), Is.EqualTo("10.96.0.10"));
        Assert.That(got["metadata"]!["resourceVersion"]!.GetValue<string>(), Is.EqualTo("1"));

        var listed = JsonNode.Parse(await Kubectl(kubeconfig, "get", "endpointslices", "-A", "-l", "kubernetes.io/service-name=web", "-o", "json"))!;
        Assert.That(listed["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()), Is.EqualTo(new[] { "web-1" }));

        // Patches: a merge patch adds a label, a JSON patch replaces a port; both land as conditional updates.
        Assert.That(await Kubectl(kubeconfig, "patch", "service", "web", "-n", "shop", "--type=merge", "-p", """{"metadata":{"labels":{"tier":"front"}}}"""), Does.Contain("service/web patched"));
        Assert.That(await Kubectl(kubeconfig, "patch", "service", "web", "-n", "shop", "--type=json", "-p", """[{"op":"replace","path":"/spec/ports/0/port","value":8081}]"""), Does.Contain("service/web patched"));
        var patched = store.Services.Get("shop", "web")!;
        Assert.That(patched.Metadata.Labels["tier"], Is.EqualTo("front"));
        Assert.That(patched.Spec.Ports[0].Port, Is.EqualTo(8081));
        Assert.That(patched.Metadata.Version, Is.EqualTo(3));
        // kubectl's default patch is a strategic merge patch: the ports list merges by port.
        Assert.That(await Kubectl(kubeconfig, "patch", "service", "web", "-n", "shop", "-p", """{"spec":{"ports":[{"name":"metrics","port":9090}]}}"""), Does.Contain("service/web patched"));
        Assert.That(store.Services.Get("shop", "web")!.Spec.Ports.Select(p => p.Port), Is.EqualTo(new[] { 8081, 9090 }));

        var missing = await Kubectl(kubeconfig, expectFailure: true, "get", "service", "nope", "-n", "shop");
        Assert.That(missing, Does.Contain("NotFound").Or.Contain("not found"));

        Assert.That(await Kubectl(kubeconfig, "delete", "service", "web", "-n", "shop"), Does.Contain("service \"web\" deleted"));
        Assert.That(store.Services.Get("shop", "web"), Is.Null);
    }

    [Test]
    public async Task Kubectl_apply_creates_then_configures_then_leaves_unchanged()
    {
        using var store = new ClusterStore();
        await using var api = await KubernetesApiServer.StartAsync(store);
        var kubeconfig = _directory.Sub("kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, api.Kubeconfig());
        var manifests = _directory.Sub("manifests");
        Directory.CreateDirectory(manifests);
        string Service(string ports, string labels) => $$"""
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              namespace: shop
              labels: {{{labels}}}
            spec:
              clusterIP: 10.96.0.10
              selector: {app: web}
              ports:
            {{ports}}
            """;
        await File.WriteAllTextAsync(Path.Combine(manifests, "web.yaml"), Service("  - {name: http, port: 80, targetPort: 8080}\n  - {name: https, port: 443, targetPort: 8443}", "app: web, tier: front"));
        await File.WriteAllTextAsync(Path.Combine(manifests, "policy.yaml"), """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny, namespace: shop}
            spec:
              podSelector: {}
              policyTypes: [Ingress]
            """);

        var first = await Kubectl(kubeconfig, "apply", "-f", manifests, "--validate=false");
        Assert.That(first, Does.Contain("service/web created").And.Contain("networkpolicy.networking.k8s.io/deny created"));

        // Changed: a port's target, a port gone, a label gone. kubectl computes a three-way strategic merge patch.
        await File.WriteAllTextAsync(Path.Combine(manifests, "web.yaml"), Service("  - {name: http, port: 80, targetPort: 9090}", "app: web"));
        var second = await Kubectl(kubeconfig, "apply", "-f", manifests, "--validate=false");
        Assert.That(second, Does.Contain("service/web configured").And.Contain("networkpolicy.networking.k8s.io/deny unchanged"));
        var web = store.Services.Get("shop", "web")!;
        Assert.That(web.Spec.Ports.Select(p => (p.Port, p.TargetPort)), Is.EqualTo(new[] { (80, IntOrString.FromNumber(9090)) }));
        Assert.That(web.Metadata.Labels.Keys, Is.EqualTo(new[] { "app" }));
        Assert.That(web.Metadata.Annotations.ContainsKey("kubectl.kubernetes.io/last-applied-configuration"));

        var third = await Kubectl(kubeconfig, "apply", "-f", manifests, "--validate=false");
        Assert.That(third, Does.Contain("service/web unchanged"));

        // What was applied reads back (plus the server's fields).
        var yaml = await Kubectl(kubeconfig, "get", "service", "web", "-n", "shop", "-o", "yaml");
        Assert.That(yaml, Does.Contain("targetPort: 9090").And.Contain("clusterIP: 10.96.0.10").And.Contain("resourceVersion:").And.Not.Contain("port: 443"));
    }

    [Test]
    public async Task Kubectl_talks_tls_with_a_bearer_token_and_is_refused_without_it()
    {
        using var store = new ClusterStore();
        await store.Services.CreateAsync(Objects.Service("web", ns: "shop"));
        using var certificate = KubernetesApiServer.CreateLoopbackCertificate();
        await using var api = await KubernetesApiServer.StartAsync(store, new KubernetesApiOptions { Certificate = certificate, BearerToken = "t0ken" });
        var kubeconfig = _directory.Sub("kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, api.Kubeconfig("shop"));
        Assert.That(await Kubectl(kubeconfig, "get", "services", "-o", "name"), Does.Contain("service/web"));

        var wrong = _directory.Sub("wrong-token");
        await File.WriteAllTextAsync(wrong, api.Kubeconfig("shop").Replace("{token: \"t0ken\"}", "{token: \"other\"}", StringComparison.Ordinal));
        Assert.That(await Kubectl(wrong, expectFailure: true, "get", "services"), Does.Contain("You must be logged in to the server (Unauthorized)"));
    }

    [Test]
    public async Task Kubectl_get_watch_streams_changes()
    {
        var kubectl = FindKubectl();
        if (kubectl is null)
        {
            Assert.Ignore("kubectl is not installed.");
        }

        using var store = new ClusterStore();
        await store.Services.CreateAsync(Objects.Service("first", ns: "shop", clusterIP: "10.96.0.1"));
        await using var api = await KubernetesApiServer.StartAsync(store);
        var kubeconfig = _directory.Sub("kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, api.Kubeconfig());

        var start = new ProcessStartInfo(kubectl!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--kubeconfig", kubeconfig, "get", "services", "-n", "shop", "-w", "--output-watch-events", "-o", "jsonpath={.type} {.object.metadata.name}{\"\\n\"}" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var lines = new List<string>();
            async Task Expect(string line)
            {
                while (!lines.Contains(line))
                {
                    var next = await process.StandardOutput.ReadLineAsync(cts.Token) ?? throw new AssertionException($"kubectl ended: {await process.StandardError.ReadToEndAsync(cts.Token)}");
                    lines.Add(next.Trim());
                }
            }

            await Expect("ADDED first");
            await store.Services.CreateAsync(Objects.Service("second", ns: "shop", clusterIP: "10.96.0.2"));
            await Expect("ADDED second");
            await store.Services.DeleteAsync("shop", "first");
            await Expect("DELETED first");
            Assert.That(lines, Is.EqualTo(new[] { "ADDED first", "ADDED second", "DELETED first" }));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }

    private static async Task<string> Kubectl(string kubeconfig, params string[] args) => await Kubectl(kubeconfig, false, args);

    private static async Task<string> Kubectl(string kubeconfig, bool expectFailure, params string[] args)
    {
        var kubectl = FindKubectl();
        if (kubectl is null)
        {
            Assert.Ignore("kubectl is not installed.");
        }

        var start = new ProcessStartInfo(kubectl!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(kubeconfig);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var text = await output + await error;
        Assert.That(process.ExitCode == 0, Is.EqualTo(!expectFailure), $"kubectl {string.Join(' ', args)}: {text}");
        return text;
    }

    private static string? FindKubectl() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Select(d => Path.Combine(d, "kubectl")).FirstOrDefault(File.Exists);
}
