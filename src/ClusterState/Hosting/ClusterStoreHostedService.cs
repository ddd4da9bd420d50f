using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ClusterState.Hosting;

/// <summary>
/// Ties the store that <c>AddClusterState</c> registers to the host's life: the store opens when the host starts
/// (recovering its log, starting its Raft peer) rather than on first use, and closes when the host stops, within the
/// host's shutdown timeout. Hosted services registered after it (controllers using the store) stop before it.
/// </summary>
internal sealed class ClusterStoreHostedService(IServiceProvider services) : IHostedService
{
    private ClusterStore? _store;

    public async Task StartAsync(CancellationToken cancellationToken) =>

        // Opening may read a large log: off the host's thread, and abandoned (not awaited) if the start is cancelled.
        _store = await Task.Run(services.GetRequiredService<ClusterStore>, cancellationToken).WaitAsync(cancellationToken).ConfigureAwait(false);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _store, null) is { } store)
        {
            await Task.Run(store.Dispose, CancellationToken.None).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
