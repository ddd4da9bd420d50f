using System.Collections.Concurrent;
using System.Diagnostics;
using ClusterState.Model;

namespace ClusterState.Tests.Raft;

/// <summary>The checker itself, and client histories of a replicated store under partitions.</summary>
public sealed class LinearizabilityTests
{
    [Test]
    public void The_checker_accepts_concurrent_histories_with_a_valid_order_and_rejects_stale_reads()
    {
        // w(1) overlaps a read of 1 and a read of 0: both fine.
        Assert.That(LinearizabilityChecker.IsLinearizable([new("1", null, 0, 10), new(null, "1", 1, 5), new(null, "0", 2, 6)], "0"), Is.True);

        // A read that starts after w(1) returned must not see 0.
        Assert.That(LinearizabilityChecker.IsLinearizable([new("1", null, 0, 10), new(null, "0", 11, 12)], "0"), Is.False);

        // Two reads in sequence cannot see 2 then 1 when 1 was written before 2 completed... but they can when the
        // writes overlap each other: here they do not.
        Assert.That(LinearizabilityChecker.IsLinearizable([new("1", null, 0, 1), new("2", null, 2, 3), new(null, "2", 4, 5), new(null, "1", 6, 7)], "0"), Is.False);

        // A write whose outcome is unknown may or may not have happened.
        Assert.That(LinearizabilityChecker.IsLinearizable([new("1", null, 0, long.MaxValue), new(null, "1", 5, 6), new(null, "1", 7, 8)], "0"), Is.True);
        Assert.That(LinearizabilityChecker.IsLinearizable([new("1", null, 0, long.MaxValue), new(null, "0", 5, 6)], "0"), Is.True);
        Assert.That(LinearizabilityChecker.IsLinearizable([new("1", null, 0, long.MaxValue), new(null, "1", 5, 6), new(null, "0", 7, 8)], "0"), Is.False);
    }

    [Test]
    public async Task Client_histories_of_three_peers_under_partitions_are_linearizable([Values(false, true)] bool faultyLinks)
    {
        var network = new InMemoryRaftNetwork();
        if (faultyLinks)
        {
            // Besides the partitions: loss, duplication, and delays that reorder messages on every link.
            network.Faults = new RaftLinkFaults { DropRate = 0.02, DuplicateRate = 0.05, Delay = TimeSpan.FromMilliseconds(1), Jitter = TimeSpan.FromMilliseconds(3) };
        }

        ulong[] voters = [1, 2, 3];
        var peers = voters.Select(id => new ClusterStore(new ClusterStoreOptions
        {
            // Snapshots every few entries: they are built off each peer's loop while reads and writes go on, and
            // peers cut off by a partition catch up from them.
            Raft = new RaftOptions { NodeId = id, Voters = voters, Transport = network, TickInterval = TimeSpan.FromMilliseconds(5), CommitTimeout = TimeSpan.FromMilliseconds(500), SnapshotEntries = 16 },
        })).ToArray();
        try
        {
            string[] keys = ["a", "b"];
            await Retry(async () => await peers[0].Transaction().Then(keys.Select((k, i) => TxnOperation.Create(Register(k, "0", i)))).CommitAsync());

            var histories = new ConcurrentDictionary<string, ConcurrentBag<HistoryOp>>();
            var clock = Stopwatch.StartNew();
            var stopAt = TimeSpan.FromSeconds(2);
            var faults = Task.Run(async () =>
            {
                var random = new Random(1);
                while (clock.Elapsed < stopAt)
                {
                    await Task.Delay(random.Next(50, 250));
                    if (random.Next(3) == 0)
                    {
                        network.Heal();
                    }
                    else
                    {
                        network.Heal();
                        network.Isolate(voters[random.Next(3)]);
                    }
                }

                network.Heal();
            });
            var clients = Enumerable.Range(0, 6).Select(c => Task.Run(async () =>
            {
                var random = new Random(100 + c);
                var store = peers[c % 3];
                var n = 0;
                while (clock.Elapsed < stopAt)
                {
                    // Paced, so that the operations spread over the partitions and the history stays small enough
                    // to check in well under a second (a warm process otherwise runs tens of thousands).
                    await Task.Delay(2);
                    var key = keys[random.Next(keys.Length)];
                    var call = clock.ElapsedTicks;
                    if (random.Next(2) == 0)
                    {
                        var value = $"{c}-{n++}";
                        try
                        {
                            await store.Services.UpdateUnconditionallyAsync(Register(key, value, Array.IndexOf(keys, key)));
                            histories.GetOrAdd(key, _ => []).Add(new(value, null, call, clock.ElapsedTicks));
                        }
                        catch (StoreUnavailableException ex) when (ex.InnerException is TimeoutException)
                        {
                            // Unknown outcome: it may still commit.
                            histories.GetOrAdd(key, _ => []).Add(new(value, null, call, long.MaxValue));
                        }
                        catch (StoreUnavailableException)
                        {
                            // Refused before it was proposed (no leader): it never happened.
                        }
                    }
                    else
                    {
                        try
                        {
                            var revision = await store.SyncAsync();
                            var read = store.Services.Get("default", key, revision)!.Metadata.Annotations["v"];
                            histories.GetOrAdd(key, _ => []).Add(new(null, read, call, clock.ElapsedTicks));
                        }
                        catch (StoreUnavailableException)
                        {
                            // A failed read returns nothing: no constraint.
                        }
                        catch (RevisionCompactedException)
                        {
                            // The peer caught up from a leader's snapshot between the sync and the read, which
                            // compacts its history: the read failed, no constraint.
                        }
                    }
                }
            })).ToArray();
            await Task.WhenAll(clients.Append(faults)).WaitAsync(TimeSpan.FromSeconds(60));
            TestContext.Out.WriteLine($"clients done after {clock.Elapsed.TotalSeconds:F1} s");
            Assert.That(peers.Max(p => p.RaftPeer!.LogEntries), Is.LessThan(peers.Max(p => p.Revision)), "snapshots compacted the Raft logs during the run");

            foreach (var (key, ops) in histories)
            {
                var list = ops.ToList();
                Assert.That(list.Count(o => !o.IsWrite), Is.GreaterThan(5), $"key {key}: too few reads to mean anything");
                var checking = Stopwatch.StartNew();
                Assert.That(LinearizabilityChecker.IsLinearizable(list, "0"), Is.True, $"key {key}: {list.Count} operations are not linearizable");
                TestContext.Out.WriteLine($"key {key}: {list.Count} operations ({list.Count(o => o.IsWrite)} writes) checked in {checking.Elapsed.TotalMilliseconds:F0} ms");
            }
        }
        finally
        {
            foreach (var peer in peers)
            {
                peer.Dispose();
            }
        }
    }

    private static Service Register(string key, string value, int index) => new()
    {
        Metadata = new() { Namespace = "default", Name = key, Annotations = StringMap.Of(("v", value)) },
        Spec = new() { ClusterIP = $"10.96.0.{index + 1}", Ports = [new ServicePort { Port = 80 }] },
    };

    private static async Task Retry(Func<Task> action)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await action();
                return;
            }
            catch (StoreUnavailableException) when (attempt < 100)
            {
                await Task.Delay(20);
            }
        }
    }
}
