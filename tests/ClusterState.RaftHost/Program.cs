// One Raft peer: a durable ClusterStore over the TCP transport on loopback.
//   ClusterState.RaftHost <id> <data directory> <snapshot entries> <id=port>...
// Commands, one per line on stdin as "<tag> <command>", served concurrently; each answer line on stdout starts
// with its command's tag:
//   put <name>   creates Service default/<name>    -> "ok <revision>" | "err <exception type> <message>"
//   status       -> "status <leader id> <revision>"
//   names        -> "names <name>:<resourceVersion>,..." (every Service, in name order)
using System.Globalization;
using System.Net;
using ClusterState;
using ClusterState.Model;

var id = ulong.Parse(args[0], CultureInfo.InvariantCulture);
var directory = args[1];
var snapshotEntries = int.Parse(args[2], CultureInfo.InvariantCulture);
var ports = args[3..].Select(a => a.Split('=')).ToDictionary(p => ulong.Parse(p[0], CultureInfo.InvariantCulture), p => int.Parse(p[1], CultureInfo.InvariantCulture));

await using var transport = new TcpRaftTransport(new TcpRaftTransportOptions
{
    ClusterId = "loopback-test",
    NodeId = id,
    ListenEndpoint = new IPEndPoint(System.Net.IPAddress.Loopback, ports[id]),
    Peers = ports.Where(p => p.Key != id).ToDictionary(p => p.Key, p => (EndPoint)new IPEndPoint(System.Net.IPAddress.Loopback, p.Value)),
    ReconnectDelay = TimeSpan.FromMilliseconds(20),
    MaxReconnectDelay = TimeSpan.FromMilliseconds(200),
});
using var store = new ClusterStore(new ClusterStoreOptions
{
    DataDirectory = directory,
    Raft = new RaftOptions
    {
        NodeId = id,
        Voters = [.. ports.Keys],
        Transport = transport,
        TickInterval = TimeSpan.FromMilliseconds(20),
        ElectionTicks = 10,
        SnapshotEntries = snapshotEntries,
        CommitTimeout = TimeSpan.FromSeconds(3),
    },
});

var output = new Lock();
void Answer(string tag, string text)
{
    lock (output)
    {
        Console.WriteLine($"{tag} {text}");
    }
}

async Task ServeAsync(string tag, string[] parts)
{
    try
    {
        switch (parts[0])
        {
            case "put":
                var created = await store.Services.CreateAsync(new Service
                {
                    Metadata = new ObjectMeta { Namespace = "default", Name = parts[1] },
                    Spec = new ServiceSpec { Ports = [new ServicePort { Port = 80 }] },
                });
                Answer(tag, $"ok {created.Metadata.ResourceVersion}");
                break;
            case "status":
                Answer(tag, $"status {store.Leader} {store.Revision}");
                break;
            case "names":
                Answer(tag, "names " + string.Join(",", store.Services.List().Items.Select(s => $"{s.Metadata.Name}:{s.Metadata.ResourceVersion}")));
                break;
            default:
                Answer(tag, $"err ArgumentException unknown command {parts[0]}");
                break;
        }
    }
    catch (Exception ex)
    {
        Answer(tag, $"err {ex.GetType().Name} {ex.Message.ReplaceLineEndings(" ")}");
    }
}

Console.WriteLine("ready");
var serving = new List<Task>();
while (Console.ReadLine() is { } line)
{
    var parts = line.Split(' ', 3);
    serving.Add(Task.Run(() => ServeAsync(parts[0], parts[1..])));
}

await Task.WhenAll(serving);
