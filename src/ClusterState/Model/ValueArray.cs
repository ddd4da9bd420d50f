using System.Collections;
using System.Runtime.CompilerServices;

namespace ClusterState.Model;

/// <summary>
/// An immutable list with value equality: two lists are equal when they hold equal items in the same order.
/// The default value is the empty list, so record properties of this type never need initializing.
/// </summary>
/// <typeparam name="T">The item type; items should themselves have value equality (records, strings, numbers).</typeparam>
/// <remarks>Build one with a collection expression (<c>Ports = [port1, port2]</c>) or <see cref="ValueArray.Create{T}(ReadOnlySpan{T})"/>.</remarks>
[CollectionBuilder(typeof(ValueArray), nameof(ValueArray.Create))]
[System.Text.Json.Serialization.JsonConverter(typeof(ValueArrayJsonConverterFactory))]
public readonly struct ValueArray<T> : IReadOnlyList<T>, IEquatable<ValueArray<T>>, ICountedValue
{
    /// <summary>The items; null stands for the empty list (the default value).</summary>
    private readonly T[]? _items;

    internal ValueArray(T[] items) => _items = items.Length == 0 ? null : items;

    /// <summary>The items array itself (null for the empty list), for sharing one instance between equal lists.</summary>
    internal T[]? SharedItems => _items;

    /// <summary>The empty list.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000", Justification = "Mirrors ImmutableArray<T>.Empty.")]
    public static ValueArray<T> Empty => default;

    /// <summary>The number of items.</summary>
    public int Count => _items?.Length ?? 0;

    /// <summary>True when the list has no items.</summary>
    public bool IsEmpty => _items is null;

    /// <summary>The item at <paramref name="index"/>.</summary>
    public T this[int index] => _items is null ? throw new ArgumentOutOfRangeException(nameof(index)) : _items[index];

    /// <summary>The items as a span, without copying.</summary>
    public ReadOnlySpan<T> AsSpan() => _items;

    /// <summary>A new list with <paramref name="item"/> appended.</summary>
    public ValueArray<T> Add(T item)
    {
        var items = new T[Count + 1];
        AsSpan().CopyTo(items);
        items[^1] = item;
        return new ValueArray<T>(items);
    }

    /// <summary>A new list without the item at <paramref name="index"/>.</summary>
    public ValueArray<T> RemoveAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var items = new T[Count - 1];
        AsSpan()[..index].CopyTo(items);
        AsSpan()[(index + 1)..].CopyTo(items.AsSpan(index));
        return new ValueArray<T>(items);
    }

    /// <summary>A new list with the item at <paramref name="index"/> replaced.</summary>
    public ValueArray<T> SetItem(int index, T item)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var items = AsSpan().ToArray();
        items[index] = item;
        return new ValueArray<T>(items);
    }

    /// <summary>An enumerator over the items that does not allocate.</summary>
    public ReadOnlySpan<T>.Enumerator GetEnumerator() => AsSpan().GetEnumerator();

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => ((IEnumerable<T>)(_items ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<T>)this).GetEnumerator();

    /// <inheritdoc />
    public bool Equals(ValueArray<T> other)
    {
        if (ReferenceEquals(_items, other._items))
        {
            return true;
        }

        var a = AsSpan();
        var b = other.AsSpan();
        if (a.Length != b.Length)
        {
            return false;
        }

        var comparer = EqualityComparer<T>.Default;
        for (var i = 0; i < a.Length; i++)
        {
            if (!comparer.Equals(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ValueArray<T> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in AsSpan())
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => "[" + string.Join(", ", _items ?? []) + "]";

    /// <summary>Value equality.</summary>
    public static bool operator ==(ValueArray<T> left, ValueArray<T> right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(ValueArray<T> left, ValueArray<T> right) => !left.Equals(right);

    /// <summary>Copies a list of items into a value list.</summary>
    public static implicit operator ValueArray<T>(T[]? items) => items is null ? default : new ValueArray<T>((T[])items.Clone());

    /// <summary>Copies a list of items into a value list.</summary>
    public static implicit operator ValueArray<T>(List<T>? items) => items is null ? default : new ValueArray<T>([.. items]);
}

/// <summary>Factory methods for <see cref="ValueArray{T}"/>.</summary>
public static class ValueArray
{
    /// <summary>A list holding a copy of <paramref name="items"/>.</summary>
    public static ValueArray<T> Create<T>(ReadOnlySpan<T> items) => new(items.ToArray());

    /// <summary>A list holding the items of a sequence.</summary>
    public static ValueArray<T> From<T>(IEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return new ValueArray<T>([.. items]);
    }
}

/// <summary>A value that knows its count without being enumerated (for serializers that skip empty lists).</summary>
internal interface ICountedValue
{
    int Count { get; }
}
