namespace ClusterState.Model;

/// <summary>
/// Hands out one shared instance of values that many stored objects hold in equal copies: namespaces, label keys and
/// values (a label value is often the object's own name), label and selector maps (a Service's selector is often its
/// own labels; the pods of one workload share theirs), and port lists. The store passes every object it keeps
/// through it, so equal parts cost their memory once instead of once per object.
/// </summary>
/// <remarks>
/// Owned by the commit path (under the commit lock): no locks. Bounded and direct-mapped: each table has a fixed
/// number of slots, a slot keeps the last value that hashed to it, and a value that misses simply takes its slot.
/// It never holds more than its slots, so values that are not repeated cost one slot for a while, not memory forever.
/// </remarks>
internal sealed class Interner
{
    /// <summary>Slots per table (a power of two).</summary>
    private const int Slots = 8192;

    /// <summary>Longer strings are kept as they are: they are rarely repeated and would crowd the table.</summary>
    private const int MaxStringLength = 128;

    private readonly string?[] _strings = new string?[Slots];
    private readonly KeyValuePair<string, string>[]?[] _maps = new KeyValuePair<string, string>[]?[Slots];
    private readonly object?[] _lists = new object?[Slots];

    /// <summary>The shared instance of <paramref name="value"/>.</summary>
    public string String(string value)
    {
        if (value.Length is 0 or > MaxStringLength)
        {
            return value;
        }

        ref var slot = ref _strings[Slot(value.GetHashCode())];
        var cached = slot;
        if (cached is not null && (ReferenceEquals(cached, value) || string.Equals(cached, value, StringComparison.Ordinal)))
        {
            return cached;
        }

        slot = value;
        return value;
    }

    /// <summary>The shared instance of <paramref name="map"/>; a map seen for the first time has its keys and values shared.</summary>
    public StringMap Map(StringMap map)
    {
        if (map.SharedPairs is not { } pairs)
        {
            return map;
        }

        ref var slot = ref _maps[Slot(map.GetHashCode())];
        var cached = slot;
        if (cached is not null && (ReferenceEquals(cached, pairs) || StringMap.FromSorted(cached).Equals(map)))
        {
            return StringMap.FromSorted(cached);
        }

        KeyValuePair<string, string>[]? copy = null;
        for (var i = 0; i < pairs.Length; i++)
        {
            var key = String(pairs[i].Key);
            var value = String(pairs[i].Value);
            if (!ReferenceEquals(key, pairs[i].Key) || !ReferenceEquals(value, pairs[i].Value))
            {
                copy ??= (KeyValuePair<string, string>[])pairs.Clone();
                copy[i] = new(key, value);
            }
        }

        slot = copy ?? pairs;
        return copy is null ? map : StringMap.FromSorted(copy);
    }

    /// <summary>The shared instance of <paramref name="list"/> (its items are shared as they are).</summary>
    public ValueArray<T> List<T>(ValueArray<T> list)
    {
        if (list.SharedItems is not { } items)
        {
            return list;
        }

        ref var slot = ref _lists[Slot(list.GetHashCode())];
        if (slot is T[] cached && (ReferenceEquals(cached, items) || new ValueArray<T>(cached).Equals(list)))
        {
            return new ValueArray<T>(cached);
        }

        slot = items;
        return list;
    }

    /// <summary>
    /// <paramref name="meta"/> with its namespace, name, labels and annotations shared (the name first, so that a
    /// label whose value is the name shares it), or <paramref name="meta"/> itself when all were already shared.
    /// </summary>
    public ObjectMeta Metadata(ObjectMeta meta)
    {
        var ns = String(meta.Namespace);
        var name = String(meta.Name);
        var labels = Map(meta.Labels);
        var annotations = Map(meta.Annotations);
        return ReferenceEquals(ns, meta.Namespace) && ReferenceEquals(name, meta.Name)
            && ReferenceEquals(labels.SharedPairs, meta.Labels.SharedPairs) && ReferenceEquals(annotations.SharedPairs, meta.Annotations.SharedPairs)
            ? meta
            : meta with { Namespace = ns, Name = name, Labels = labels, Annotations = annotations };
    }

    /// <summary><paramref name="obj"/> with its metadata and parts shared (for objects stored as they were decoded).</summary>
    public ClusterObject Object(ClusterObject obj)
    {
        var meta = Metadata(obj.Metadata);
        var parts = obj.InternParts(this);
        return ReferenceEquals(meta, obj.Metadata) ? parts : parts with { Metadata = meta };
    }

    private static int Slot(int hash) => (int)((uint)hash & (Slots - 1));
}
