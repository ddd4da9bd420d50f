using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ClusterState.Model;

/// <summary>
/// Reads and writes a <see cref="ValueArray{T}"/> as a JSON array (null reads as the empty list). Items go through
/// the options' type information for <typeparamref name="T"/>, so it works with source-generated contexts: name the
/// item type in the context (<c>[JsonSerializable(typeof(MyItem))]</c>) when it is not a primitive the context already has.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
public sealed class ValueArrayJsonConverter<T> : JsonConverter<ValueArray<T>>
{
    /// <summary>The items' type information for the options last served (a factory makes one converter per options).</summary>
    private ItemInfo? _item;

    /// <inheritdoc />
    public override bool HandleNull => true;

    /// <inheritdoc />
    public override ValueArray<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return default;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"Expected an array for a list of {typeof(T).Name}.");
        }

        // Each item goes to its converter in place: JsonSerializer.Deserialize on a nested reader first skips the
        // value to find its end, so every item (and every list inside it) would be read twice.
        var converter = Cached(options).Converter;
        var items = new List<T>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            items.Add(reader.TokenType == JsonTokenType.Null && !converter.HandleNull ? default! : converter.Read(ref reader, typeof(T), options)!);
        }

        return items.Count == 0 ? default : new ValueArray<T>([.. items]);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, ValueArray<T> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var item = Cached(options).Info;
        writer.WriteStartArray();
        foreach (var element in value.AsSpan())
        {
            JsonSerializer.Serialize(writer, element, item);
        }

        writer.WriteEndArray();
    }

    private ItemInfo Cached(JsonSerializerOptions options)
    {
        // One reference, read and written whole: a converter shared by several options never mixes them up.
        if (_item is { } cached && ReferenceEquals(cached.Options, options))
        {
            return cached;
        }

        var info = options.GetTypeInfo(typeof(T)) as JsonTypeInfo<T> ?? throw new JsonException($"No type information for {typeof(T).Name}.");
        var converter = info.Converter as JsonConverter<T> ?? throw new JsonException($"No converter for {typeof(T).Name}.");
        return _item = new ItemInfo(options, info, converter);
    }

    private sealed record ItemInfo(JsonSerializerOptions Options, JsonTypeInfo<T> Info, JsonConverter<T> Converter);
}
