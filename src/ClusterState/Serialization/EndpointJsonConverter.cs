using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ClusterState.Model;

namespace ClusterState.Serialization;

/// <summary>
/// Reads an EndpointSlice's <see cref="Endpoint"/> (its conditions and target reference with it) by hand, the one item
/// a slice holds up to a thousand of. The generated reader goes through System.Text.Json's constructor-argument path
/// for records with init-only and required properties, which boxes and caches every value: a 100-endpoint slice read
/// 2.1–2.6× slower than KubernetesClient's serializer. Writing stays with the generated contract, taken from the same
/// options without this converter (so shaped as every other type), and what is written does not change.
/// </summary>
internal sealed class EndpointJsonConverter : JsonConverter<Endpoint>
{
    /// <summary>The generated contract for the options last served (one reference, read and written whole).</summary>
    private WriterInfo? _writer;

    public override Endpoint? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (!StartObject(ref reader, nameof(Endpoint)))
        {
            return null;
        }

        ValueArray<string>? addresses = null;
        EndpointConditions? conditions = null;
        string? hostname = null, nodeName = null, zone = null;
        ObjectReference? targetRef = null;
        EndpointHints? hints = null;
        StringMap topology = default;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (Property(ref reader, "addresses"u8))
            {
                addresses = ReadStrings(ref reader);
            }
            else if (Property(ref reader, "conditions"u8))
            {
                conditions = ReadConditions(ref reader);
            }
            else if (Property(ref reader, "hostname"u8))
            {
                hostname = ReadString(ref reader);
            }
            else if (Property(ref reader, "targetRef"u8))
            {
                targetRef = ReadReference(ref reader);
            }
            else if (Property(ref reader, "nodeName"u8))
            {
                nodeName = ReadString(ref reader);
            }
            else if (Property(ref reader, "zone"u8))
            {
                zone = ReadString(ref reader);
            }
            else if (Property(ref reader, "hints"u8))
            {
                hints = JsonObjects.Read<EndpointHints>(ref reader, options);
            }
            else if (Property(ref reader, "deprecatedTopology"u8))
            {
                topology = JsonObjects.Read<StringMap>(ref reader, options);
            }
            else
            {
                SkipProperty(ref reader);
            }
        }

        return new Endpoint
        {
            Addresses = addresses ?? throw new JsonException($"JSON deserialization for type '{typeof(Endpoint)}' was missing required properties including: 'addresses'."),
            Conditions = conditions!,
            Hostname = hostname,
            TargetRef = targetRef,
            NodeName = nodeName,
            Zone = zone,
            Hints = hints,
            DeprecatedTopology = topology,
        };
    }

    public override void Write(Utf8JsonWriter writer, Endpoint value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, Generated(options));

    /// <summary>The generated contract of <see cref="Endpoint"/> under <paramref name="options"/> less this converter.</summary>
    private JsonTypeInfo<Endpoint> Generated(JsonSerializerOptions options)
    {
        if (_writer is { } cached && ReferenceEquals(cached.Options, options))
        {
            return cached.Info;
        }

        var without = new JsonSerializerOptions(options);
        for (var i = without.Converters.Count - 1; i >= 0; i--)
        {
            if (without.Converters[i] is EndpointJsonConverter)
            {
                without.Converters.RemoveAt(i);
            }
        }

        var info = (JsonTypeInfo<Endpoint>)without.GetTypeInfo(typeof(Endpoint));
        _writer = new WriterInfo(options, info);
        return info;
    }

    private static EndpointConditions? ReadConditions(ref Utf8JsonReader reader)
    {
        if (!StartObject(ref reader, nameof(EndpointConditions)))
        {
            return null;
        }

        bool? ready = null, serving = null, terminating = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (Property(ref reader, "ready"u8))
            {
                ready = ReadBoolean(ref reader);
            }
            else if (Property(ref reader, "serving"u8))
            {
                serving = ReadBoolean(ref reader);
            }
            else if (Property(ref reader, "terminating"u8))
            {
                terminating = ReadBoolean(ref reader);
            }
            else
            {
                SkipProperty(ref reader);
            }
        }

        return new EndpointConditions { Ready = ready, Serving = serving, Terminating = terminating };
    }

    private static ObjectReference? ReadReference(ref Utf8JsonReader reader)
    {
        if (!StartObject(ref reader, nameof(ObjectReference)))
        {
            return null;
        }

        string? kind = null, ns = null, name = null, uid = null, apiVersion = null, resourceVersion = null, fieldPath = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (Property(ref reader, "kind"u8))
            {
                kind = ReadString(ref reader);
            }
            else if (Property(ref reader, "namespace"u8))
            {
                ns = ReadString(ref reader);
            }
            else if (Property(ref reader, "name"u8))
            {
                name = ReadString(ref reader);
            }
            else if (Property(ref reader, "uid"u8))
            {
                uid = ReadString(ref reader);
            }
            else if (Property(ref reader, "apiVersion"u8))
            {
                apiVersion = ReadString(ref reader);
            }
            else if (Property(ref reader, "resourceVersion"u8))
            {
                resourceVersion = ReadString(ref reader);
            }
            else if (Property(ref reader, "fieldPath"u8))
            {
                fieldPath = ReadString(ref reader);
            }
            else
            {
                SkipProperty(ref reader);
            }
        }

        return new ObjectReference { Kind = kind, Namespace = ns, Name = name, Uid = uid, ApiVersion = apiVersion, ResourceVersion = resourceVersion, FieldPath = fieldPath };
    }

    /// <summary>True when the reader is on the property <paramref name="name"/>, then moved to its value.</summary>
    private static bool Property(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        if (!reader.ValueTextEquals(name))
        {
            return false;
        }

        reader.Read();
        return true;
    }

    /// <summary>Skips the value of the property the reader is on (a field the model does not have).</summary>
    private static void SkipProperty(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    /// <summary>False for a JSON null; true on an object's start; a <see cref="JsonException"/> for anything else.</summary>
    private static bool StartObject(ref Utf8JsonReader reader, string type) => reader.TokenType switch
    {
        JsonTokenType.Null => false,
        JsonTokenType.StartObject => true,
        _ => throw new JsonException($"The JSON value could not be converted to {type}: expected an object, found {reader.TokenType}."),
    };

    /// <summary>A list of strings (null reads as the empty list, as <see cref="ValueArrayJsonConverter{T}"/> reads it).</summary>
    private static ValueArray<string> ReadStrings(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return default;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("Expected an array for a list of String.");
        }

        var items = new List<string>(1);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            items.Add(ReadString(ref reader)!);
        }

        return items.Count == 0 ? default : new ValueArray<string>([.. items]);
    }

    /// <summary>The string at the reader (null for a JSON null).</summary>
    private static string? ReadString(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Null => null,
        _ => throw new JsonException($"The JSON value could not be converted to System.String (found {reader.TokenType})."),
    };

    /// <summary>The boolean at the reader (null for a JSON null).</summary>
    private static bool? ReadBoolean(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.Null => null,
        _ => throw new JsonException($"The JSON value could not be converted to System.Boolean (found {reader.TokenType})."),
    };

    private sealed record WriterInfo(JsonSerializerOptions Options, JsonTypeInfo<Endpoint> Info);
}
