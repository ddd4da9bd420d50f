using System.Collections.Concurrent;
using ClusterState.Model;

namespace ClusterState.Controllers;

/// <summary>
/// One user index of an informer: the cached objects filed under each value its function gives. Written by the
/// informer's loop only; read by anyone without locks.
/// </summary>
internal sealed class InformerIndex<T>(Func<T, IEnumerable<string>> indexKeys)
    where T : ClusterObject
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<ObjectKey, T>> _entries = new(StringComparer.Ordinal);

    public IReadOnlyList<T> Find(string value)
    {
        // Enumerated, not read through Values: that takes every lock of the dictionary.
        var found = new List<T>();
        if (_entries.TryGetValue(value, out var objects))
        {
            foreach (var (_, obj) in objects)
            {
                found.Add(obj);
            }
        }

        return found;
    }

    /// <summary>Files <paramref name="obj"/> (null: removed) in place of <paramref name="old"/> (null: new).</summary>
    public void Update(T? old, T? obj)
    {
        var key = ObjectKey.Of((obj ?? old)!);
        var before = old is null ? [] : Values(old);
        var after = obj is null ? [] : Values(obj);
        foreach (var value in before)
        {
            if (Array.IndexOf(after, value) < 0 && _entries.TryGetValue(value, out var objects) && objects.TryRemove(key, out _) && objects.IsEmpty)
            {
                _entries.TryRemove(new KeyValuePair<string, ConcurrentDictionary<ObjectKey, T>>(value, objects));
            }
        }

        foreach (var value in after)
        {
            _entries.GetOrAdd(value, static _ => new ConcurrentDictionary<ObjectKey, T>())[key] = obj!;
        }
    }

    /// <summary>The distinct values <paramref name="obj"/> is filed under (most functions give one or none: no copies then).</summary>
    private string[] Values(T obj)
    {
        var values = indexKeys(obj);
        if (values is string[] { Length: <= 1 } small)
        {
            return small;
        }

        var distinct = new List<string>();
        foreach (var value in values)
        {
            ArgumentNullException.ThrowIfNull(value, "index value");
            if (!distinct.Contains(value, StringComparer.Ordinal))
            {
                distinct.Add(value);
            }
        }

        return [.. distinct];
    }
}
