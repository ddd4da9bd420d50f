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
        var strategic = await Kubectl(kubeconfig, expectFailure: true, "patch", "service", "web", "-n", "shop", "-p", """{"spec":{"selector":{"app":"other"}}}""");
        Assert.That(strategic, Does.Contain("not supported"));

        var missing = await Kubectl(kubeconfig, expectFailure: true, "get", "service", "nope", "-n", "shop");
        Assert.That(missing, Does.Contain("NotFound").Or.Contain("not found"));

        Assert.That(await Kubectl(kubeconfig, "delete", "service", "web", "-n", "shop"), Does.Contain("service \"web\" deleted"));
        Assert.That(store.Services.Get("shop", "web"), Is.Null);
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
