using ClusterState.Storage;

namespace ClusterState.Tests.Scale;

/// <summary>The ordered index against a sorted set, under random inserts and removals, and read while it changes.</summary>
public sealed class OrderedIndexTests
{
    [Test]
    public void Random_inserts_and_removals_keep_order_counts_and_balance([Values(1, 2, 3)] int seed)
    {
        var random = new Random(seed);
        var index = new OrderedIndex();
        var model = new SortedSet<ObjectName>();
        for (var step = 0; step < 20_000; step++)
        {
            var name = new ObjectName("ns" + random.Next(20), "k" + random.Next(2_000));
            if (random.Next(3) > 0 && !model.Contains(name))
            {
                index.InsertLocked(new KeyHistory(name));
                model.Add(name);
            }
            else if (model.Contains(name))
            {
                index.RemoveLocked(name);
                model.Remove(name);
            }

            if (step % 997 == 0)
            {
                Check(index, model, random);
            }
        }

        Check(index, model, random);

        // Remove everything: the tree shrinks back to an empty leaf.
        foreach (var name in model.ToArray())
        {
            index.RemoveLocked(name);
        }

        Assert.That(index.Count, Is.Zero);
        Assert.That(index.Root, Is.InstanceOf<OrderedIndex.Leaf>());
    }

    [Test]
    public async Task A_reader_s_tree_never_changes_while_the_writer_goes_on()
    {
        var index = new OrderedIndex();
        for (var i = 0; i < 5_000; i++)
        {
            index.InsertLocked(new KeyHistory(new ObjectName("a", i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture))));
        }

        var snapshot = index.Root;
        var before = Keys(snapshot, null);
        var writer = Task.Run(() =>
        {
            var random = new Random(7);
            var n = 5_000;
            for (var step = 0; step < 50_000; step++)
            {
                if (random.Next(2) == 0)
                {
                    index.InsertLocked(new KeyHistory(new ObjectName("a", (n++).ToString("D6", System.Globalization.CultureInfo.InvariantCulture))));
                }
                else
                {
                    index.RemoveLocked(new ObjectName("a", random.Next(n).ToString("D6", System.Globalization.CultureInfo.InvariantCulture)));
                }
            }
        });

        var rounds = 0;
        while (!writer.IsCompleted || rounds < 5)
        {
            rounds++;
            Assert.That(Keys(snapshot, null), Is.EqualTo(before));
            var root = index.Root;
            var current = Keys(root, null);
            Assert.That(current, Has.Count.EqualTo(root.Count));
            for (var i = 1; i < current.Count; i++)
            {
                Assert.That(current[i - 1].CompareTo(current[i]), Is.LessThan(0), "in order, no duplicates");
            }
        }

        await writer;
    }

    [Test]
    public void A_tree_built_at_once_reads_and_changes_as_one_built_by_inserts([Values(0, 1, 47, 48, 49, 3_000, 40_000)] int size)
    {
        // Keys given out of order (as a snapshot of several namespaces may list them), then changed at random.
        var random = new Random(size);
        var names = Enumerable.Range(0, size).Select(i => new ObjectName("ns" + (i % 20), "k" + (i / 20))).ToArray();
        var shuffled = names.OrderBy(_ => random.Next()).Select(n => new KeyHistory(n)).ToArray();
        Assert.That(OrderedIndex.SortAndFindDuplicate(shuffled), Is.Null);

        var index = new OrderedIndex();
        index.BuildLocked(shuffled);
        var model = new SortedSet<ObjectName>(names);
        Check(index, model, random);
        Assert.That(index.Root.Width, Is.LessThanOrEqualTo(Math.Max(1, size)));
        if (size > 0)
        {
            Assert.Throws<InvalidOperationException>(() => index.BuildLocked([new KeyHistory(new ObjectName("x", "y"))]), "only an empty index");
        }

        for (var step = 0; step < 3_000; step++)
        {
            var name = new ObjectName("ns" + random.Next(20), "k" + random.Next(Math.Max(10, size / 10)));
            if (model.Add(name))
            {
                index.InsertLocked(new KeyHistory(name));
            }
            else
            {
                index.RemoveLocked(name);
                model.Remove(name);
            }
        }

        Check(index, model, random);
    }

    [Test]
    public void A_duplicate_key_is_found_before_building()
    {
        var histories = new[] { new KeyHistory(new ObjectName("b", "1")), new KeyHistory(new ObjectName("a", "1")), new KeyHistory(new ObjectName("b", "1")) };
        Assert.That(OrderedIndex.SortAndFindDuplicate(histories), Is.EqualTo(new ObjectName("b", "1")));
    }

    [Test]
    public void A_snapshot_listing_a_key_twice_is_refused_and_loads_nothing()
    {
        var service = Objects.Service("a") with { Metadata = Objects.Service("a").Metadata with { ResourceVersion = 3 } };
        var other = Objects.Service("b") with { Metadata = Objects.Service("b").Metadata with { ResourceVersion = 4 } };
        var state = new MvccStore(ClusterState.Kinds.KindRegistry.BuiltIn);
        var ex = Assert.Throws<CorruptDataException>(() => state.LoadSnapshot(new StateImage(5, [service, other, service], null)));
        Assert.That(ex!.Message, Does.Contain("default/a appears twice"));
        Assert.That(state.KeyCount, Is.Zero);

        // The same objects once each load, in any order.
        state.LoadSnapshot(new StateImage(5, [other, service], null));
        Assert.That(state.KeyCount, Is.EqualTo(2));
        Assert.That(state.FindHistory(service.Kind, new ObjectName("default", "a"))?.Latest, Is.EqualTo(service));
    }

    private static void Check(OrderedIndex index, SortedSet<ObjectName> model, Random random)
    {
        var root = index.Root;
        Assert.That(root.Count, Is.EqualTo(model.Count));
        Assert.That(Keys(root, null), Is.EqualTo(model.ToList()));
        CheckShape(root, isRoot: true, out _);
        for (var probe = 0; probe < 20 && model.Count > 0; probe++)
        {
            var start = new ObjectName("ns" + random.Next(20), "k" + random.Next(2_000));
            Assert.That(Keys(root, start), Is.EqualTo(model.Where(k => k.CompareTo(start) >= 0).ToList()), $"from {start}");
            Assert.That(root.CountAfter(start), Is.EqualTo(model.Count(k => k.CompareTo(start) > 0)), $"after {start}");
        }
    }

    private static void CheckShape(OrderedIndex.Node node, bool isRoot, out int height)
    {
        Assert.That(node.Width, Is.LessThanOrEqualTo(OrderedIndex.MaxEntries));
        if (!isRoot)
        {
            Assert.That(node.Width, Is.GreaterThan(0));
        }

        if (node is OrderedIndex.Branch branch)
        {
            Assert.That(branch.Children, Has.Length.GreaterThan(isRoot ? 1 : 0));
            var heights = new HashSet<int>();
            foreach (var child in branch.Children)
            {
                CheckShape(child, isRoot: false, out var h);
                heights.Add(h);
            }

            Assert.That(heights, Has.Count.EqualTo(1), "every leaf at the same depth");
            height = heights.Single() + 1;
        }
        else
        {
            height = 0;
        }
    }

    private static List<ObjectName> Keys(OrderedIndex.Node root, ObjectName? start)
    {
        var keys = new List<ObjectName>();
        root.Visit(start, ref keys, static (KeyHistory key, ref List<ObjectName> list) =>
        {
            list.Add(key.Name);
            return true;
        });
        return keys;
    }
}
