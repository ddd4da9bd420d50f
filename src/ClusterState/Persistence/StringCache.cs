using System.Text;

namespace ClusterState.Persistence;

/// <summary>
/// Strings decoded again and again (names, namespaces, label keys and values, addresses) handed out as one shared
/// instance, so that every version of an object a Raft peer decodes does not keep its own copies in the history.
/// Owned by one thread (a peer's loop): no locks. Bounded: when full it starts over.
/// </summary>
internal sealed class StringCache
{
    /// <summary>Longer strings are decoded as they are: they are rarely repeated and would crowd the cache.</summary>
    public const int MaxCachedBytes = 128;

    private readonly int _capacity;
    private readonly Dictionary<string, string> _strings;
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public StringCache(int capacity)
    {
        _capacity = capacity;
        // Grown as strings arrive rather than sized to the cap: a table of the cap's size spreads a few hundred
        // strings over buckets the size of the cap, and every lookup misses the processor's caches.
        _strings = new Dictionary<string, string>(StringComparer.Ordinal);
        _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The string <paramref name="utf8"/> decodes to (with <paramref name="encoding"/>, which may throw on bad input).</summary>
    public string Get(ReadOnlySpan<byte> utf8, Encoding encoding)
    {
        if (utf8.Length > MaxCachedBytes)
        {
            return encoding.GetString(utf8);
        }

        // As many chars as bytes at most (UTF-8 never takes fewer bytes than UTF-16 takes chars); sized to the
        // string, since the runtime clears what it allocates on the stack.
        Span<char> buffer = stackalloc char[utf8.Length];
        var chars = buffer[..encoding.GetChars(utf8, buffer)];
        if (_lookup.TryGetValue(chars, out var cached))
        {
            return cached;
        }

        if (_strings.Count >= _capacity)
        {
            _strings.Clear();
        }

        var value = new string(chars);
        _strings[value] = value;
        return value;
    }
}
