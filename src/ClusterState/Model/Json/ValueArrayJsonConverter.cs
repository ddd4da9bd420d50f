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

        var item = Item(options);
        var items = new List<T>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            items.Add(JsonSerializer.Deserialize(ref reader, item)!);
        }

        return items.Count == 0 ? default : new ValueArray<T>([.. items]);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, ValueArray<T> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var item = Item(options);
        writer.WriteStartArray();
        foreach (var element in value.AsSpan())
        {
            JsonSerializer.Serialize(writer, element, item);
        }

        writer.WriteEndArray();
    }

    private static JsonTypeInfo<T> Item(JsonSerializerOptions options) =>
        options.GetTypeInfo(typeof(T)) as JsonTypeInfo<T> ?? throw new JsonException($"No type information for {typeof(T).Name}.");
}
