using System.Diagnostics;

namespace ClusterState.Tests.Persistence;

/// <summary>
/// A child process writes to a durable store and reports each acknowledged write; it is killed (SIGKILL) at
/// random moments, many times in a row. After every kill the store must open with every acknowledged write
/// present, at its revision, with continuous revisions.
/// </summary>
public sealed class KillTests
{
    [Test]
    public async Task Every_acknowledged_write_survives_repeated_kill_9()
    {
        using var dir = new TempDirectory();
        var random = new Random(20261124);
        var acknowledged = new Dictionary<long, (string Name, string Value)>();
        const int Kills = 12;
        for (var round = 0; round < Kills; round++)
        {
            var acks = await RunAndKill(dir.Path, writers: 1 + (round % 4) * 4, seed: round, killAfterAcks: random.Next(1, 400), random);
            foreach (var (revision, name, value) in acks)
            {
                Assert.That(acknowledged.TryAdd(revision, (name, value)), Is.True, $"revision {revision} acknowledged twice");
            }

            using var store = new ClusterStore(new ClusterStoreOptions { DataDirectory = dir.Path, HistoryRetention = null });
            var max = acknowledged.Keys.DefaultIfEmpty(0).Max();
            Assert.That(store.Revision, Is.GreaterThanOrEqualTo(max), $"round {round}: the store lost acknowledged revisions");
            foreach (var (revision, (name, value)) in acknowledged.Where(a => a.Key >= store.CompactedRevision))
            {
                var obj = store.Services.Get("crash", name, revision);
                Assert.That(obj?.Metadata.Annotations["value"], Is.EqualTo(value), $"round {round}: {name} at revision {revision}");
                Assert.That(obj!.Metadata.ResourceVersion, Is.EqualTo(revision));
            }

            // Writes older than the newest snapshot are checked through the latest state: each object is at least
            // as new as its newest acknowledged write (a write in flight at the kill may have landed too).
            foreach (var group in acknowledged.GroupBy(a => a.Value.Name))
            {
                var newest = group.Max(a => a.Key);
                Assert.That(store.Services.Get("crash", group.Key)?.Metadata.ResourceVersion, Is.GreaterThanOrEqualTo(newest), $"round {round}: {group.Key}");
            }

            // Revisions are continuous: every revision after the snapshot replays, in order, with no gap (none when
            // the kill came right after a snapshot at the last revision: a watch past the head would wait for a write).
            var replayed = new List<long>();
            var watched = store.Revision > store.CompactedRevision ? store.WatchAsync(new WatchOptions { StartRevision = store.CompactedRevision + 1 }) : AsyncEnumerable.Empty<WatchEvent<ClusterState.Model.ClusterObject>>();
            await foreach (var e in watched.WithCancellation(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token))
            {
                if (e.IsLastInBatch)
                {
                    replayed.Add(e.Revision);
                }

                if (e.Revision == store.Revision)
                {
                    break;
                }
            }

            Assert.That(replayed, Is.EqualTo(Enumerable.Range((int)store.CompactedRevision + 1, (int)(store.Revision - store.CompactedRevision)).Select(r => (long)r)));
        }

        Assert.That(acknowledged, Has.Count.GreaterThan(Kills * 10));
    }

    private static async Task<List<(long Revision, string Name, string Value)>> RunAndKill(string directory, int writers, int seed, int killAfterAcks, Random random)
    {
        var writer = Path.Combine(AppContext.BaseDirectory, "ClusterState.CrashWriter.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { writer, directory, writers.ToString(System.Globalization.CultureInfo.InvariantCulture), seed.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var acks = new List<(long, string, string)>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (acks.Count < killAfterAcks)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
                if (line is null)
                {
                    Assert.Fail("the writer exited: " + await process.StandardError.ReadToEndAsync());
                }

                var parts = line!.Split(' ');
                if (parts[0] == "ack")
                {
                    acks.Add((long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), parts[2], parts[3]));
                }
            }

            // The directory is held by the child process: a store in this process cannot open it.
            if (acks.Count % 3 == 0)
            {
                Assert.Throws<DataDirectoryLockedException>(() => new ClusterStore(new ClusterStoreOptions { DataDirectory = directory }).Dispose());
            }

            // Let it run a moment longer, so that the kill lands mid-write more often than at a boundary.
            await Task.Delay(random.Next(0, 20));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        // Acknowledgements printed after the last one read still count: they were acknowledged before the kill.
        while (await process.StandardOutput.ReadLineAsync() is { } rest)
        {
            var parts = rest.Split(' ');
            if (parts is ["ack", _, _, _])
            {
                acks.Add((long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), parts[2], parts[3]));
            }
        }

        return acks;
    }
}
