using System.Diagnostics;
using System.Globalization;
using ClusterState.Tests.Persistence;

namespace ClusterState.Tests.Raft;

/// <summary>Three peers in separate processes over TCP on loopback, with durable logs; the leader is killed with SIGKILL.</summary>
public sealed class LoopbackProcessTests
{
    [Test]
    [CancelAfter(120_000)]
    public async Task Killing_the_leader_elects_another_loses_no_acknowledged_write_and_the_old_leader_catches_up_by_snapshot(CancellationToken cancellationToken)
    {
        using var directory = new TempDirectory();
        var ports = new Dictionary<ulong, int> { [1] = TcpTransportTests.FreePort(), [2] = TcpTransportTests.FreePort(), [3] = TcpTransportTests.FreePort() };
        const int snapshotEntries = 50;
        var peers = new Dictionary<ulong, PeerProcess>();
        try
        {
            foreach (var id in ports.Keys)
            {
                peers[id] = await PeerProcess.StartAsync(id, directory.Sub($"peer{id}"), snapshotEntries, ports, cancellationToken);
            }

            var leader = await AgreedLeaderAsync(peers.Values, cancellationToken);
            var follower = peers.Values.First(p => p.Id != leader);

            // A writer keeps writing through a follower (forwarded to the leader) while the leader is killed.
            var acknowledged = new Dictionary<string, long>();
            var failures = 0;
            using var stopWriting = new CancellationTokenSource();
            var writer = Task.Run(
                async () =>
                {
                    for (var i = 0; !stopWriting.IsCancellationRequested; i++)
                    {
                        var answer = await follower.AskAsync($"put w-{i}", cancellationToken);
                        if (answer.StartsWith("ok ", StringComparison.Ordinal))
                        {
                            lock (acknowledged)
                            {
                                acknowledged[$"w-{i}"] = long.Parse(answer[3..], CultureInfo.InvariantCulture);
                            }
                        }
                        else
                        {
                            Interlocked.Increment(ref failures);
                        }
                    }
                },
                CancellationToken.None);

            await WaitUntil(() => Count(acknowledged) >= 30, "writes before the kill", cancellationToken);
            var killed = peers[leader];
            var lastIndexBeforeKill = Count(acknowledged);
            var stopwatch = Stopwatch.StartNew();
            killed.Dispose();
            peers.Remove(leader);
            var newLeader = await AgreedLeaderAsync(peers.Values, cancellationToken);
            var failover = stopwatch.Elapsed;
            TestContext.Out.WriteLine($"killed leader {leader}; node {newLeader} leads after {failover.TotalMilliseconds:F0} ms");
            Assert.That(newLeader, Is.Not.EqualTo(leader));

            // Far more writes than one snapshot interval: the leader's log no longer reaches back to where the
            // killed peer stopped.
            await WaitUntil(() => Count(acknowledged) >= lastIndexBeforeKill + (4 * snapshotEntries), "writes after the failover", cancellationToken);
            await stopWriting.CancelAsync();
            await writer;

            var restarted = await PeerProcess.StartAsync(leader, directory.Sub($"peer{leader}"), snapshotEntries, ports, cancellationToken);
            peers[leader] = restarted;
            var expected = await peers[newLeader].AskAsync("names", cancellationToken);
            await WaitUntil(() => restarted.AskAsync("names", cancellationToken).GetAwaiter().GetResult() == expected, "the restarted peer catches up", cancellationToken);

            foreach (var peer in peers.Values)
            {
                var names = ParseNames(await peer.AskAsync("names", cancellationToken));
                foreach (var (name, revision) in acknowledged)
                {
                    Assert.That(names.GetValueOrDefault(name), Is.EqualTo(revision), $"acknowledged write {name} at revision {revision} on node {peer.Id}");
                }
            }

            var snapshots = Directory.GetFiles(Path.Combine(directory.Sub($"peer{leader}"), "raft"), "*.rsnap");
            Assert.That(snapshots, Is.Not.Empty, "the old leader caught up from a snapshot");
            TestContext.Out.WriteLine($"{acknowledged.Count} writes acknowledged, {failures} failed or timed out around the kill");
        }
        finally
        {
            foreach (var peer in peers.Values)
            {
                peer.Dispose();
            }
        }
    }

    private static int Count(Dictionary<string, long> acknowledged)
    {
        lock (acknowledged)
        {
            return acknowledged.Count;
        }
    }

    private static Dictionary<string, long> ParseNames(string answer) =>
        answer["names ".Length..].Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split(':'))
            .ToDictionary(pair => pair[0], pair => long.Parse(pair[1], CultureInfo.InvariantCulture));

    private static async Task<ulong> AgreedLeaderAsync(IEnumerable<PeerProcess> peers, CancellationToken cancellationToken)
    {
        ulong agreed = 0;
        await WaitUntil(
            () =>
            {
                var leaders = peers.Select(p => ulong.Parse(p.AskAsync("status", cancellationToken).GetAwaiter().GetResult().Split(' ')[1], CultureInfo.InvariantCulture)).Distinct().ToList();
                agreed = leaders is [var only] && only != 0 && peers.Any(p => p.Id == only) ? only : 0;
                return agreed != 0;
            },
            "the peers agree on a leader among them",
            cancellationToken);
        return agreed;
    }

    private static async Task WaitUntil(Func<bool> condition, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), what);
            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>A ClusterState.RaftHost child process; commands are tagged, so several can be outstanding at once.</summary>
    private sealed class PeerProcess : IDisposable
    {
        private readonly Process _process;
        private readonly Lock _lock = new();
        private readonly Dictionary<long, TaskCompletionSource<string>> _pending = [];
        private long _nextTag;

        private PeerProcess(ulong id, Process process)
        {
            Id = id;
            _process = process;
            _ = Task.Run(ReadAnswersAsync);
        }

        public ulong Id { get; }

        public static async Task<PeerProcess> StartAsync(ulong id, string directory, int snapshotEntries, Dictionary<ulong, int> ports, CancellationToken cancellationToken)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ClusterState.RaftHost.dll"));
            start.ArgumentList.Add(id.ToString(CultureInfo.InvariantCulture));
            start.ArgumentList.Add(directory);
            start.ArgumentList.Add(snapshotEntries.ToString(CultureInfo.InvariantCulture));
            foreach (var (peer, port) in ports)
            {
                start.ArgumentList.Add($"{peer}={port}");
            }

            var process = Process.Start(start)!;
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    TestContext.Progress.WriteLine($"node {id} stderr: {e.Data}");
                }
            };
            process.BeginErrorReadLine();
            var ready = await process.StandardOutput.ReadLineAsync(cancellationToken);
            Assert.That(ready, Is.EqualTo("ready"), $"node {id} started");
            return new PeerProcess(id, process);
        }

        public async Task<string> AskAsync(string command, CancellationToken cancellationToken)
        {
            var answer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                var tag = ++_nextTag;
                _pending[tag] = answer;
                _process.StandardInput.WriteLine($"{tag} {command}");
                _process.StandardInput.Flush();
            }

            return await answer.Task.WaitAsync(cancellationToken);
        }

        private async Task ReadAnswersAsync()
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                var tag = long.Parse(line[..space], CultureInfo.InvariantCulture);
                TaskCompletionSource<string>? answer;
                lock (_lock)
                {
                    _pending.Remove(tag, out answer);
                }

                answer?.TrySetResult(line[(space + 1)..]);
            }

            lock (_lock)
            {
                foreach (var answer in _pending.Values)
                {
                    answer.TrySetException(new InvalidOperationException($"node {Id} exited"));
                }
            }
        }

        /// <summary>SIGKILL: no shutdown code runs.</summary>
        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }

            _process.Dispose();
        }
    }
}
