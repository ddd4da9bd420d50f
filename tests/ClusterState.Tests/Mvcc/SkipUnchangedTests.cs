using ClusterState.Model;
using ClusterState.Persistence;
using ClusterState.Replication;
using ClusterState.Tests.Persistence;

namespace ClusterState.Tests.Mvcc;

/// <summary>Updates that change nothing, skipped on request (per operation or for the whole store), as the API server skips them.</summary>
public sealed class SkipUnchangedTests
{
    private static Service Relabeled(Service s, string value) => s with { Metadata = s.Metadata with { Labels = StringMap.Of(("v", value)) } };

    [Test]
    public async Task An_update_that_changes_nothing_writes_no_revision_and_wakes_no_watcher_when_asked()
    {
        using var store = new ClusterStore();
        var web = await store.Services.CreateAsync(Objects.Service());
        var revision = store.Revision;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var events = store.Services.WatchAsync(new WatchOptions { StartRevision = revision + 1 }, stop.Token).GetAsyncEnumerator(stop.Token);
        var next = events.MoveNextAsync().AsTask();

        // The same content, with different store-assigned fields (which the store ignores anyway).
        var same = web with { Metadata = web.Metadata with { Generation = 42, CreationTimestamp = DateTimeOffset.UnixEpoch } };
        var result = await store.Transaction().Then(TxnOperation.Update(same).OnlyIfChanged()).CommitAsync();
        Assert.That(store.Revision, Is.EqualTo(revision));
        Assert.That(result.Revision, Is.EqualTo(revision));
        Assert.That(result.Results[0], Is.SameAs(store.Services.Get("default", "web")), "the result is the stored object");

        // Without the request, the same update writes a revision, as in etcd.
        await store.Services.UpdateAsync(web);
        Assert.That(store.Revision, Is.EqualTo(revision + 1));
        Assert.That(await next.WaitAsync(TimeSpan.FromSeconds(20)), Is.True);
        Assert.That(events.Current.Revision, Is.EqualTo(revision + 1), "the skipped update sent no event");
        await events.DisposeAsync();
    }

    [Test]
    public async Task In_a_transaction_only_the_updates_that_change_something_get_the_new_revision()
    {
        using var store = new ClusterStore();
        var a = await store.Services.CreateAsync(Objects.Service("a", clusterIP: "10.96.0.1"));
        var b = await store.Services.CreateAsync(Objects.Service("b", clusterIP: "10.96.0.2"));
        var result = await store.Transaction()
            .Then(TxnOperation.Update(a).OnlyIfChanged(), TxnOperation.Update(Relabeled(b, "2")).OnlyIfChanged())
            .CommitAsync();

        Assert.That(result.Revision, Is.EqualTo(3));
        Assert.That(result.Results[0]!.Metadata.ResourceVersion, Is.EqualTo(1), "a is unchanged");
        Assert.That(result.Results[1]!.Metadata.ResourceVersion, Is.EqualTo(3));
        var changes = store.WatchAsync(new WatchOptions { StartRevision = 3 }).ToBlockingEnumerable().Take(1).ToArray();
        Assert.That(changes.Single().Object!.Metadata.Name, Is.EqualTo("b"));
        Assert.That(changes.Single().IsLastInBatch, Is.True, "the batch holds only the change");
    }

    [Test]
    public async Task Preconditions_still_apply_to_an_update_that_changes_nothing()
    {
        using var store = new ClusterStore();
        var web = await store.Services.CreateAsync(Objects.Service());
        await store.Services.UpdateAsync(Relabeled(web, "2"));
        Assert.ThrowsAsync<ConflictException>(async () => await store.Transaction().Then(TxnOperation.Update(Relabeled(web, "2")).OnlyIfChanged()).CommitAsync());
        Assert.ThrowsAsync<NotFoundException>(async () => await store.Transaction().Then(TxnOperation.UpdateUnconditionally(Objects.Service("none")).OnlyIfChanged()).CommitAsync());
        Assert.Throws<InvalidOperationException>(() => TxnOperation.Create(Objects.Service()).OnlyIfChanged());
        Assert.Throws<InvalidOperationException>(() => TxnOperation.Delete<Service>("default", "web").OnlyIfChanged());
    }

    [Test]
    public async Task The_store_option_skips_every_unchanged_update_it_proposes()
    {
        using var store = new ClusterStore(new ClusterStoreOptions { SkipUnchangedUpdates = true });
        var web = await store.Services.CreateAsync(Objects.Service());
        var again = await store.Services.UpdateAsync(web);
        var unconditional = await store.Services.UpdateUnconditionallyAsync(Objects.Service());
        Assert.That(store.Revision, Is.EqualTo(1));
        Assert.That(again, Is.EqualTo(web));
        Assert.That(unconditional, Is.EqualTo(web));

        var changed = await store.Services.UpdateAsync(Relabeled(web, "2"));
        Assert.That(changed.Metadata.ResourceVersion, Is.EqualTo(2));
    }

    [Test]
    public async Task A_durable_store_acknowledges_a_skipped_update_and_reopens_with_the_same_state()
    {
        using var dir = new TempDirectory();
        var options = new ClusterStoreOptions { DataDirectory = dir.Path, SkipUnchangedUpdates = true };
        using (var store = new ClusterStore(options))
        {
            var web = await store.Services.CreateAsync(Objects.Service());
            await store.Services.UpdateAsync(web);
            await store.Services.UpdateAsync(Relabeled(web, "2"));
            Assert.That(store.Revision, Is.EqualTo(2));
        }

        using var reopened = new ClusterStore(options);
        Assert.That(reopened.Revision, Is.EqualTo(2));
        Assert.That(reopened.Services.Get("default", "web")!.Metadata.Labels["v"], Is.EqualTo("2"));
    }

    [Test]
    public async Task Raft_peers_all_skip_the_same_updates_because_the_choice_travels_in_the_request()
    {
        var network = new InMemoryRaftNetwork();
        ulong[] voters = [1, 2, 3];
        var peers = voters.Select(id => new ClusterStore(new ClusterStoreOptions
        {
            Raft = new RaftOptions { NodeId = id, Voters = voters, Transport = network, TickInterval = TimeSpan.FromMilliseconds(20), CommitTimeout = TimeSpan.FromSeconds(2) },
        })).ToArray();
        try
        {
            var web = await RetryUntilLeader(() => peers[0].Services.CreateAsync(Objects.Service()).AsTask());
            await peers[1].Transaction().Then(TxnOperation.Update(web).OnlyIfChanged()).CommitAsync();
            var changed = await peers[2].Transaction().Then(TxnOperation.Update(Relabeled(web, "2")).OnlyIfChanged()).CommitAsync();
            foreach (var peer in peers)
            {
                var synced = await peer.SyncAsync();
                Assert.That(synced, Is.EqualTo(changed.Revision));
                Assert.That(peer.Services.Get("default", "web")!.Metadata.ResourceVersion, Is.EqualTo(2), $"peer {peer.RaftPeer!.Id}");
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

    private static async Task<T> RetryUntilLeader<T>(Func<Task<T>> write)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                return await write();
            }
            catch (StoreUnavailableException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
    }

    [Test]
    public void The_request_codec_carries_the_choice_reads_format_3_requests_and_refuses_unknown_flags()
    {
        var kinds = new ClusterStoreOptions().Registry;
        var web = Objects.Service() with { Metadata = Objects.Service().Metadata with { ResourceVersion = 7 } };
        var request = TxnRequest.Restore([], [TxnOperation.Update(web).OnlyIfChanged(), TxnOperation.Delete<Service>("default", "db")], [TxnOperation.Update(web)], DateTimeOffset.UnixEpoch, 1, 1);
        var (_, _, decoded) = TxnRequestCodec.Decode(TxnRequestCodec.Encode(9, 4, request, kinds), kinds, "test");
        Assert.That(decoded.Success.Select(o => o.SkipIfUnchanged), Is.EqualTo(new[] { true, false }));
        Assert.That(decoded.Failure.Single().SkipIfUnchanged, Is.False);
        Assert.That(decoded.Success[0].Object, Is.EqualTo(web));

        // Format 3: the same layout without the flags byte.
        var (origin, sequence, old) = TxnRequestCodec.Decode(HandWritten(3, null, web, kinds), kinds, "test");
        Assert.That((origin, sequence), Is.EqualTo((9UL, 4UL)));
        Assert.That(old.Success.Single().SkipIfUnchanged, Is.False);
        Assert.That(old.Success.Single().Object, Is.EqualTo(web));
        Assert.That(TxnRequestCodec.Decode(HandWritten(4, 1, web, kinds), kinds, "test").Request.Success.Single().SkipIfUnchanged, Is.True);

        // An unknown bit is damage.
        Assert.Throws<CorruptDataException>(() => TxnRequestCodec.Decode(HandWritten(4, 2, web, kinds), kinds, "test"));
    }

    /// <summary>A request of one update of <paramref name="web"/>, written field by field in format <paramref name="format"/>.</summary>
    private static byte[] HandWritten(byte format, byte? flags, Service web, ClusterState.Kinds.KindRegistry kinds)
    {
        using var e = new BinaryEncoder();
        e.WriteByte(format);
        e.WriteUInt64Fixed(9);
        e.WriteUInt64Fixed(4);
        e.WriteVarInt(DateTimeOffset.UnixEpoch.UtcTicks);
        e.WriteUInt64Fixed(1);
        e.WriteVarInt(1);
        e.WriteVarUInt(0);
        e.WriteVarUInt(1);
        e.WriteVarInt((long)TxnOperationType.Update);
        ObjectCodec.WriteKind(e, kinds.Get(web.Kind));
        e.WriteString("default");
        e.WriteString("web");
        e.WriteVarInt(7);
        if (flags is { } f)
        {
            e.WriteByte(f);
        }

        e.WriteBool(true);
        ObjectCodec.Write(e, web, kinds);
        e.WriteVarUInt(0);
        return e.WrittenSpan.ToArray();
    }
}
