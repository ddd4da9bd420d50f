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
    /// <see cref="ILoggerFactory"/> and <see cref="IMeterFactory"/> when they are registered. In a host, the store opens
    /// when the host starts (its log recovered, its Raft peer started) and is disposed when the host stops; outside
    /// one, it opens when first resolved and is disposed with the container.
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
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, ClusterStoreHostedService>());
        return services;
    }

    /// <summary>
    /// Makes the registered store a Raft peer: <paramref name="raft"/> builds its <see cref="RaftOptions"/> from the
    /// container (take the transport from it, such as the one <see cref="AddRaftTcpTransport"/> registers). Call
    /// with <see cref="AddClusterState"/>, which registers the store itself.
    /// </summary>
    public static IServiceCollection AddClusterStateRaft(this IServiceCollection services, Func<IServiceProvider, RaftOptions> raft)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(raft);
        services.AddSingleton<IConfigureOptions<ClusterStoreOptions>>(sp => new ConfigureOptions<ClusterStoreOptions>(options => options.Raft = raft(sp)));
        return services;
    }

    /// <summary>
    /// Registers a kind of the program's own with the store <see cref="AddClusterState"/> registers: the same as
    /// calling <see cref="ClusterStoreOptions.AddKind{T}(KindSerializer{T}, Func{T, IEnumerable{ValidationError}}?)"/>
    /// in its configuration. Libraries that bring their own kinds call this from their own registration.
    /// </summary>
    public static IServiceCollection AddClusterStateKind<T>(this IServiceCollection services, KindSerializer<T> serializer, Func<T, IEnumerable<ValidationError>>? validator = null)
        where T : ClusterState.Model.ClusterObject
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(serializer);
        ClusterState.Model.ResourceKind.Of<T>();
        services.Configure<ClusterStoreOptions>(options => options.AddKind(serializer, validator));
        return services;
    }

    /// <summary>
    /// Registers this process's <see cref="TcpRaftTransport"/> as a singleton (listening once first resolved, closed
    /// with the container), logging through the container's <see cref="ILoggerFactory"/> when there is one.
    /// </summary>
    public static IServiceCollection AddRaftTcpTransport(this IServiceCollection services, TcpRaftTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        services.TryAddSingleton(sp => new TcpRaftTransport(options, sp.GetService<ILogger<TcpRaftTransport>>()));
        return services;
    }
}
