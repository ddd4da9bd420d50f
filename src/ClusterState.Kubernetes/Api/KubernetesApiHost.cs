using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ClusterState.Kubernetes.Api;

/// <summary>
/// Runs a <see cref="KubernetesApiServer"/> over the container's <see cref="IClusterStore"/> for the life of a host:
/// started when the host starts, stopped when it stops. Registered by
/// <see cref="KubernetesApiServiceCollectionExtensions.AddClusterStateKubernetesApi"/>.
/// </summary>
public sealed class KubernetesApiHost(IClusterStore store, IOptions<KubernetesApiOptions> options) : IHostedService, IAsyncDisposable
{
    private KubernetesApiServer? _server;

    /// <summary>The running endpoint; null before the host starts and after it stops.</summary>
    public KubernetesApiServer? Server => _server;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken) =>
        _server = await KubernetesApiServer.StartAsync(store, options.Value, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _server, null) is { } server)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>Registers the Kubernetes API endpoint with a service collection.</summary>
public static class KubernetesApiServiceCollectionExtensions
{
    /// <summary>
    /// Serves the Kubernetes API over the registered store while the host runs (see <see cref="KubernetesApiHost"/>);
    /// call with <c>AddClusterState</c>, which registers the store.
    /// </summary>
    public static IServiceCollection AddClusterStateKubernetesApi(this IServiceCollection services, Action<KubernetesApiOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<KubernetesApiOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton<KubernetesApiHost>();
        services.AddHostedService(sp => sp.GetRequiredService<KubernetesApiHost>());
        return services;
    }
}
