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
    /// The objects of the kind at <paramref name="kindIndex"/> at <paramref name="revision"/>, ordered by namespace then
    /// name: only in <paramref name="ns"/> when set, only those both selectors match, only after the key
    /// <paramref name="after"/> when set, and at most <paramref name="limit"/> of them. O(log n) to find the start,
    /// then one step per key visited.
    /// </summary>
    public ListPage<T> List<T>(int kindIndex, long revision, string? ns, LabelSelector? labels, FieldSelector? fields, ObjectName? after, int limit)
        where T : ClusterObject
    {
        var table = _tables[kindIndex];
        var root = table.Ordered;
        var state = new ListWalk<T>
        {
            Revision = revision,
            Namespace = ns,
            Labels = labels is { IsEmpty: false } ? labels : null,
            Fields = fields is { IsEmpty: false } ? fields : null,
            Kind = _kinds.All[kindIndex],
            After = after,
            Limit = limit,
            Items = new List<T>(Math.Min(limit, 1024)),
        };
        ObjectName? start = after ?? (ns is null ? null : new ObjectName(ns, string.Empty));
        root.Visit(start, ref state, ListWalk<T>.Step);
        CheckNotCompacted(revision);

        long? remaining = null;
        if (state.More && state.Labels is null && state.Fields is null)
        {
            // Kubernetes' estimate: the keys after the page in the range (objects deleted or created since the list's
            // revision count until compaction removes their keys).
            var last = state.Items[^1].Metadata;
            remaining = root.CountAfter(new ObjectName(last.Namespace, last.Name)) - (ns is null ? 0 : root.CountAfter(new ObjectName(ns + "\0", string.Empty)));
        }

        return new ListPage<T>(state.Items, state.More, remaining);
    }

    /// <summary>The state of one list's walk over the ordered index.</summary>
    private struct ListWalk<T>
        where T : ClusterObject
    {
        public long Revision;
        public string? Namespace;
        public LabelSelector? Labels;
        public FieldSelector? Fields;
        public Kinds.KindDescriptor Kind;
        public ObjectName? After;
        public int Limit;
        public List<T> Items;
        public bool More;

        public static bool Step(KeyHistory key, ref ListWalk<T> walk)
        {
            if (walk.Namespace is { } ns && !string.Equals(key.Name.Namespace, ns, StringComparison.Ordinal))
            {
                return false;
            }

            if (walk.After is { } after && key.Name.CompareTo(after) <= 0)
            {
                return true;
            }

            if (key.ReadAt(walk.Revision) is not T value
                || (walk.Labels is not null && !walk.Labels.Matches(value.Metadata.Labels))
                || (walk.Fields is not null && !walk.Kind.Matches(walk.Fields, value)))
            {
                return true;
            }

            if (walk.Items.Count == walk.Limit)
            {
                walk.More = true;
                return false;
            }

            walk.Items.Add(value);
            return true;
        }
    }
}

/// <summary>One page of a list: the objects, whether more follow, and Kubernetes' estimate of how many.</summary>
internal readonly record struct ListPage<T>(List<T> Items, bool More, long? Remaining);
