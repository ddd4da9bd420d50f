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

    /// <summary>
    /// The same contract with property names as Kubernetes writes them (camelCase, unless a property names itself with
    /// <c>[JsonPropertyName]</c>) and nulls left out: the object's body in Kubernetes JSON. The stored form is
    /// <see cref="_typeInfo"/>'s, whatever names it uses.
    /// </summary>
    private readonly JsonTypeInfo<T> _kubernetes;

    public JsonKindSerializer(IJsonTypeInfoResolver resolver)
    {
        var options = new JsonSerializerOptions { TypeInfoResolver = resolver.WithAddedModifier(LeaveOutMetadata) };
        _typeInfo = options.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
            ?? throw new ArgumentException($"The resolver has no type information for {typeof(T).Name}; add [JsonSerializable(typeof({typeof(T).Name}))] to its context.", nameof(resolver));
        var kubernetes = new JsonSerializerOptions
        {
            TypeInfoResolver = resolver.WithAddedModifier(LeaveOutMetadata).WithAddedModifier(CamelCaseNames),
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        };
        _kubernetes = (JsonTypeInfo<T>)kubernetes.GetTypeInfo(typeof(T));
    }

    /// <summary>Writes the object's fields but metadata as the properties of Kubernetes JSON's object (into <paramref name="writer"/>'s open object).</summary>
    public void WriteKubernetesBody(Utf8JsonWriter writer, T value)
    {
        var body = new ArrayBufferWriter<byte>(256);
        using (var inner = new Utf8JsonWriter(body))
        {
            JsonSerializer.Serialize(inner, value, _kubernetes);
        }

        using var document = JsonDocument.Parse(body.WrittenMemory);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            property.WriteTo(writer);
        }
    }

    /// <summary>Reads the object's fields from Kubernetes JSON (its metadata is the caller's).</summary>
    /// <exception cref="JsonException">The JSON does not fit the kind.</exception>
    public T ReadKubernetesBody(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, _kubernetes) ?? throw new JsonException($"The {typeof(T).Name} is null.");

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

    private static void CamelCaseNames(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var property in typeInfo.Properties)
        {
            var named = property.AttributeProvider?.IsDefined(typeof(System.Text.Json.Serialization.JsonPropertyNameAttribute), inherit: true) == true;
            if (!named)
            {
                property.Name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            }
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
