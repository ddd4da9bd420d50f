using System.Text.Json;

namespace ClusterState.Serialization;

/// <summary>Helpers for the hand-written converters: walking an object's properties.</summary>
internal static class JsonObjects
{
    public delegate void PropertyReader(ref Utf8JsonReader reader, string name);

    /// <summary>Calls <paramref name="read"/> for each property of the object at the reader (positioned on its value); skips null.</summary>
    public static void ReadObject(ref Utf8JsonReader reader, PropertyReader read)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"Expected an object, found {reader.TokenType}.");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            read(ref reader, name);
        }
    }

    public static T? Read<T>(ref Utf8JsonReader reader, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize(ref reader, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)));

    public static void Write<T>(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)));
}
