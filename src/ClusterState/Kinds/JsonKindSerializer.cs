using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ClusterState.Model;

namespace ClusterState.Kinds;

/// <summary>
/// A <see cref="KindSerializer{T}"/> over System.Text.Json type information (source-generated or reflection-based),
/// with the object's metadata left out: the store writes metadata in its own binary form.
/// </summary>
internal sealed class JsonKindSerializer<T> : KindSerializer<T>
    where T : ClusterObject
{
    private readonly JsonTypeInfo<T> _typeInfo;

    public JsonKindSerializer(IJsonTypeInfoResolver resolver)
    {
        var options = new JsonSerializerOptions { TypeInfoResolver = resolver.WithAddedModifier(LeaveOutMetadata) };
        _typeInfo = options.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
            ?? throw new ArgumentException($"The resolver has no type information for {typeof(T).Name}; add [JsonSerializable(typeof({typeof(T).Name}))] to its context.", nameof(resolver));
    }

    public override void Serialize(T value, IBufferWriter<byte> destination)
    {
        using var writer = new Utf8JsonWriter(destination);
        JsonSerializer.Serialize(writer, value, _typeInfo);
    }

    public override T Deserialize(ReadOnlySpan<byte> source)
    {
        try
        {
            return JsonSerializer.Deserialize(source, _typeInfo) ?? throw new FormatException($"The stored {typeof(T).Name} is null.");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The stored {typeof(T).Name} is not valid JSON for it: {ex.Message}", ex);
        }
    }

    private static void LeaveOutMetadata(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object || !typeof(ClusterObject).IsAssignableFrom(typeInfo.Type))
        {
            return;
        }

        foreach (var property in typeInfo.Properties)
        {
            if (property.PropertyType == typeof(ObjectMeta) && string.Equals(property.Name, nameof(ClusterObject.Metadata), StringComparison.OrdinalIgnoreCase))
            {
                // Kept in the contract (a required member is bound at construction) but never written, and not
                // required when read: the stored metadata replaces it.
                property.ShouldSerialize = static (_, _) => false;
                property.IsRequired = false;
            }
        }
    }
}
