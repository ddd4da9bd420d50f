using ClusterState.Storage;

namespace ClusterState.Tests.Scale;

/// <summary>
/// The per-kind hash table of key histories: one writer adds and removes keys while readers probe without locks.
/// Checked against a dictionary under random operations, and under many threads for the guarantee readers rely on:
/// a key added before a reader looked is found, until it is removed.
/// </summary>
public sealed class KeyTableTests
{
    private static ObjectName Key(int i) => new("ns" + (i % 7), "k" + i);

    [Test]
    public void Random_adds_and_removes_match_a_dictionary([Values(1, 2, 3)] int seed)
    {
        var random = new Random(seed);
        var table = new KeyTable();
        var model = new Dictionary<ObjectName, KeyHistory>();
        for (var step = 0; step < 50_000; step++)
        {
            var key = Key(random.Next(3_000));
            if (model.ContainsKey(key) && random.Next(3) == 0)
            {
                Assert.That(table.RemoveLocked(key), Is.True);
                model.Remove(key);
            }
            else if (!model.ContainsKey(key))
            {
                var history = new KeyHistory(key);
                table.AddLocked(history);
                model[key] = history;
            }

            if (step % 5_000 == 0 || step == 49_999)
            {
                Assert.That(table.Count, Is.EqualTo(model.Count));
                Assert.That(table.AllLocked(), Is.EquivalentTo(model.Values));
                for (var i = 0; i < 3_000; i++)
                {
                    Assert.That(table.Find(Key(i)), Is.SameAs(model.GetValueOrDefault(Key(i))));
                }
            }
        }

        Assert.That(table.RemoveLocked(Key(5_000)), Is.False, "an absent key");
    }

    [Test]
    public void Removed_keys_do_not_grow_the_table()
    {
        var table = new KeyTable();
        for (var round = 0; round < 200; round++)
        {
            for (var i = 0; i < 100; i++)
            {
                table.AddLocked(new KeyHistory(Key(round * 100 + i)));
            }

            for (var i = 0; i < 100; i++)
            {
                Assert.That(table.RemoveLocked(Key(round * 100 + i)), Is.True);
            }
        }

        Assert.That(table.Count, Is.Zero);
        Assert.That(table.Capacity, Is.LessThanOrEqualTo(512), "tombstones are dropped when the table is rebuilt");
        Assert.That(table.Find(Key(42)), Is.Null);
    }

    [Test]
    public void Readers_on_many_threads_find_every_key_added_before_they_looked_until_it_is_removed()
    {
        const int Total = 150_000;
        const int Window = 5_000;
        var table = new KeyTable();
        var histories = Enumerable.Range(0, Total).Select(i => new KeyHistory(Key(i))).ToArray();
        var added = -1;
        var removedBelow = 0;
        var failures = 0;
        var checks = 0L;
        using var stop = new CancellationTokenSource();

        var readers = Enumerable.Range(0, Math.Max(3, Environment.ProcessorCount * 2)).Select(r => Task.Factory.StartNew(() =>
        {
            var random = new Random(r);
            while (!stop.IsCancellationRequested)
            {
                var last = Volatile.Read(ref added);
                if (last < 0)
                {
                    continue;
                }

                var i = Math.Max(0, last - random.Next(Window * 2));
                var found = table.Find(Key(i));
                if (found is null ? i >= Volatile.Read(ref removedBelow) : !ReferenceEquals(found, histories[i]))
                {
                    Interlocked.Increment(ref failures);
                }

                // A key never added is never found.
                if (table.Find(Key(Total + random.Next(1_000))) is not null)
                {
                    Interlocked.Increment(ref failures);
                }

                Interlocked.Increment(ref checks);
            }
        }, TaskCreationOptions.LongRunning)).ToArray();

        // The writer adds keys in order and removes those a window behind, announcing a removal before making it.
        for (var i = 0; i < Total; i++)
        {
            table.AddLocked(histories[i]);
            Volatile.Write(ref added, i);
            if (i >= Window)
            {
                Volatile.Write(ref removedBelow, i - Window + 1);
                table.RemoveLocked(Key(i - Window));
            }
        }

        stop.Cancel();
        Task.WaitAll(readers);
        Assert.That(failures, Is.Zero);
        Assert.That(checks, Is.GreaterThan(10_000), "the readers ran alongside the writer");
        Assert.That(table.Count, Is.EqualTo(Window));
    }
}
