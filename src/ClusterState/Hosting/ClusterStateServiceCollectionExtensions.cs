using System.Diagnostics.Metrics;
using ClusterState;
using ClusterState.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers ClusterState with a service collection.</summary>
public static class ClusterStateServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="ClusterStore"/> as a singleton, available as <see cref="IClusterStore"/> and
    /// <see cref="ClusterStore"/>, configured through <see cref="IOptions{TOptions}"/> of
    /// <see cref="ClusterStoreOptions"/>. It uses the container's <see cref="TimeProvider"/>,
    /// <see cref="ILoggerFactory"/> and <see cref="IMeterFactory"/> when they are registered.
    /// </summary>
    public static IServiceCollection AddClusterState(this IServiceCollection services, Action<ClusterStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ClusterStoreOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClusterStoreOptions>, ClusterStoreOptionsValidator>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(sp => new ClusterStore(
            sp.GetRequiredService<IOptions<ClusterStoreOptions>>().Value,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<IClusterStore>(sp => sp.GetRequiredService<ClusterStore>());
        return services;
    }
}
