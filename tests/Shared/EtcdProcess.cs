using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Etcdserverpb;
using Grpc.Net.Client;

namespace ClusterState.Etcd;

/// <summary>
/// A real etcd for differential tests and comparison benchmarks: started on 127.0.0.1 with free ports and a
/// temporary data directory, waited for until it answers, and stopped by its process id on dispose (its directory
/// deleted). One member, or a member of a cluster started by <see cref="StartClusterAsync"/>.
/// </summary>
internal sealed class EtcdProcess : IAsyncDisposable
{
    /// <summary>How to get etcd when it is missing.</summary>
    public const string InstallHint = "etcd is not installed: run 'apt-get install -y etcd-server etcd-client' (or set ETCD_BINARY to its path).";

    private readonly Process _process;
    private readonly string _directory;

    private EtcdProcess(Process process, string directory, int clientPort)
    {
        _process = process;
        _directory = directory;
        ClientPort = clientPort;
        Channel = OpenChannel(clientPort);
        KV = new Etcdserverpb.KV.KVClient(Channel);
        Watch = new Etcdserverpb.Watch.WatchClient(Channel);
    }

    public int ClientPort { get; }

    public GrpcChannel Channel { get; }

    public Etcdserverpb.KV.KVClient KV { get; }

    public Etcdserverpb.Watch.WatchClient Watch { get; }

    /// <summary>The etcd binary: ETCD_BINARY, else 'etcd' on the PATH; null when there is none.</summary>
    public static string? Binary()
    {
        if (Environment.GetEnvironmentVariable("ETCD_BINARY") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "etcd"))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Starts one etcd member; <paramref name="fsync"/> false adds --unsafe-no-fsync.</summary>
    public static async Task<EtcdProcess> StartAsync(bool fsync = true, CancellationToken cancellationToken = default) =>
        (await StartClusterAsync(1, fsync, cancellationToken))[0];

    /// <summary>Starts a cluster of <paramref name="members"/> etcd members on loopback and waits until it serves writes.</summary>
    public static async Task<EtcdProcess[]> StartClusterAsync(int members, bool fsync = true, CancellationToken cancellationToken = default)
    {
        var binary = Binary() ?? throw new InvalidOperationException(InstallHint);
        var ports = Enumerable.Range(0, members).Select(_ => (Client: FreePort(), Peer: FreePort())).ToArray();
        var cluster = string.Join(",", ports.Select((p, i) => $"m{i}=http://127.0.0.1:{p.Peer}"));
        var token = Guid.NewGuid().ToString("N");
        var started = new List<EtcdProcess>();
        try
        {
            for (var i = 0; i < members; i++)
            {
                var directory = Path.Combine(Path.GetTempPath(), "clusterstate-etcd-" + Guid.NewGuid().ToString("N"));
                Directory.CreateDirectory(directory);
                var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var arg in new[]
                {
                    "--name", $"m{i}", "--data-dir", directory,
                    "--listen-client-urls", $"http://127.0.0.1:{ports[i].Client}", "--advertise-client-urls", $"http://127.0.0.1:{ports[i].Client}",
                    "--listen-peer-urls", $"http://127.0.0.1:{ports[i].Peer}", "--initial-advertise-peer-urls", $"http://127.0.0.1:{ports[i].Peer}",
                    "--initial-cluster", cluster, "--initial-cluster-state", "new", "--initial-cluster-token", token,
                    "--log-level", "error",
                })
                {
                    start.ArgumentList.Add(arg);
                }

                if (!fsync)
                {
                    start.ArgumentList.Add("--unsafe-no-fsync");
                }

                var process = Process.Start(start)!;
                process.OutputDataReceived += (_, _) => { };
                process.ErrorDataReceived += (_, _) => { };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                started.Add(new EtcdProcess(process, directory, ports[i].Client));
            }

            foreach (var member in started)
            {
                await member.WaitUntilServingAsync(cancellationToken);
            }

            return [.. started];
        }
        catch
        {
            foreach (var member in started)
            {
                await member.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>The version the etcd binary reports ("3.4.23"), or "unknown".</summary>
    public static async Task<string> VersionAsync()
    {
        var start = new ProcessStartInfo(Binary() ?? throw new InvalidOperationException(InstallHint), "--version") { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("etcd Version:", StringComparison.Ordinal));
        return line?["etcd Version:".Length..].Trim() ?? "unknown";
    }

    /// <summary>Waits until a write succeeds (a leader is elected and the member serves requests), trying every few milliseconds.</summary>
    private async Task WaitUntilServingAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"etcd exited at start with code {_process.ExitCode}.");
            }

            try
            {
                await KV.PutAsync(
                    new PutRequest { Key = Google.Protobuf.ByteString.CopyFromUtf8("/health"), Value = Google.Protobuf.ByteString.CopyFromUtf8("ok") },
                    deadline: DateTime.UtcNow.AddSeconds(1),
                    cancellationToken: cancellationToken);
                return;
            }
            catch (Grpc.Core.RpcException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(5, cancellationToken);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    /// <summary>A new HTTP/2 connection to a member's client port; responses up to 64 MiB (a large list).</summary>
    public static GrpcChannel OpenChannel(int clientPort) =>
        GrpcChannel.ForAddress($"http://127.0.0.1:{clientPort}", new GrpcChannelOptions { MaxReceiveMessageSize = 64 << 20 });

    /// <summary>A TCP port on 127.0.0.1 that is free now.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
