using ClusterState.Model;

namespace ClusterState.Storage;

/// <summary>Reads: point reads and ordered lists at one revision. None of them lock.</summary>
internal sealed partial class MvccStore
{
    /// <summary>The object at <paramref name="revision"/> (already resolved), or null.</summary>
    /// <exception cref="UnknownKindException">The kind is not registered with this store.</exception>
    public ClusterObject? Get(ResourceKind kind, ObjectName name, long revision) => Get(_kinds.IndexOf(kind), name, revision);

    /// <summary>The object of the kind at <paramref name="kindIndex"/> in the registry at <paramref name="revision"/>, or null.</summary>
    public ClusterObject? Get(int kindIndex, ObjectName name, long revision)
    {
        var value = _tables[kindIndex].Find(name)?.ReadAt(revision);
        if (value is null)
        {
            // A compaction that raced this read may have cut the history it needed.
            CheckNotCompacted(revision);
        }

        return value;
    }

    /// <summary>
    /// The objects of the kind at <paramref name="kindIndex"/> at <paramref name="revision"/>, ordered by namespace then name,
    /// optionally only in <paramref name="ns"/> and only those <paramref name="selector"/> matches.
    /// </summary>
    public List<T> List<T>(int kindIndex, long revision, string? ns, LabelSelector? selector)
        where T : ClusterObject
    {
        var keys = _tables[kindIndex].Sorted();
        var start = 0;
        if (ns is not null)
        {
            start = ResourceTable.LowerBound(keys, ns);
        }

        var matchAll = selector is null || selector.IsEmpty;
        var items = new List<T>();
        for (var i = start; i < keys.Length; i++)
        {
            var key = keys[i];
            if (ns is not null && !string.Equals(key.Name.Namespace, ns, StringComparison.Ordinal))
            {
                break;
            }

            if (key.ReadAt(revision) is T value && (matchAll || selector!.Matches(value.Metadata.Labels)))
            {
                items.Add(value);
            }
        }

        CheckNotCompacted(revision);
        return items;
    }
}
