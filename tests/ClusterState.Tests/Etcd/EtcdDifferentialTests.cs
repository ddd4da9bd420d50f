using System.Globalization;
using System.Text;
using ClusterState.Etcd;
using ClusterState.Model;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Mvccpb;
using EtcdCompare = Etcdserverpb.Compare;
using EtcdTxn = Etcdserverpb.TxnRequest;

namespace ClusterState.Tests.Etcd;

/// <summary>
/// The same random operation sequences applied to a real etcd and to a store, compared after every step: the
/// outcome of each operation, revisions (offset by etcd's starting revision), every object's create revision, mod
/// revision and version, reads and lists at past revisions, compaction errors; then watches from several revisions.
/// A mismatch names the seed and prints the shortest failing prefix. Skipped (with how to install etcd) when etcd is
/// missing, except where CLUSTERSTATE_REQUIRE_ETCD=1 (CI). ETCD_DIFF_SEEDS and ETCD_DIFF_OPS run more.
/// </summary>
[NonParallelizable]
public sealed class EtcdDifferentialTests
{
    private const string Prefix = "/registry/services/";

    private static readonly (string Namespace, string Name)[] Keys =
        [("default", "web"), ("default", "api"), ("default", "db"), ("shop", "web"), ("shop", "cart"), ("kube-system", "dns")];

    private static int Seeds => int.TryParse(Environment.GetEnvironmentVariable("ETCD_DIFF_SEEDS"), out var n) ? n : 4;

    private static int OpsPerSeed => int.TryParse(Environment.GetEnvironmentVariable("ETCD_DIFF_OPS"), out var n) ? n : 150;

    internal static void SkipWithoutEtcd()
    {
        if (EtcdProcess.Binary() is null)
        {
            if (Environment.GetEnvironmentVariable("CLUSTERSTATE_REQUIRE_ETCD") == "1")
            {
                Assert.Fail(EtcdProcess.InstallHint);
            }

            Assert.Ignore(EtcdProcess.InstallHint);
        }
    }

    [Test]
    public async Task Random_operation_sequences_behave_as_on_etcd([Values] StoreMode mode)
    {
        SkipWithoutEtcd();
        var first = int.TryParse(Environment.GetEnvironmentVariable("ETCD_DIFF_SEED"), out var one) ? one : 1;
        var last = first == one ? one : Seeds;

        // A hung etcd or store fails the test instead of the run: a generous budget per seed.
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(60 + (last - first + 1) * Math.Max(10, OpsPerSeed / 10)));
        var cancellationToken = budget.Token;
        var steps = 0;
        for (var seed = first; seed <= last; seed++)
        {
            steps += await RunSeedAsync(seed, mode, cancellationToken);
        }

        TestContext.Out.WriteLine($"{mode}: {last - first + 1} seeds, {steps} operations and their watches matched etcd");
    }

    /// <summary>The store under test: in memory, durable (its log on disk), or the leader of three Raft peers.</summary>
    public enum StoreMode
    {
        InMemory,
        Durable,
        Replicated,
    }

    private static async Task<int> RunSeedAsync(int seed, StoreMode mode, CancellationToken cancellationToken)
    {
        await using var etcd = await EtcdProcess.StartAsync(fsync: false, cancellationToken);
        using var directory = new Persistence.TempDirectory();
        var network = new InMemoryRaftNetwork();
        ulong[] voters = [1, 2, 3];
        ClusterStore Open(ulong id) => new(new ClusterStoreOptions
        {
            HistoryRetention = null,
            DataDirectory = mode == StoreMode.Durable ? directory.Path : null,
            Durability = DurabilityMode.None,
            Raft = mode == StoreMode.Replicated
                ? new RaftOptions { NodeId = id, Voters = voters, Transport = network, TickInterval = TimeSpan.FromMilliseconds(10) }
                : null,
        });
        var peers = mode == StoreMode.Replicated ? voters.Select(Open).ToArray() : [Open(1)];
        using var dispose = new Disposer(peers);
        var store = mode == StoreMode.Replicated ? await LeaderAsync(peers) : peers[0];
        if (mode == StoreMode.Replicated)
        {
            // Every peer applied the first leader's no-op; start from the same revision on all.
            await store.SyncAsync(cancellationToken);
        }

        var pair = new Pair(etcd, store);
        await pair.InitAsync(cancellationToken);

        var random = new Random(seed);
        var log = new List<string>();
        for (var step = 0; step < OpsPerSeed; step++)
        {
            var op = Generate(random, pair, step);
            log.Add(op.ToString());
            var expected = await op.OnEtcd(pair, cancellationToken);
            var actual = await op.OnStore(pair, cancellationToken);
            var expectedState = await pair.EtcdStateAsync(cancellationToken);
            var actualState = pair.StoreState();
            if (expected != actual || expectedState != actualState)
            {
                Assert.Fail(
                    $"seed {seed} (replay with ETCD_DIFF_SEED={seed}): step {step} differs from etcd.\n" +
                    $"  operation: {op}\n  etcd:  {expected}\n  store: {actual}\n" +
                    (expectedState != actualState ? $"  etcd state:  {expectedState}\n  store state: {actualState}\n" : "") +
                    $"shortest failing prefix ({step + 1} operations):\n    " + string.Join("\n    ", log));
            }
        }

        await CompareWatchesAsync(seed, pair, random, cancellationToken);
        if (mode == StoreMode.Replicated)
        {
            // Every follower reached the same state, compactions included.
            foreach (var peer in peers)
            {
                await peer.SyncAsync(cancellationToken);
                Assert.That((peer.Revision, peer.CompactedRevision, Pair.StoreList(peer, null)), Is.EqualTo((store.Revision, store.CompactedRevision, Pair.StoreList(store, null))), $"seed {seed}: peer {peer.Leader} agrees with the leader");
            }
        }

        return OpsPerSeed;
    }

    private static async Task<ClusterStore> LeaderAsync(ClusterStore[] peers)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var leader = peers.FirstOrDefault(p => p.RaftPeer!.IsLeader && peers.All(o => o.Leader == p.RaftPeer.Id));
            if (leader is not null)
            {
                return leader;
            }

            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "a leader is elected");
            await Task.Delay(10);
        }
    }

    private sealed class Disposer(ClusterStore[] stores) : IDisposable
    {
        public void Dispose()
        {
            foreach (var store in stores)
            {
                store.Dispose();
            }
        }
    }

    /// <summary>Watches from several revisions (compacted, first kept, middle, latest) see the same events on both.</summary>
    private static async Task CompareWatchesAsync(int seed, Pair pair, Random random, CancellationToken cancellationToken)
    {
        // A last write that every watch ends with.
        var sentinel = await new Op.Write(OpKind.Create, ("zz", "end"), 0, "create zz/end").OnStore(pair, cancellationToken);
        await new Op.Write(OpKind.Create, ("zz", "end"), 0, "create zz/end").OnEtcd(pair, cancellationToken);
        var end = pair.Store.Revision;
        var compacted = pair.Store.CompactedRevision;
        long[] starts = [.. new[] { Math.Max(1, compacted - 1), compacted, compacted + 1, random.NextInt64(Math.Max(1, compacted), end + 1), end }.Where(r => r >= 1).Distinct()];
        foreach (var start in starts)
        {
            var expected = await pair.EtcdWatchAsync(start, end, cancellationToken);
            var actual = await pair.StoreWatchAsync(start, end, cancellationToken);
            if (start == compacted)
            {
                // A deliberate difference (README): etcd's compaction at R removes the tombstones at R, so a watch
                // from R misses deletions at R; the store delivers them.
                actual.RemoveAll(e => e.StartsWith("Deleted ", StringComparison.Ordinal) && e.EndsWith($" at {compacted}", StringComparison.Ordinal));
            }

            Assert.That(actual, Is.EqualTo(expected), $"seed {seed} (replay with ETCD_DIFF_SEED={seed}): a watch from revision {start} (compacted {compacted}, last write {sentinel})");
        }
    }

    private static Op Generate(Random random, Pair pair, int step)
    {
        var key = Keys[random.Next(Keys.Length)];
        var current = pair.Store.Revision;
        var compacted = pair.Store.CompactedRevision;
        var existing = pair.Store.Services.Get(key.Namespace, key.Name);
        long AnyRevision() => random.NextInt64(Math.Max(1, compacted - 2), current + 3);
        // A resourceVersion precondition is a real revision (as in Kubernetes): "absent" is expressed by a create.
        long SomeModRevision() => random.Next(3) switch
        {
            0 when existing is not null => existing.Metadata.ResourceVersion,
            1 => random.NextInt64(1, current + 2),
            _ => existing?.Metadata.ResourceVersion ?? random.NextInt64(1, current + 2),
        };

        return random.Next(100) switch
        {
            < 20 => new Op.Write(OpKind.Create, key, 0, $"create {key.Namespace}/{key.Name}"),
            < 35 => new Op.Write(OpKind.Update, key, 0, $"update {key.Namespace}/{key.Name}"),
            < 45 => new Op.Write(OpKind.UpdateIf, key, SomeModRevision() is var rv ? rv : 0, $"update {key.Namespace}/{key.Name} if resourceVersion == {rv}"),
            < 53 => new Op.Write(OpKind.Delete, key, 0, $"delete {key.Namespace}/{key.Name}"),
            < 58 => new Op.Write(OpKind.DeleteIf, key, SomeModRevision() is var drv ? drv : 0, $"delete {key.Namespace}/{key.Name} if resourceVersion == {drv}"),
            < 75 => GenerateTxn(random, pair, step),
            < 80 => new Op.Compact(random.Next(4) == 0 ? random.NextInt64(Math.Max(1, compacted - 2), compacted + 1) : random.NextInt64(Math.Max(1, compacted), current + 2)),
            < 92 => new Op.GetAt(key, AnyRevision()),
            _ => new Op.ListAt(random.Next(4) == 0 ? null : AnyRevision()),
        };
    }

    /// <summary>A transaction over up to three keys: compares on version, mod revision or create revision; branches of writes valid whichever runs.</summary>
    private static Op GenerateTxn(Random random, Pair pair, int step)
    {
        var keys = Keys.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).ToArray();
        var compares = new List<(string Namespace, string Name, CompareTarget Target, CompareOperator Operator, long Value)>();
        foreach (var key in keys.Take(random.Next(0, keys.Length + 1)))
        {
            var existing = pair.Store.Services.Get(key.Namespace, key.Name);
            var target = (CompareTarget)random.Next(3);
            var actual = existing is null ? 0 : target switch
            {
                CompareTarget.Version => existing.Metadata.Version,
                CompareTarget.ResourceVersion => existing.Metadata.ResourceVersion,
                _ => existing.Metadata.CreateRevision,
            };
            var value = random.Next(3) == 0 ? actual + random.Next(-1, 2) : actual;
            compares.Add((key.Namespace, key.Name, target, (CompareOperator)random.Next(4), value));
        }

        List<(OpKind Kind, (string Namespace, string Name) Key)> Branch() =>
        [
            .. keys.Where(_ => random.Next(3) > 0).Select(key =>
            {
                var exists = pair.Store.Services.Get(key.Namespace, key.Name) is not null;
                return (exists ? (random.Next(3) == 0 ? OpKind.Delete : OpKind.Update) : OpKind.Create, key);
            }),
        ];

        return new Op.Txn(compares, Branch(), Branch(), step);
    }

    private enum OpKind
    {
        Create,
        Update,
        UpdateIf,
        Delete,
        DeleteIf,
    }

    private abstract record Op
    {
        public abstract Task<string> OnEtcd(Pair pair, CancellationToken cancellationToken);

        public abstract Task<string> OnStore(Pair pair, CancellationToken cancellationToken);

        /// <summary>A single write, conditional on existence (create, update, delete) or on the resourceVersion.</summary>
        public sealed record Write(OpKind Kind, (string Namespace, string Name) Key, long ResourceVersion, string Text) : Op
        {
            public override async Task<string> OnEtcd(Pair pair, CancellationToken cancellationToken)
            {
                var key = Pair.EtcdKey(Key);
                var txn = new EtcdTxn();
                txn.Compare.Add(Kind switch
                {
                    OpKind.Create => Pair.EtcdCompare(key, EtcdCompare.Types.CompareTarget.Create, EtcdCompare.Types.CompareResult.Equal, 0),
                    OpKind.Update or OpKind.Delete => Pair.EtcdCompare(key, EtcdCompare.Types.CompareTarget.Version, EtcdCompare.Types.CompareResult.Greater, 0),
                    _ => Pair.EtcdCompare(key, EtcdCompare.Types.CompareTarget.Mod, EtcdCompare.Types.CompareResult.Equal, pair.ToEtcd(ResourceVersion, zeroStays: true)),
                });
                txn.Success.Add(Kind is OpKind.Delete or OpKind.DeleteIf ? Pair.EtcdDelete(key) : pair.EtcdPut(key));
                var response = await pair.Etcd.KV.TxnAsync(txn, cancellationToken: cancellationToken);
                return response.Succeeded ? $"ok at {pair.FromEtcd(response.Header.Revision)}" : "failed";
            }

            public override async Task<string> OnStore(Pair pair, CancellationToken cancellationToken)
            {
                var services = pair.Store.Services;
                try
                {
                    switch (Kind)
                    {
                        case OpKind.Create:
                            await services.CreateAsync(pair.NewService(Key), cancellationToken);
                            break;
                        case OpKind.Update:
                            await services.UpdateUnconditionallyAsync(pair.NewService(Key), cancellationToken);
                            break;
                        case OpKind.UpdateIf:
                            var service = pair.NewService(Key);
                            await services.UpdateAsync(service with { Metadata = service.Metadata with { ResourceVersion = ResourceVersion } }, cancellationToken);
                            break;
                        case OpKind.Delete:
                            await services.DeleteAsync(Key.Namespace, Key.Name, cancellationToken: cancellationToken);
                            break;
                        default:
                            await services.DeleteAsync(Key.Namespace, Key.Name, ResourceVersion, cancellationToken);
                            break;
                    }

                    return $"ok at {pair.Store.Revision}";
                }
                catch (Exception ex) when (ex is AlreadyExistsException or NotFoundException or ConflictException)
                {
                    return "failed";
                }
            }

            public override string ToString() => Text;
        }

        public sealed record Txn(
            List<(string Namespace, string Name, CompareTarget Target, CompareOperator Operator, long Value)> Compares,
            List<(OpKind Kind, (string Namespace, string Name) Key)> Then,
            List<(OpKind Kind, (string Namespace, string Name) Key)> Else,
            int Step) : Op
        {
            public override async Task<string> OnEtcd(Pair pair, CancellationToken cancellationToken)
            {
                var txn = new EtcdTxn();
                foreach (var (ns, name, target, op, value) in Compares)
                {
                    txn.Compare.Add(Pair.EtcdCompare(
                        Pair.EtcdKey((ns, name)),
                        target switch { CompareTarget.Version => EtcdCompare.Types.CompareTarget.Version, CompareTarget.ResourceVersion => EtcdCompare.Types.CompareTarget.Mod, _ => EtcdCompare.Types.CompareTarget.Create },
                        op switch { CompareOperator.Equal => EtcdCompare.Types.CompareResult.Equal, CompareOperator.NotEqual => EtcdCompare.Types.CompareResult.NotEqual, CompareOperator.Greater => EtcdCompare.Types.CompareResult.Greater, _ => EtcdCompare.Types.CompareResult.Less },
                        target == CompareTarget.Version ? value : pair.ToEtcd(value, zeroStays: true)));
                }

                txn.Success.AddRange(Then.Select(o => o.Kind == OpKind.Delete ? Pair.EtcdDelete(Pair.EtcdKey(o.Key)) : pair.EtcdPut(Pair.EtcdKey(o.Key))));
                txn.Failure.AddRange(Else.Select(o => o.Kind == OpKind.Delete ? Pair.EtcdDelete(Pair.EtcdKey(o.Key)) : pair.EtcdPut(Pair.EtcdKey(o.Key))));
                var response = await pair.Etcd.KV.TxnAsync(txn, cancellationToken: cancellationToken);
                return $"{(response.Succeeded ? "then" : "else")} at {pair.FromEtcd(response.Header.Revision)}";
            }

            public override async Task<string> OnStore(Pair pair, CancellationToken cancellationToken)
            {
                TxnOperation Operation((OpKind Kind, (string Namespace, string Name) Key) o) => o.Kind switch
                {
                    OpKind.Delete => TxnOperation.Delete<Service>(o.Key.Namespace, o.Key.Name),
                    OpKind.Create => TxnOperation.Create(pair.NewService(o.Key)),
                    _ => TxnOperation.UpdateUnconditionally(pair.NewService(o.Key)),
                };

                var result = await pair.Store.Transaction()
                    .If(Compares.Select(c => new ClusterState.Compare(ResourceKind.Service, c.Namespace, c.Name, c.Target, c.Operator, c.Value)))
                    .Then(Then.Select(Operation))
                    .Else(Else.Select(Operation))
                    .CommitAsync(cancellationToken);
                return $"{(result.Succeeded ? "then" : "else")} at {result.Revision}";
            }

            public override string ToString() =>
                $"txn if [{string.Join(", ", Compares.Select(c => $"{c.Target}({c.Namespace}/{c.Name}) {c.Operator} {c.Value}"))}] " +
                $"then [{string.Join(", ", Then.Select(o => $"{o.Kind} {o.Key.Namespace}/{o.Key.Name}"))}] else [{string.Join(", ", Else.Select(o => $"{o.Kind} {o.Key.Namespace}/{o.Key.Name}"))}]";
        }

        public sealed record Compact(long Revision) : Op
        {
            public override async Task<string> OnEtcd(Pair pair, CancellationToken cancellationToken)
            {
                try
                {
                    await pair.Etcd.KV.CompactAsync(new CompactionRequest { Revision = pair.ToEtcd(Revision), Physical = true }, cancellationToken: cancellationToken);
                    return "ok";
                }
                catch (RpcException ex)
                {
                    return Pair.EtcdError(ex);
                }
            }

            public override async Task<string> OnStore(Pair pair, CancellationToken cancellationToken)
            {
                try
                {
                    await pair.Store.CompactAsync(Revision, cancellationToken);
                    return "ok";
                }
                catch (RevisionCompactedException)
                {
                    return "compacted";
                }
                catch (FutureRevisionException)
                {
                    return "future revision";
                }
            }

            public override string ToString() => $"compact at {Revision}";
        }

        public sealed record GetAt((string Namespace, string Name) Key, long Revision) : Op
        {
            public override async Task<string> OnEtcd(Pair pair, CancellationToken cancellationToken)
            {
                try
                {
                    var response = await pair.Etcd.KV.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(Pair.EtcdKey(Key)), Revision = pair.ToEtcd(Revision) }, cancellationToken: cancellationToken);
                    return response.Kvs.Count == 0 ? "absent" : pair.Describe(response.Kvs[0]);
                }
                catch (RpcException ex)
                {
                    return Pair.EtcdError(ex);
                }
            }

            public override Task<string> OnStore(Pair pair, CancellationToken cancellationToken)
            {
                try
                {
                    var service = pair.Store.Services.Get(Key.Namespace, Key.Name, Revision);
                    return Task.FromResult(service is null ? "absent" : Pair.Describe(service));
                }
                catch (RevisionCompactedException)
                {
                    return Task.FromResult("compacted");
                }
                catch (FutureRevisionException)
                {
                    return Task.FromResult("future revision");
                }
            }

            public override string ToString() => $"get {Key.Namespace}/{Key.Name} at {Revision}";
        }

        public sealed record ListAt(long? Revision) : Op
        {
            public override async Task<string> OnEtcd(Pair pair, CancellationToken cancellationToken)
            {
                try
                {
                    return await pair.EtcdListAsync(Revision is { } r ? pair.ToEtcd(r) : 0, cancellationToken);
                }
                catch (RpcException ex)
                {
                    return Pair.EtcdError(ex);
                }
            }

            public override Task<string> OnStore(Pair pair, CancellationToken cancellationToken)
            {
                try
                {
                    return Task.FromResult(pair.StoreList(Revision));
                }
                catch (RevisionCompactedException)
                {
                    return Task.FromResult("compacted");
                }
                catch (FutureRevisionException)
                {
                    return Task.FromResult("future revision");
                }
            }

            public override string ToString() => Revision is { } r ? $"list at {r}" : "list";
        }
    }

    /// <summary>The etcd and the store under test, and the translation between them.</summary>
    private sealed class Pair(EtcdProcess etcd, ClusterStore store)
    {
        private long _offset;
        private int _counter;

        public EtcdProcess Etcd { get; } = etcd;

        public ClusterStore Store { get; } = store;

        public async Task InitAsync(CancellationToken cancellationToken)
        {
            var header = await Etcd.KV.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(Prefix) }, cancellationToken: cancellationToken);
            _offset = header.Header.Revision - Store.Revision;
        }

        public long ToEtcd(long revision, bool zeroStays = false) => zeroStays && revision <= 0 ? revision : revision + _offset;

        public long FromEtcd(long revision) => revision - _offset;

        public static string EtcdKey((string Namespace, string Name) key) => $"{Prefix}{key.Namespace}/{key.Name}";

        /// <summary>A service whose content changes with every write (so that no write is a no-op).</summary>
        public Service NewService((string Namespace, string Name) key) => new()
        {
            Metadata = new ObjectMeta { Namespace = key.Namespace, Name = key.Name, Labels = StringMap.Of(("write", (++_counter).ToString(CultureInfo.InvariantCulture))) },
            Spec = new ServiceSpec { Ports = [new ServicePort { Port = 80 }] },
        };

        public RequestOp EtcdPut(string key) => new() { RequestPut = new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8((++_counter).ToString(CultureInfo.InvariantCulture)) } };

        public static RequestOp EtcdDelete(string key) => new() { RequestDeleteRange = new DeleteRangeRequest { Key = ByteString.CopyFromUtf8(key) } };

        public static Etcdserverpb.Compare EtcdCompare(string key, Etcdserverpb.Compare.Types.CompareTarget target, Etcdserverpb.Compare.Types.CompareResult result, long value)
        {
            var compare = new Etcdserverpb.Compare { Key = ByteString.CopyFromUtf8(key), Target = target, Result = result };
            switch (target)
            {
                case Etcdserverpb.Compare.Types.CompareTarget.Version:
                    compare.Version = value;
                    break;
                case Etcdserverpb.Compare.Types.CompareTarget.Mod:
                    compare.ModRevision = value;
                    break;
                default:
                    compare.CreateRevision = value;
                    break;
            }

            return compare;
        }

        public static string EtcdError(RpcException ex) =>
            ex.Status.Detail.Contains("compacted", StringComparison.Ordinal) ? "compacted"
            : ex.Status.Detail.Contains("future revision", StringComparison.Ordinal) ? "future revision"
            : $"error {ex.Status.StatusCode}: {ex.Status.Detail}";

        public string Describe(KeyValue kv) => $"{kv.Key.ToStringUtf8()[Prefix.Length..]} c={FromEtcd(kv.CreateRevision)} m={FromEtcd(kv.ModRevision)} v={kv.Version}";

        public static string Describe(Service s) => $"{s.Metadata.Namespace}/{s.Metadata.Name} c={s.Metadata.CreateRevision} m={s.Metadata.ResourceVersion} v={s.Metadata.Version}";

        public async Task<string> EtcdListAsync(long revision, CancellationToken cancellationToken)
        {
            var response = await Etcd.KV.RangeAsync(
                new RangeRequest { Key = ByteString.CopyFromUtf8(Prefix), RangeEnd = ByteString.CopyFromUtf8(Prefix[..^1] + "0"), Revision = revision },
                cancellationToken: cancellationToken);
            return $"at {FromEtcd(response.Header.Revision)}: " + string.Join("; ", response.Kvs.Select(Describe).Order(StringComparer.Ordinal));
        }

        public string StoreList(long? revision) => StoreList(Store, revision);

        public static string StoreList(ClusterStore store, long? revision)
        {
            var result = store.Services.List(new ListOptions { Revision = revision });

            // etcd's header carries the current revision even for a read at a past one.
            return $"at {store.Revision}: " + string.Join("; ", result.Items.Select(Describe).Order(StringComparer.Ordinal));
        }

        public async Task<string> EtcdStateAsync(CancellationToken cancellationToken) => await EtcdListAsync(0, cancellationToken);

        public string StoreState() => StoreList(null);

        /// <summary>etcd's watch from <paramref name="start"/> until the event at <paramref name="end"/>, or how it was cancelled.</summary>
        public async Task<List<string>> EtcdWatchAsync(long start, long end, CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(20));
            using var call = Etcd.Watch.Watch(cancellationToken: timeout.Token);
            await call.RequestStream.WriteAsync(new WatchRequest
            {
                CreateRequest = new WatchCreateRequest { Key = ByteString.CopyFromUtf8(Prefix), RangeEnd = ByteString.CopyFromUtf8(Prefix[..^1] + "0"), StartRevision = ToEtcd(start) },
            }, timeout.Token);
            var events = new List<string>();
            while (await call.ResponseStream.MoveNext(timeout.Token))
            {
                var response = call.ResponseStream.Current;
                if (response.CompactRevision > 0 || response.Canceled)
                {
                    events.Add("compacted");
                    return events;
                }

                foreach (var e in response.Events)
                {
                    var kind = e.Type == Event.Types.EventType.Delete ? "Deleted" : e.Kv.CreateRevision == e.Kv.ModRevision ? "Added" : "Modified";
                    var key = e.Kv.Key.ToStringUtf8()[Prefix.Length..];
                    events.Add(e.Type == Event.Types.EventType.Delete
                        ? $"{kind} {key} at {FromEtcd(e.Kv.ModRevision)}"
                        : $"{kind} {key} at {FromEtcd(e.Kv.ModRevision)} c={FromEtcd(e.Kv.CreateRevision)} v={e.Kv.Version}");
                    if (FromEtcd(e.Kv.ModRevision) >= end)
                    {
                        return events;
                    }
                }
            }

            return events;
        }

        /// <summary>The store's watch from <paramref name="start"/> until the event at <paramref name="end"/>.</summary>
        public async Task<List<string>> StoreWatchAsync(long start, long end, CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(20));
            var events = new List<string>();
            try
            {
                await foreach (var e in Store.Services.WatchAsync(new WatchOptions { StartRevision = start }, timeout.Token))
                {
                    if (e.Object is not { } obj)
                    {
                        continue;
                    }

                    var key = $"{obj.Metadata.Namespace}/{obj.Metadata.Name}";
                    events.Add(e.Type == WatchEventType.Deleted
                        ? $"Deleted {key} at {e.Revision}"
                        : $"{e.Type} {key} at {e.Revision} c={obj.Metadata.CreateRevision} v={obj.Metadata.Version}");
                    if (e.Revision >= end)
                    {
                        break;
                    }
                }
            }
            catch (RevisionCompactedException)
            {
                events.Add("compacted");
            }

            return events;
        }
    }
}
