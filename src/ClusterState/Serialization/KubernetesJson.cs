using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ClusterState.Kinds;
using ClusterState.Model;
using ClusterState.Serialization;

namespace ClusterState;

/// <summary>
/// Reads and writes the built-in kinds in Kubernetes' JSON, as <c>kubectl get -o json</c> shows them:
/// <c>apiVersion</c> and <c>kind</c> first, camelCase names, enums as their names, <c>IntOrString</c> as a number or a
/// string, times in RFC 3339, <c>metadata.uid</c> and <c>metadata.resourceVersion</c> as strings, and empty fields
/// (null, empty strings and lists, false, 0) left out as Kubernetes' <c>omitempty</c> does. Trimming- and AOT-safe
/// (source-generated).
/// <para>
/// Kinds of a program's own registered with a JSON serializer (<see cref="KindSerializer.Json{T}"/>, through
/// <see cref="ClusterStoreOptions.AddKind{T}"/> in this process) are read and written too: <c>apiVersion</c>,
/// <c>kind</c> and <c>metadata</c> as above, then the kind's fields from its JSON contract with camelCase names (a
/// property's <c>[JsonPropertyName]</c> kept) and nulls left out. Their stored form is not changed by this.
/// </para>
/// </summary>
/// <remarks>
/// Reading ignores fields the model does not carry (<c>status.hostIP</c>'s siblings a model leaves out,
/// <c>metadata.managedFields</c>, …), as Kubernetes' API server does by default, so real manifests load; it refuses
/// JSON that is not an object of a kind it knows, with a <see cref="JsonException"/> (or
/// <see cref="UnknownKindException"/> for an unknown <c>apiVersion</c>/<c>kind</c>). The store's own counters
/// (create revision and version) are not part of the JSON.
/// </remarks>
public static class KubernetesJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        TypeInfoResolver = KubernetesJsonContext.Default.WithAddedModifier(Shape),
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters =
        {
            new ObjectMetaJsonConverter(),
            new IntOrStringJsonConverter(),
            new KubernetesTimeJsonConverter(),
            new SessionAffinityConfigJsonConverter(),
            new ServiceStatusJsonConverter(),
            new EndpointHintsJsonConverter(),
            new EndpointJsonConverter(),
        },
    };

    /// <summary>
    /// True when <paramref name="kind"/> is read and written by this class: the built-in kinds, and kinds of a
    /// program's own registered with a JSON serializer (<see cref="KindSerializer.Json{T}"/>) in this process.
    /// </summary>
    public static bool Supports(ResourceKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return BuiltInKinds.All.Any(d => d.Kind == kind) || RegisteredKinds.Contains(kind);
    }

    /// <summary>The object as Kubernetes' JSON.</summary>
    /// <exception cref="UnknownKindException">The object is not of a kind this class reads and writes (see <see cref="Supports"/>).</exception>
    public static string Serialize(ClusterObject obj, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (indented)
        {
            var buffer = new ArrayBufferWriter<byte>(1024);
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                WriteTo(writer, obj);
            }

            return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        }

        if (BuiltInKinds.ByType(obj.GetType()) is null)
        {
            var buffer = new ArrayBufferWriter<byte>(1024);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                WriteTo(writer, obj);
            }

            return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        }

        // The generated contract writes the fields; apiVersion and kind go in front of them, as Kubernetes writes them.
        var (kind, body) = Body(obj);
        var head = $"{{\"apiVersion\":\"{kind.ApiVersion}\",\"kind\":\"{kind.Name}\"";
        var rest = body.WrittenSpan[1..];
        return rest.Length > 1 ? head + "," + System.Text.Encoding.UTF8.GetString(rest) : head + "}";
    }

    /// <summary>Writes the object as Kubernetes' JSON.</summary>
    /// <exception cref="UnknownKindException">The object is not of a kind this class reads and writes (see <see cref="Supports"/>).</exception>
    public static void WriteTo(Utf8JsonWriter writer, ClusterObject obj)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(obj);
        if (BuiltInKinds.ByType(obj.GetType()) is null)
        {
            var registered = RegisteredKinds.Find(obj.GetType()) ?? throw UnknownKindException.ForType(obj.GetType());
            writer.WriteStartObject();
            writer.WriteString("apiVersion", registered.Kind.ApiVersion);
            writer.WriteString("kind", registered.Kind.Name);
            writer.WritePropertyName("metadata");
            JsonSerializer.Serialize(writer, obj.Metadata, TypeInfo(typeof(ObjectMeta), Options));
            registered.WriteKubernetesBody(writer, obj);
            writer.WriteEndObject();
            return;
        }

        var (kind, body) = Body(obj);
        using var document = JsonDocument.Parse(body.WrittenMemory);
        writer.WriteStartObject();
        writer.WriteString("apiVersion", kind.ApiVersion);
        writer.WriteString("kind", kind.Name);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            property.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    private static (ResourceKind Kind, ArrayBufferWriter<byte> Body) Body(ClusterObject obj)
    {
        var kind = BuiltInKinds.ByType(obj.GetType())?.Kind ?? throw UnknownKindException.ForType(obj.GetType());
        var body = new ArrayBufferWriter<byte>(1024);
        using (var inner = new Utf8JsonWriter(body))
        {
            JsonSerializer.Serialize(inner, obj, TypeInfo(obj.GetType(), Options));
        }

        return (kind, body);
    }

    /// <summary>Reads one object of a kind this class knows (see <see cref="Supports"/>), chosen by its <c>apiVersion</c> and <c>kind</c>.</summary>
    /// <exception cref="JsonException">The JSON is not an object, lacks <c>apiVersion</c> or <c>kind</c>, or does not fit the kind.</exception>
    /// <exception cref="UnknownKindException">The <c>apiVersion</c> and <c>kind</c> name no kind this class knows.</exception>
    public static ClusterObject Deserialize(ReadOnlySpan<byte> utf8Json)
    {
        var descriptor = FindKind(utf8Json);
        if (descriptor.HasKubernetesBody)
        {
            return ReadRegistered(descriptor, utf8Json);
        }

        return (ClusterObject)(JsonSerializer.Deserialize(utf8Json, TypeInfo(descriptor.ClrType, Options))
            ?? throw new JsonException("The JSON is null, not an object."));
    }

    /// <summary>A kind of a program's own: metadata read here, the rest by the kind's serializer.</summary>
    private static ClusterObject ReadRegistered(KindDescriptor descriptor, ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json);
        using var document = JsonDocument.ParseValue(ref reader);
        if (!document.RootElement.TryGetProperty("metadata", out var metadata) || metadata.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"A {descriptor.Kind.Name} has metadata: an object with at least its name.");
        }

        var meta = metadata.Deserialize((JsonTypeInfo<ObjectMeta>)TypeInfo(typeof(ObjectMeta), Options))
            ?? throw new JsonException("The metadata is null.");
        var body = new ArrayBufferWriter<byte>(utf8Json.Length);
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name is not ("apiVersion" or "kind" or "metadata"))
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return descriptor.ReadKubernetesBody(body.WrittenSpan, meta);
    }

    /// <summary>Reads one object from a string.</summary>
    /// <exception cref="JsonException">The JSON is not an object of a kind this class knows.</exception>
    /// <exception cref="UnknownKindException">The <c>apiVersion</c> and <c>kind</c> name no kind this class knows.</exception>
    public static ClusterObject Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Deserialize(System.Text.Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Reads one object that must be of kind <typeparamref name="T"/>.</summary>
    /// <exception cref="JsonException">The JSON is another kind, or does not fit <typeparamref name="T"/>.</exception>
    public static T Deserialize<T>(string json)
        where T : ClusterObject => Deserialize(json) as T ?? throw new JsonException($"The JSON is not a {typeof(T).Name}.");

    private static JsonTypeInfo TypeInfo(Type type, JsonSerializerOptions options) =>
        options.TryGetTypeInfo(type, out var info) ? info : throw UnknownKindException.ForType(type);

    private static KindDescriptor FindKind(ReadOnlySpan<byte> utf8Json)
    {
        string? apiVersion = null, kind = null;
        var reader = new Utf8JsonReader(utf8Json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A Kubernetes object is a JSON object.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            if (name == "apiVersion" && reader.TokenType == JsonTokenType.String)
            {
                apiVersion = reader.GetString();
            }
            else if (name == "kind" && reader.TokenType == JsonTokenType.String)
            {
                kind = reader.GetString();
            }
            else
            {
                reader.Skip();
            }

            if (apiVersion is not null && kind is not null)
            {
                // Usually the first two fields: the rest of the object is read once, by the contract.
                break;
            }
        }

        if (apiVersion is null || kind is null)
        {
            throw new JsonException("A Kubernetes object names its apiVersion and kind.");
        }

        foreach (var descriptor in KindRegistry.BuiltIn.All)
        {
            if (descriptor.Kind.Name == kind && descriptor.Kind.ApiVersion == apiVersion)
            {
                return descriptor;
            }
        }

        if (RegisteredKinds.Find(apiVersion, kind) is { } registered)
        {
            return registered;
        }

        throw new UnknownKindException(kind, $"{apiVersion} {kind} is not a kind this library reads as Kubernetes JSON.");
    }

    /// <summary>
    /// Shapes the generated contracts into Kubernetes' JSON: computed properties left out, empty values omitted,
    /// <c>metadata</c> first.
    /// </summary>
    private static void Shape(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        for (var i = typeInfo.Properties.Count - 1; i >= 0; i--)
        {
            var property = typeInfo.Properties[i];
            if (property.Set is null && !property.IsRequired)
            {
                // Computed (IsHeadless, EffectivePolicyTypes, IsReady, …): not part of the object.
                typeInfo.Properties.RemoveAt(i);
                continue;
            }

            // A string the model never leaves null (a condition's reason and message) is written even when empty, as
            // Kubernetes writes its fields without omitempty; an optional one is left out when empty.
            property.ShouldSerialize = property.PropertyType == typeof(string) && !property.IsGetNullable
                ? static (_, v) => v is not null
                : OmitEmpty(property.PropertyType) ?? (static (_, v) => v is not null);
            if (property.Name == "metadata")
            {
                property.Order = -1;
            }
        }

    }

    private static Func<object, object?, bool>? OmitEmpty(Type type)
    {
        if (type == typeof(string))
        {
            return static (_, v) => !string.IsNullOrEmpty((string?)v);
        }

        if (type == typeof(bool))
        {
            return static (_, v) => v is true;
        }

        if (type == typeof(int))
        {
            return static (_, v) => v is not 0;
        }

        if (type == typeof(long))
        {
            return static (_, v) => v is not 0L;
        }

        if (type == typeof(StringMap))
        {
            return static (_, v) => v is StringMap { IsEmpty: false };
        }

        if (type == typeof(IntOrString))
        {
            return static (_, v) => v is IntOrString { IsEmpty: false };
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueArray<>))
        {
            return static (_, v) => v is ICountedValue { Count: > 0 };
        }

        return null;
    }
}
