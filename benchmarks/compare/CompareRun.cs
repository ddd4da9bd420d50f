using ClusterState.Etcd;

namespace ClusterState.Comparison;

/// <summary>Every workload, etcd first and ClusterState second, each etcd started for the workloads that need it and stopped after.</summary>
internal static class CompareRun
{
    public static async Task RunAsync(ResultTable table, CompareSettings settings, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Path.GetTempPath(), "clusterstate-compare-" + Guid.NewGuid().ToString("N"));
        try
        {
            Console.WriteLine("single member, fsync on both sides: etcd (default) vs durable store (fsync per group commit)");
            await using (var etcd = await EtcdProcess.StartAsync(fsync: true, cancellationToken))
            using (var durable = new ClusterStore(new ClusterStoreOptions { DataDirectory = directory, HistoryRetention = 100_000 }))
            using (var etcdTarget = new EtcdTarget(etcd.ClientPort, settings.EtcdConnections))
            {
                var storeTarget = new StoreTarget(durable, linearizableReads: false);
                await SingleNodeWorkloads.WritesAsync(table, settings, "fsync (etcd vs durable store)", etcdTarget, storeTarget, cancellationToken);

                Console.WriteLine("single member, no fsync: etcd --unsafe-no-fsync vs in-memory store");
                await using (var unsafeEtcd = await EtcdProcess.StartAsync(fsync: false, cancellationToken))
                using (var inMemory = new ClusterStore(new ClusterStoreOptions { HistoryRetention = 100_000 }))
                using (var unsafeTarget = new EtcdTarget(unsafeEtcd.ClientPort, settings.EtcdConnections))
                {
                    await SingleNodeWorkloads.WritesAsync(table, settings, "no fsync (etcd --unsafe-no-fsync vs in-memory store)", unsafeTarget, new StoreTarget(inMemory, linearizableReads: false), cancellationToken);
                }

                Console.WriteLine("reads, lists and watches: etcd (fsync) vs durable store");
                await SingleNodeWorkloads.ReadsAsync(table, settings, etcdTarget, storeTarget, cancellationToken);
                await SingleNodeWorkloads.ListAsync(table, settings, etcdTarget, storeTarget, cancellationToken);
                await WatchWorkload.RunAsync(table, settings, "fsync", etcd.ClientPort, durable, cancellationToken);
            }

            Console.WriteLine("time to ready");
            await StartupWorkload.RunAsync(table, settings, cancellationToken);

            Console.WriteLine("three members on loopback: etcd cluster vs ClusterState peers over TCP");
            await ThreeMemberWorkloads.RunAsync(table, settings, cancellationToken);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        table.Note("etcd is measured through its gRPC API from this process (loopback, 8 HTTP/2 connections), ClusterState in process: an embedded store has no network hop, which is the point of embedding it. Both share this machine's cores.");
        table.Note("values: etcd stores a ~450-byte JSON Service under /registry/services/<namespace>/<name>, ClusterState the same Service as a typed record; writes overwrite one of 1,000 objects (etcd Put, ClusterState UpdateUnconditionallyAsync).");
        table.Note("reads: etcd's default (linearizable) Range; a single ClusterState store reads its own memory (it is the only copy, so the read is linearizable too); with 3 members ClusterState reads after SyncAsync (ReadIndex).");
        table.Note("3 members: etcd runs three processes; the three ClusterState peers run in this process, each with its own TCP transport on loopback and its own durable log (fsync).");
    }
}
