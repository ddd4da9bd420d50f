using System.Buffers.Binary;
using ClusterState.Persistence;

namespace ClusterState.Tests.Persistence;

/// <summary>How snapshots, compaction and the log meet.</summary>
public sealed class InterplayTests
{
    [Test]
    public async Task Compaction_waits_below_a_snapshot_being_captured()
    {
        using var store = new ClusterStore(new ClusterStoreOptions { HistoryRetention = null });
        var svc = await store.Services.CreateAsync(Objects.Service());
        for (var i = 0; i < 9; i++)
        {
            svc = await store.Services.UpdateAsync(svc);
        }

        var pinned = store.State.Pin();
        Assert.That(pinned, Is.EqualTo(10));
        for (var i = 0; i < 10; i++)
        {
            svc = await store.Services.UpdateAsync(svc);
        }

        await store.CompactAsync(15);
        Assert.That(store.CompactedRevision, Is.EqualTo(10), "held at the pinned revision");
        Assert.That(store.State.CaptureAt(pinned).Objects.Single().Metadata.Version, Is.EqualTo(10));

        store.State.Unpin(pinned);
        await store.CompactAsync(15);
        Assert.That(store.CompactedRevision, Is.EqualTo(15));
    }

    [Test]
    public async Task Mutated_log_records_with_recomputed_checksums_fail_only_with_the_typed_error()
    {
        using var dir = new TempDirectory();
        var options = new ClusterStoreOptions { DataDirectory = dir.Path, Durability = DurabilityMode.None };
        using (var store = new ClusterStore(options))
        {
            var svc = await store.Services.CreateAsync(Objects.Service());
            await store.Transaction().Then(TxnOperation.Create(Objects.Slice()), TxnOperation.Create(Objects.Policy())).CommitAsync();
            await store.Services.UpdateAsync(svc);
            await store.NetworkPolicies.DeleteAsync("default", "deny-all");
        }

        var segment = WalReader.Segments(Path.Combine(dir.Path, "wal")).Single();
        var original = await File.ReadAllBytesAsync(segment);
        for (var seed = 0; seed < 500; seed++)
        {
            var random = new Random(seed);
            var bytes = (byte[])original.Clone();
            var starts = new List<int>();
            for (var p = WalWriter.SegmentHeader.Length; p < bytes.Length; p += 8 + BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(p)))
            {
                starts.Add(p);
            }

            var record = starts[random.Next(starts.Count)];
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(record));
            bytes[record + 8 + random.Next(length)] = (byte)random.Next(256);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(record + 4), Crc32C.Compute(bytes.AsSpan(record + 8, length)));
            await File.WriteAllBytesAsync(segment, bytes);
            try
            {
                using var store = new ClusterStore(options);
            }
            catch (Exception ex) when (ex is CorruptDataException or UnknownKindException)
            {
                // The only acceptable failures: damage, or a kind name changed into one the store does not hold (a mutation cannot be told from a kind of another program).
            }
            catch (Exception ex)
            {
                Assert.Fail($"seed {seed}: {ex}");
            }
        }
    }
}
