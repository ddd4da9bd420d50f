using System.Runtime.CompilerServices;
using System.Text;
using ClusterState.Model;

namespace ClusterState.Kubernetes.Api;

/// <summary>
/// The Kubernetes JSON of recently sent objects, by object instance, so that an event that goes to many watchers is
/// encoded once, not once per watcher (every watcher of a commit receives the same stored instance). Bounded: a
/// fixed number of slots, each holding the last object encoded into it; safe for any number of threads (a race
/// costs at most an extra encoding).
/// </summary>
internal sealed class EncodedObjectCache
{
    private const int Slots = 1024;

    private readonly Entry?[] _slots = new Entry?[Slots];

    /// <summary>The object's Kubernetes JSON as UTF-8.</summary>
    public byte[] Get(ClusterObject obj)
    {
        ref var slot = ref _slots[RuntimeHelpers.GetHashCode(obj) & (Slots - 1)];
        var entry = Volatile.Read(ref slot);
        if (entry is not null && ReferenceEquals(entry.Object, obj))
        {
            return entry.Json;
        }

        var json = Encoding.UTF8.GetBytes(KubernetesJson.Serialize(obj));
        Volatile.Write(ref slot, new Entry(obj, json));
        return json;
    }

    private sealed record Entry(ClusterObject Object, byte[] Json);
}
