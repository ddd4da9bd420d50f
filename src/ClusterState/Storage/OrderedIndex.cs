using System.Diagnostics;

namespace ClusterState.Storage;

/// <summary>
/// The keys of one kind in order: a persistent (copy-on-write) B+tree of key histories ordered by
/// <see cref="ObjectName"/>. An insert or a removal copies only the nodes on one root-to-leaf path (O(log n)) and
/// publishes a new root; a reader takes the root once and walks an immutable tree, so it never blocks, never waits
/// for the writer and never sees a half-made change. Nodes count the keys below them, so the number of keys after a
/// position is found in O(log n) too.
/// </summary>
/// <remarks>
/// Ownership: only the commit path changes the index (under the commit lock). It publishes a new root before the
/// revision that needs its keys, so a reader that read the revision first finds every key written at or before it.
/// Keys newer than a reader's revision are in the tree too; their histories read as absent at that revision.
/// </remarks>
internal sealed class OrderedIndex
{
    /// <summary>The most keys (or children) a node holds; a fuller node splits in two.</summary>
    internal const int MaxEntries = 64;

    /// <summary>The fewest a node other than the root holds; an emptier one merges with a neighbour.</summary>
    internal const int MinEntries = MaxEntries / 4;

    private volatile Node _root = Leaf.Empty;

    /// <summary>The current tree, for one consistent walk.</summary>
    public Node Root => _root;

    /// <summary>How many keys the index holds.</summary>
    public int Count => _root.Count;

    /// <summary>Adds a key that is not in the index; the caller holds the commit lock.</summary>
    public void InsertLocked(KeyHistory history)
    {
        var root = _root.Insert(history, out var split);
        _root = split is null ? root : Branch.Of([root, split]);
    }

    /// <summary>
    /// Sorts <paramref name="histories"/> by key unless they are sorted already (checked in one pass) and returns the
    /// first key that appears twice, or null.
    /// </summary>
    public static ObjectName? SortAndFindDuplicate(KeyHistory[] histories)
    {
        for (var i = 1; i < histories.Length; i++)
        {
            if (histories[i - 1].Name.CompareTo(histories[i].Name) >= 0)
            {
                Array.Sort(histories, static (a, b) => a.Name.CompareTo(b.Name));
                break;
            }
        }

        for (var i = 1; i < histories.Length; i++)
        {
            if (histories[i - 1].Name.CompareTo(histories[i].Name) == 0)
            {
                return histories[i].Name;
            }
        }

        return null;
    }

    /// <summary>
    /// Fills an empty index with <paramref name="histories"/>, sorted by <see cref="SortAndFindDuplicate"/> with no
    /// duplicate (a snapshot loaded into an empty store): built bottom-up in O(n), with no intermediate trees. Leaves
    /// and branches are left three-quarters full, so that the inserts that follow do not split every node. The caller
    /// holds the commit lock.
    /// </summary>
    /// <exception cref="InvalidOperationException">The index is not empty.</exception>
    public void BuildLocked(KeyHistory[] histories)
    {
        if (_root.Count != 0)
        {
            throw new InvalidOperationException("Only an empty index is built at once.");
        }

        Debug.Assert(histories.Zip(histories.Skip(1)).All(p => p.First.Name.CompareTo(p.Second.Name) < 0), "sorted, no duplicates");
        if (histories.Length == 0)
        {
            return;
        }

        Node[] level = Chunk(histories, static items => new Leaf(items));
        while (level.Length > 1)
        {
            level = Chunk(level, Branch.Of);
        }

        _root = level[0];
    }

    /// <summary>
    /// Cuts <paramref name="items"/> into nodes of about three quarters of <see cref="MaxEntries"/> each (none under
    /// <see cref="MinEntries"/> unless it is the only one).
    /// </summary>
    private static Node[] Chunk<T>(T[] items, Func<T[], Node> make)
    {
        const int Fill = MaxEntries * 3 / 4;
        var count = Math.Max(1, (items.Length + Fill - 1) / Fill);
        var nodes = new Node[count];
        for (var i = 0; i < count; i++)
        {
            // Spread the items evenly, so that the last node is not left nearly empty.
            var start = (int)((long)items.Length * i / count);
            var end = (int)((long)items.Length * (i + 1) / count);
            nodes[i] = make(items[start..end]);
        }

        return nodes;
    }

    /// <summary>Removes the key <paramref name="name"/> if present; the caller holds the commit lock.</summary>
    public void RemoveLocked(ObjectName name)
    {
        var root = _root.Remove(name);
        while (root is Branch { Children.Length: 1 } single)
        {
            root = single.Children[0];
        }

        _root = root;
    }

    /// <summary>One node of the tree; immutable once published.</summary>
    internal abstract class Node
    {
        /// <summary>How many keys are at or below this node.</summary>
        public abstract int Count { get; }

        /// <summary>How many entries (keys or children) the node itself holds.</summary>
        public abstract int Width { get; }

        /// <summary>The node's smallest key.</summary>
        public abstract ObjectName First { get; }

        /// <summary>This node with <paramref name="history"/> added, and the right half when it had to split.</summary>
        public abstract Node Insert(KeyHistory history, out Node? split);

        /// <summary>This node without the key <paramref name="name"/> (itself when the key is absent); it may come back under-full.</summary>
        public abstract Node Remove(ObjectName name);

        /// <summary>
        /// Calls <paramref name="visit"/> on every key from the first at or after <paramref name="start"/> (every key
        /// when null), in order, until it returns false; returns false when stopped.
        /// </summary>
        public abstract bool Visit<TState>(ObjectName? start, ref TState state, Visitor<TState> visit);

        /// <summary>How many keys are strictly after <paramref name="key"/>.</summary>
        public abstract int CountAfter(ObjectName key);
    }

    /// <summary>Called for each key of a walk; returns false to stop.</summary>
    internal delegate bool Visitor<TState>(KeyHistory history, ref TState state);

    internal sealed class Leaf(KeyHistory[] items) : Node
    {
        public static readonly Leaf Empty = new([]);

        public KeyHistory[] Items { get; } = items;

        public override int Count => Items.Length;

        public override int Width => Items.Length;

        public override ObjectName First => Items[0].Name;

        public override Node Insert(KeyHistory history, out Node? split)
        {
            var at = LowerBound(Items, history.Name);
            if (at < Items.Length && Items[at].Name.CompareTo(history.Name) == 0)
            {
                throw new InvalidOperationException($"The key {history.Name} is already indexed.");
            }

            var items = new KeyHistory[Items.Length + 1];
            Array.Copy(Items, items, at);
            items[at] = history;
            Array.Copy(Items, at, items, at + 1, Items.Length - at);
            if (items.Length <= MaxEntries)
            {
                split = null;
                return new Leaf(items);
            }

            var half = items.Length / 2;
            split = new Leaf(items[half..]);
            return new Leaf(items[..half]);
        }

        public override Node Remove(ObjectName name)
        {
            var at = LowerBound(Items, name);
            if (at >= Items.Length || Items[at].Name.CompareTo(name) != 0)
            {
                return this;
            }

            var items = new KeyHistory[Items.Length - 1];
            Array.Copy(Items, items, at);
            Array.Copy(Items, at + 1, items, at, Items.Length - at - 1);
            return new Leaf(items);
        }

        public override bool Visit<TState>(ObjectName? start, ref TState state, Visitor<TState> visit)
        {
            for (var i = start is { } s ? LowerBound(Items, s) : 0; i < Items.Length; i++)
            {
                if (!visit(Items[i], ref state))
                {
                    return false;
                }
            }

            return true;
        }

        public override int CountAfter(ObjectName key)
        {
            var at = LowerBound(Items, key);
            if (at < Items.Length && Items[at].Name.CompareTo(key) == 0)
            {
                at++;
            }

            return Items.Length - at;
        }

        private static int LowerBound(KeyHistory[] items, ObjectName key)
        {
            int lo = 0, hi = items.Length;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (items[mid].Name.CompareTo(key) < 0)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return lo;
        }
    }

    internal sealed class Branch : Node
    {
        private readonly int _count;

        private Branch(Node[] children)
        {
            Children = children;
            Firsts = new ObjectName[children.Length];
            for (var i = 0; i < children.Length; i++)
            {
                Firsts[i] = children[i].First;
                _count += children[i].Count;
            }
        }

        public Node[] Children { get; }

        /// <summary>Each child's smallest key, for the binary search.</summary>
        public ObjectName[] Firsts { get; }

        public override int Count => _count;

        public override int Width => Children.Length;

        public override ObjectName First => Firsts[0];

        public static Branch Of(Node[] children) => new(children);

        public override Node Insert(KeyHistory history, out Node? split)
        {
            var at = ChildFor(history.Name);
            var child = Children[at].Insert(history, out var right);
            Node[] children;
            if (right is null)
            {
                children = (Node[])Children.Clone();
                children[at] = child;
            }
            else
            {
                children = new Node[Children.Length + 1];
                Array.Copy(Children, children, at);
                children[at] = child;
                children[at + 1] = right;
                Array.Copy(Children, at + 1, children, at + 2, Children.Length - at - 1);
            }

            if (children.Length <= MaxEntries)
            {
                split = null;
                return new Branch(children);
            }

            var half = children.Length / 2;
            split = new Branch(children[half..]);
            return new Branch(children[..half]);
        }

        public override Node Remove(ObjectName name)
        {
            var at = ChildFor(name);
            var child = Children[at].Remove(name);
            if (ReferenceEquals(child, Children[at]))
            {
                return this;
            }

            var children = new List<Node>(Children);
            if (child.Count == 0)
            {
                children.RemoveAt(at);
                return children.Count == 0 ? Leaf.Empty : new Branch([.. children]);
            }

            children[at] = child;
            if (child.Width < MinEntries && children.Count > 1)
            {
                // Merge the under-full child with a neighbour, splitting the two again if they are too many for one.
                var left = at > 0 ? at - 1 : at;
                var merged = Merge(children[left], children[left + 1]);
                children.RemoveRange(left, 2);
                children.InsertRange(left, merged);
            }

            return new Branch([.. children]);
        }

        public override bool Visit<TState>(ObjectName? start, ref TState state, Visitor<TState> visit)
        {
            var first = start is { } s ? ChildFor(s) : 0;
            for (var i = first; i < Children.Length; i++)
            {
                if (!Children[i].Visit(i == first ? start : null, ref state, visit))
                {
                    return false;
                }
            }

            return true;
        }

        public override int CountAfter(ObjectName key)
        {
            var at = ChildFor(key);
            var count = Children[at].CountAfter(key);
            for (var i = at + 1; i < Children.Length; i++)
            {
                count += Children[i].Count;
            }

            return count;
        }

        /// <summary>The child whose range holds <paramref name="key"/>: the last whose first key is at or before it.</summary>
        private int ChildFor(ObjectName key)
        {
            int lo = 1, hi = Firsts.Length;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (Firsts[mid].CompareTo(key) <= 0)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return lo - 1;
        }

        private static Node[] Merge(Node a, Node b)
        {
            if (a is Leaf la && b is Leaf lb)
            {
                KeyHistory[] items = [.. la.Items, .. lb.Items];
                if (items.Length <= MaxEntries)
                {
                    return [new Leaf(items)];
                }

                var half = items.Length / 2;
                return [new Leaf(items[..half]), new Leaf(items[half..])];
            }

            // Both are branches: siblings are always at the same height.
            Node[] children = [.. ((Branch)a).Children, .. ((Branch)b).Children];
            if (children.Length <= MaxEntries)
            {
                return [new Branch(children)];
            }

            var middle = children.Length / 2;
            return [new Branch(children[..middle]), new Branch(children[middle..])];
        }
    }
}
