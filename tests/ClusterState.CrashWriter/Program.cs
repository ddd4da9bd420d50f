using ClusterState;
using ClusterState.Model;

// Usage: ClusterState.CrashWriter <directory> <writers> <seed>
// Opens the durable store in <directory> and writes until killed, from <writers> concurrent tasks. After each write
// is acknowledged it prints "ack <revision> <name> <value>": the test kills this process at a random moment and
// then checks that every acknowledged write is in the reopened store.
var directory = args[0];
var writers = int.Parse(args[1]);
var seed = int.Parse(args[2]);
var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
using var store = new ClusterStore(new ClusterStoreOptions
{
    DataDirectory = directory,
    HistoryRetention = null,
    SnapshotEveryRevisions = 500,
    WalSegmentBytes = 64 * 1024,
});
output.WriteLine($"open {store.Revision}");
var gate = new Lock();

await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
{
    var random = new Random(seed * 1000 + w);
    for (var i = 0; ; i++)
    {
        var n = random.Next(50);
        var name = $"w{w}-s{n}";
        var value = $"{seed}-{w}-{i}";
        var existing = store.Services.Get("crash", name);
        var desired = new Service
        {
            Metadata = new() { Namespace = "crash", Name = name, Annotations = StringMap.Of(("value", value)) },
            Spec = new() { ClusterIP = $"10.96.{w}.{n + 1}", Ports = [new ServicePort { Port = 80 }] },
        };
        var stored = existing is null
            ? await store.Services.CreateAsync(desired)
            : await store.Services.UpdateAsync(desired with { Metadata = desired.Metadata with { ResourceVersion = existing.Metadata.ResourceVersion } });
        lock (gate)
        {
            output.WriteLine($"ack {stored.Metadata.ResourceVersion} {name} {value}");
        }
    }
})));
