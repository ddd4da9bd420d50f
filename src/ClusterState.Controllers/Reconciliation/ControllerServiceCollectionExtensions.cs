using System.Diagnostics.Metrics;
using ClusterState.Controllers;
using ClusterState.Model;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers controllers and the shared <see cref="InformerFactory"/> in a service collection.</summary>
public static class ControllerServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="InformerFactory"/> over the registered <see cref="ClusterState.IClusterStore"/> (unless
    /// one is registered), so that every controller and every other consumer shares one informer per kind.
    /// </summary>
    public static IServiceCollection AddInformerFactory(this IServiceCollection services, InformerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(sp => new InformerFactory(
            sp.GetRequiredService<ClusterState.IClusterStore>(),
            (options ?? new InformerOptions()) with { LoggerFactory = options?.LoggerFactory ?? sp.GetService<ILoggerFactory>() }));
        return services;
    }

    /// <summary>
    /// Registers a <see cref="Controller{T}"/> running <typeparamref name="TReconciler"/> (a singleton, built by the
    /// container) as a hosted service, and the shared <see cref="InformerFactory"/>. Register the store
    /// (<c>AddClusterState</c>) first: hosted services start in order, so the store is open before the controller
    /// starts and is closed after it stops.
    /// </summary>
    public static IServiceCollection AddController<T, TReconciler>(this IServiceCollection services, Action<ControllerOptions<T>>? configure = null)
        where T : ClusterObject
        where TReconciler : class, IReconciler<T>
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new ControllerOptions<T>();
        configure?.Invoke(options);
        services.AddInformerFactory();
        services.TryAddSingleton<TReconciler>();

        // Not AddHostedService: it would keep only the first controller of a kind.
        services.AddSingleton<IHostedService>(sp => new Controller<T>(
            sp.GetRequiredService<InformerFactory>(),
            sp.GetRequiredService<TReconciler>(),
            options,
            sp.GetService<ILoggerFactory>(),
            sp.GetService<IMeterFactory>()));
        return services;
    }
}
