using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClusterState.Kubernetes.Api;

/// <summary>
/// A Kubernetes API endpoint over a store, in process, on loopback by default: discovery (<c>/version</c>,
/// <c>/api</c>, <c>/apis</c>, each group-version's resources), and for every built-in kind the store holds: list
/// (label and field selectors, <c>limit</c>/<c>continue</c> at one revision, <c>resourceVersion</c>), get, watch
/// (<c>?watch=1</c> from a resourceVersion), create, replace (with the resourceVersion as precondition) and delete,
/// at namespaced and cluster paths, with errors as Kubernetes' <c>Status</c>. kubectl and KubernetesClient talk to it
/// as to an API server.
/// </summary>
/// <example>
/// <code>
/// await using var api = await KubernetesApiServer.StartAsync(store);
/// File.WriteAllText("kubeconfig", api.Kubeconfig());   // kubectl --kubeconfig kubeconfig get svc -A
/// </code>
/// </example>
public sealed class KubernetesApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KubernetesApiServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>Where the endpoint listens, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri Url { get; }

    /// <summary>Starts an endpoint over <paramref name="store"/>; it serves until disposed.</summary>
    public static async Task<KubernetesApiServer> StartAsync(IClusterStore store, KubernetesApiOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        options ??= new KubernetesApiOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(options.Address, options.Port));
        var app = builder.Build();
        var handlers = new ApiHandlers(store, options);
        handlers.Map(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new KubernetesApiServer(app, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    /// <summary>A kubeconfig that points kubectl at this endpoint (context <c>clusterstate</c>).</summary>
    public string Kubeconfig(string defaultNamespace = "default") => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: clusterstate
          cluster:
            server: {Url.ToString().TrimEnd('/')}
        users:
        - name: clusterstate
          user: {"{}"}
        contexts:
        - name: clusterstate
          context:
            cluster: clusterstate
            user: clusterstate
            namespace: {defaultNamespace}
        current-context: clusterstate
        """;

    /// <summary>Stops serving: open watches end.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>Where and how a <see cref="KubernetesApiServer"/> listens.</summary>
public sealed class KubernetesApiOptions
{
    /// <summary>The address to listen on: loopback by default.</summary>
    public System.Net.IPAddress Address { get; set; } = System.Net.IPAddress.Loopback;

    /// <summary>The port; 0 (the default) picks a free one (see <see cref="KubernetesApiServer.Url"/>).</summary>
    public int Port { get; set; }

    /// <summary>The version <c>/version</c> reports (kubectl compares it with its own).</summary>
    public string GitVersion { get; set; } = "v1.33.0-clusterstate";
}
