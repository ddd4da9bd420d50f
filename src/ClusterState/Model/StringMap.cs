using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace ClusterState.Model;

/// <summary>
/// An immutable string-to-string map with value equality (labels, annotations, selectors, plugin settings).
/// Keys are unique and kept in ordinal order, so two maps with the same pairs are equal whatever order they were
/// given in. The default value is the empty map.
/// </summary>
/// <remarks>
/// Build one with a collection expression of pairs (<c>Labels = [new("app", "web")]</c>), from a dictionary
/// (<c>Labels = new Dictionary&lt;string, string&gt; { ["app"] = "web" }</c>) or with <see cref="Of"/>.
/// </remarks>
[CollectionBuilder(typeof(StringMap), nameof(Create))]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1710", Justification = "A map of strings; 'Dictionary' would suggest mutability.")]
[System.Text.Json.Serialization.JsonConverter(typeof(StringMapJsonConverter))]
public readonly struct StringMap : IReadOnlyDictionary<string, string>, IEquatable<StringMap>
{
    /// <summary>Pairs sorted by key (ordinal), keys unique; null stands for the empty map.</summary>
    private readonly KeyValuePair<string, string>[]? _pairs;

    private StringMap(KeyValuePair<string, string>[] sortedPairs) => _pairs = sortedPairs.Length == 0 ? null : sortedPairs;

    /// <summary>The empty map.</summary>
    public static StringMap Empty => default;

    /// <summary>The number of pairs.</summary>
    public int Count => _pairs?.Length ?? 0;

    /// <summary>True when the map has no pairs.</summary>
    public bool IsEmpty => _pairs is null;

    /// <summary>The pairs in ordinal key order, without copying.</summary>
    public ReadOnlySpan<KeyValuePair<string, string>> Pairs => _pairs;

    /// <inheritdoc />
    public IEnumerable<string> Keys => (_pairs ?? []).Select(p => p.Key);

    /// <inheritdoc />
    public IEnumerable<string> Values => (_pairs ?? []).Select(p => p.Value);

    /// <inheritdoc />
    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    /// <summary>Builds a map from pairs; a key given twice keeps its last value.</summary>
    public static StringMap Create(ReadOnlySpan<KeyValuePair<string, string>> pairs)
    {
        if (pairs.IsEmpty)
        {
            return default;
        }

        var sorted = pairs.ToArray();
        var ascending = true;
        for (var i = 0; i < sorted.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(sorted[i].Key, nameof(pairs));
            ArgumentNullException.ThrowIfNull(sorted[i].Value, nameof(pairs));
            ascending &= i == 0 || string.CompareOrdinal(sorted[i - 1].Key, sorted[i].Key) < 0;
        }

        if (ascending)
        {
            // Already in order without duplicates (as decoded maps and most literals are): nothing to sort.
            return new StringMap(sorted);
        }

        // A stable sort keeps the given order among equal keys, so the last one given wins below.
        var order = new int[sorted.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => string.CompareOrdinal(sorted[a].Key, sorted[b].Key) is var byKey && byKey != 0 ? byKey : a.CompareTo(b));
        var unique = new List<KeyValuePair<string, string>>(sorted.Length);
        foreach (var pair in order.Select(i => sorted[i]))
        {
            if (unique.Count > 0 && string.Equals(unique[^1].Key, pair.Key, StringComparison.Ordinal))
            {
                unique[^1] = pair;
            }
            else
            {
                unique.Add(pair);
            }
        }

        return new StringMap([.. unique]);
    }

    /// <summary>The pairs array itself (null for the empty map), for sharing one instance between equal maps.</summary>
    internal KeyValuePair<string, string>[]? SharedPairs => _pairs;

    /// <summary>A map over <paramref name="sortedPairs"/>, which are in order with unique keys (another map's pairs).</summary>
    internal static StringMap FromSorted(KeyValuePair<string, string>[] sortedPairs) => new(sortedPairs);

    /// <summary>Builds a map that takes ownership of <paramref name="pairs"/> when they are already in order (as decoded maps are).</summary>
    internal static StringMap FromOwned(KeyValuePair<string, string>[] pairs)
    {
        for (var i = 1; i < pairs.Length; i++)
        {
            if (string.CompareOrdinal(pairs[i - 1].Key, pairs[i].Key) >= 0)
            {
                return Create(pairs);
            }
        }

        return new StringMap(pairs);
    }

    /// <summary>Builds a map from (key, value) tuples.</summary>
    public static StringMap Of(params ReadOnlySpan<(string Key, string Value)> pairs)
    {
        var kvs = new KeyValuePair<string, string>[pairs.Length];
        for (var i = 0; i < pairs.Length; i++)
        {
            kvs[i] = new(pairs[i].Key, pairs[i].Value);
        }

        return Create(kvs);
    }

    /// <summary>A new map with <paramref name="key"/> set to <paramref name="value"/>.</summary>
    public StringMap SetItem(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        var list = new List<KeyValuePair<string, string>>(Count + 1);
        list.AddRange(_pairs ?? []);
        list.Add(new(key, value));
        return Create([.. list]);
    }

    /// <summary>A new map without <paramref name="key"/>.</summary>
    public StringMap Remove(string key) =>
        ContainsKey(key) ? new StringMap([.. (_pairs ?? []).Where(p => !string.Equals(p.Key, key, StringComparison.Ordinal))]) : this;

    /// <inheritdoc />
    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        var index = IndexOf(key);
        if (index < 0)
        {
            value = null;
            return false;
        }

        value = _pairs![index].Value;
        return true;
    }

    private int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var pairs = _pairs;
        if (pairs is null)
        {
            return -1;
        }

        int lo = 0, hi = pairs.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = string.CompareOrdinal(pairs[mid].Key, key);
            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return -1;
    }

    /// <summary>An enumerator over the pairs in key order that does not allocate.</summary>
    public ReadOnlySpan<KeyValuePair<string, string>>.Enumerator GetEnumerator() => Pairs.GetEnumerator();

    IEnumerator<KeyValuePair<string, string>> IEnumerable<KeyValuePair<string, string>>.GetEnumerator() =>
        ((IEnumerable<KeyValuePair<string, string>>)(_pairs ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)this).GetEnumerator();

    /// <inheritdoc />
    public bool Equals(StringMap other)
    {
        if (ReferenceEquals(_pairs, other._pairs))
        {
            return true;
        }

        var a = Pairs;
        var b = other.Pairs;
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (!string.Equals(a[i].Key, b[i].Key, StringComparison.Ordinal) || !string.Equals(a[i].Value, b[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is StringMap other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var pair in Pairs)
        {
            hash.Add(pair.Key, StringComparer.Ordinal);
            hash.Add(pair.Value, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => "{" + string.Join(", ", (_pairs ?? []).Select(p => p.Key + "=" + p.Value)) + "}";

    /// <summary>Value equality.</summary>
    public static bool operator ==(StringMap left, StringMap right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(StringMap left, StringMap right) => !left.Equals(right);

    /// <summary>Copies a dictionary into a map.</summary>
    public static implicit operator StringMap(Dictionary<string, string>? pairs) => pairs is null ? default : Create([.. pairs]);
}
