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
