using ClusterState.Model;
using ClusterState.Tests.Persistence;

namespace ClusterState.Tests.Cli;

/// <summary>The clusterstate tool on real directories: written by stores, held by a running one, damaged, and Raft peers'.</summary>
public sealed class CliTests
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await ClusterState.Cli.Cli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static Service Labeled(int i) => Objects.Service($"s{i}", i % 2 == 0 ? "even" : "odd", $"10.96.0.{i + 1}") with
    {
        Metadata = new() { Namespace = i % 2 == 0 ? "even" : "odd", Name = $"s{i}", Labels = StringMap.Of(("tier", i < 3 ? "front" : "back")) },
    };

    private static async Task<string> WriteStore(TempDirectory dir, int services = 6, long snapshotEvery = 10_000)
    {
        var path = dir.Sub("data");
        using var store = new ClusterStore(new ClusterStoreOptions { DataDirectory = path, SnapshotEveryRevisions = snapshotEvery });
        for (var i = 0; i < services; i++)
        {
            await store.Services.CreateAsync(Labeled(i));
        }

        await store.EndpointSlices.CreateAsync(Objects.Slice("s0", "s0-a", "even", "10.244.0.1"));
        return path;
    }

    [Test]
    public async Task Status_list_and_get_read_a_data_directory_as_yaml_or_json()
    {
        using var dir = new TempDirectory();
        var path = await WriteStore(dir);

        var status = await Run("status", path);
        Assert.That(status.Code, Is.Zero, status.Err);
        Assert.That(status.Out, Does.Contain("revision:           7").And.Contain("objects:            7 (EndpointSlice 1, Service 6)").And.Contain("layout:             data directory\n"));

        var list = await Run("list", path, "svc", "-n", "even", "-l", "tier=front");
        Assert.That(list.Code, Is.Zero, list.Err);
        var listed = ClusterState.Kubernetes.Manifests.Parse(list.Out);
        Assert.That(listed.Select(o => o.Metadata.Name), Is.EqualTo(new[] { "s0", "s2" }), "YAML that reads back as manifests");

        var json = await Run("list", path, "endpointslices", "-o", "json");
        Assert.That(json.Out, Does.Contain("\"kind\": \"List\"").And.Contain("\"resourceVersion\": \"7\"").And.Contain("s0-a"));
        var get = await Run("get", path, "Service", "s1", "-n", "odd", "-o", "json");
        Assert.That(get.Code, Is.Zero, get.Err);
        Assert.That(KubernetesJson.Deserialize<Service>(get.Out).Spec.ClusterIP, Is.EqualTo("10.96.0.2"));

        Assert.That((await Run("get", path, "svc", "nope")).Code, Is.EqualTo(4), "a missing object");
        Assert.That((await Run("list", path, "widgets")).Code, Is.EqualTo(4), "an unknown kind");
        Assert.That((await Run("status", dir.Sub("missing"))).Code, Is.EqualTo(4), "a missing path");
        Assert.That((await Run("list", path, "svc", "-o", "xml")).Code, Is.EqualTo(1), "a bad option");
    }

    [Test]
    public async Task A_directory_held_by_a_running_store_is_read_from_its_files_and_left_as_it_is()
    {
        using var dir = new TempDirectory();
        var path = dir.Sub("data");
        using var store = new ClusterStore(new ClusterStoreOptions { DataDirectory = path });
        await store.Services.CreateAsync(Labeled(0));
        var files = Directory.GetFiles(path, "*", SearchOption.AllDirectories).ToDictionary(f => f, f => new FileInfo(f).Length);

        var status = await Run("status", path);
        Assert.That(status.Code, Is.Zero, status.Err);
        Assert.That(status.Out, Does.Contain("held by a running store"));
        Assert.That((await Run("get", path, "svc", "s0", "-n", "even")).Code, Is.Zero);
        Assert.That((await Run("verify", path)).Code, Is.Zero);
        Assert.That((await Run("compact", path, "--keep", "1")).Code, Is.EqualTo(3), "compact needs the directory alone");
        Assert.That(Directory.GetFiles(path, "*", SearchOption.AllDirectories).ToDictionary(f => f, f => new FileInfo(f).Length), Is.EquivalentTo(files), "nothing was changed");

        await store.Services.CreateAsync(Labeled(1));
        Assert.That(store.Services.List().Items, Has.Count.EqualTo(2), "the store kept working");
    }

    [Test]
    public async Task Verify_names_the_damaged_file_and_offset_and_exits_2_while_a_torn_tail_is_only_a_note()
    {
        using var dir = new TempDirectory();
        var path = await WriteStore(dir);
        var segment = Directory.GetFiles(Path.Combine(path, "wal"), "*.wal").Single();
        Assert.That((await Run("verify", path)).Code, Is.Zero);

        // A torn tail: half a record appended, as a crash mid-append leaves it.
        var bytes = File.ReadAllBytes(segment);
        File.WriteAllBytes(segment, [.. bytes, .. bytes.AsSpan(bytes.Length - 40, 20)]);
        var torn = await Run("verify", path);
        Assert.That(torn.Code, Is.Zero, torn.Out);
        Assert.That(torn.Out, Does.Contain("note: ").And.Contain("torn last record"));

        // A flipped byte in the middle: damage, named with its file and the record's offset.
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(segment, bytes);
        var damaged = await Run("verify", path);
        Assert.That(damaged.Code, Is.EqualTo(2));
        Assert.That(damaged.Out, Does.Match($"DAMAGED {System.Text.RegularExpressions.Regex.Escape(segment)} at offset \\d+: "));
        var status = await Run("status", path);
        Assert.That(status.Code, Is.EqualTo(2));
        Assert.That(status.Err, Does.Contain(segment));
    }

    [Test]
    public async Task A_newest_segment_with_an_interrupted_header_is_a_note_and_one_elsewhere_is_damage()
    {
        using var dir = new TempDirectory();
        var path = await WriteStore(dir);
        var segment = Directory.GetFiles(Path.Combine(path, "wal"), "*.wal").Single();
        var next = Path.Combine(Path.GetDirectoryName(segment)!, "99999999999999999999.wal");

        // A crash while the next segment's header was written: the store continues it on open.
        File.WriteAllBytes(next, "CSW"u8.ToArray());
        var interrupted = await Run("verify", path);
        Assert.That(interrupted.Code, Is.Zero, interrupted.Out);
        Assert.That(interrupted.Out, Does.Contain("header a crash interrupted"));

        // The same bytes before the newest segment cannot be a crash's: damage at offset 0.
        File.Move(next, Path.Combine(Path.GetDirectoryName(segment)!, "00000000000000000000.wal"));
        var damaged = await Run("verify", path);
        Assert.That(damaged.Code, Is.EqualTo(2), damaged.Out);
        Assert.That(damaged.Out, Does.Contain("at offset 0: the segment header is incomplete"));
    }

    [Test]
    public async Task A_damaged_snapshot_and_a_damaged_backup_are_reported()
    {
        using var dir = new TempDirectory();
        var path = await WriteStore(dir, services: 12, snapshotEvery: 5);
        var snapshot = Directory.GetFiles(Path.Combine(path, "snap"), "*.snap").First();
        var bytes = FlipMiddleByte(snapshot);
        var verify = await Run("verify", path);
        Assert.That(verify.Code, Is.EqualTo(2));
        Assert.That(verify.Out, Does.Contain($"DAMAGED {snapshot}"));

        var backup = dir.Sub("backup.snap");
        File.WriteAllBytes(backup, bytes);
        Assert.That((await Run("verify", backup)).Code, Is.EqualTo(2));
        Assert.That((await Run("snapshot", "inspect", backup)).Code, Is.EqualTo(2));
    }

    [Test]
    public async Task Snapshot_save_inspect_and_restore_round_trip_and_restore_refuses_a_directory_holding_a_store()
    {
        using var dir = new TempDirectory();
        var path = await WriteStore(dir);
        var backup = dir.Sub("backup.snap");
        var saved = await Run("snapshot", "save", path, backup);
        Assert.That(saved.Code, Is.Zero, saved.Err);
        var inspected = await Run("snapshot", "inspect", backup);
        Assert.That(inspected.Out, Does.Contain("revision 7, 7 objects"));
        Assert.That((await Run("list", backup, "svc")).Out, Does.Contain("name: s5"), "a backup file is a source too");

        var restored = dir.Sub("restored");
        Assert.That((await Run("snapshot", "restore", backup, restored)).Code, Is.Zero);
        using (var store = new ClusterStore(new ClusterStoreOptions { DataDirectory = restored }))
        {
            Assert.That(store.Revision, Is.EqualTo(7));
            Assert.That(store.Services.List().Items, Has.Count.EqualTo(6));
        }

        var again = await Run("snapshot", "restore", backup, restored);
        Assert.That(again.Code, Is.EqualTo(5));
        Assert.That(again.Err, Does.Contain(restored));
    }

    [Test]
    public async Task Compact_moves_a_stopped_store_s_compaction_and_the_store_reopens_with_it()
    {
        using var dir = new TempDirectory();
        var path = await WriteStore(dir);
        var compacted = await Run("compact", path, "--keep", "2");
        Assert.That(compacted.Code, Is.Zero, compacted.Err);
        using (var store = new ClusterStore(new ClusterStoreOptions { DataDirectory = path }))
        {
            Assert.That(store.CompactedRevision, Is.GreaterThanOrEqualTo(5));
            Assert.That(store.Services.List().Items, Has.Count.EqualTo(6));
            Assert.Throws<RevisionCompactedException>(() => store.Services.Get("even", "s0", revision: 2));
        }

        Assert.That((await Run("compact", path)).Code, Is.EqualTo(1), "one of --revision and --keep");
        Assert.That((await Run("compact", path, "--revision", "99")).Code, Is.EqualTo(1), "past the store's revision");
    }

    [Test]
    public async Task A_raft_peer_s_directory_shows_its_raft_state_and_its_committed_objects()
    {
        using var dir = new TempDirectory();
        var path = dir.Sub("peer");
        using (var store = new ClusterStore(new ClusterStoreOptions
        {
            DataDirectory = path,
            Raft = new RaftOptions { NodeId = 1, Voters = [1], Transport = new InMemoryRaftNetwork(), TickInterval = TimeSpan.FromMilliseconds(10) },
        }))
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            for (var i = 0; i < 3; i++)
            {
                while (true)
                {
                    try
                    {
                        await store.Services.CreateAsync(Labeled(i));
                        break;
                    }
                    catch (NoLeaderException) when (DateTime.UtcNow < deadline)
                    {
                        await Task.Delay(10);
                    }
                }
            }
        }

        var status = await Run("status", path);
        Assert.That(status.Code, Is.Zero, status.Err);
        Assert.That(status.Out, Does.Contain("Raft peer directory").And.Contain("revision:           3").And.Contain("raft:               term"));
        Assert.That((await Run("list", path, "svc")).Out, Does.Contain("name: s2"));
        Assert.That((await Run("verify", path)).Code, Is.Zero);
        Assert.That((await Run("compact", path, "--keep", "1")).Code, Is.EqualTo(1), "a Raft peer compacts through its group");

        // A flipped byte in the peer's Raft log is damage too, named with its file.
        var segment = Directory.GetFiles(Path.Combine(path, "raft"), "*.rlog").Single();
        FlipMiddleByte(segment);
        var damaged = await Run("verify", path);
        Assert.That(damaged.Code, Is.EqualTo(2));
        Assert.That(damaged.Out, Does.Contain($"DAMAGED {segment}"));
    }

    /// <summary>Damages <paramref name="file"/> in place by flipping its middle byte; returns the damaged bytes.</summary>
    private static byte[] FlipMiddleByte(string file)
    {
        var bytes = File.ReadAllBytes(file);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(file, bytes);
        return bytes;
    }
}
