using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ClusterState.Model;

namespace ClusterState.Serialization;

/// <summary>
/// Reads an EndpointSlice's <see cref="Endpoint"/> (its conditions and target reference with it) by hand, the one item
/// a slice holds up to a thousand of. The generated reader goes through System.Text.Json's constructor-argument path
/// for records with init-only and required properties, which boxes and caches every value: a 100-endpoint slice read
/// 2.4–2.6× slower than KubernetesClient's serializer. Writing stays with the generated code
/// (<see cref="EndpointWriteContext"/>, shaped as <see cref="KubernetesJson"/> shapes every type), so what is written
/// does not change.
/// </summary>
internal sealed class EndpointJsonConverter : JsonConverter<Endpoint>
{
    private static readonly JsonTypeInfo<Endpoint> Writer = (JsonTypeInfo<Endpoint>)new JsonSerializerOptions
    {
        TypeInfoResolver = EndpointWriteContext.Default.WithAddedModifier(KubernetesJson.Shape),
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new EndpointHintsJsonConverter() },
    }.GetTypeInfo(typeof(Endpoint));

    public override Endpoint? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        ExpectObject(ref reader, nameof(Endpoint));
        ValueArray<string>? addresses = null;
        EndpointConditions? conditions = null;
        string? hostname = null, nodeName = null, zone = null;
        ObjectReference? targetRef = null;
        EndpointHints? hints = null;
        StringMap topology = default;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (reader.ValueTextEquals("addresses"u8))
            {
                reader.Read();
                addresses = ReadStrings(ref reader);
            }
            else if (reader.ValueTextEquals("conditions"u8))
            {
                reader.Read();
                conditions = ReadConditions(ref reader);
            }
            else if (reader.ValueTextEquals("hostname"u8))
            {
                hostname = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("targetRef"u8))
            {
                reader.Read();
                targetRef = ReadReference(ref reader);
            }
            else if (reader.ValueTextEquals("nodeName"u8))
            {
                nodeName = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("zone"u8))
            {
                zone = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("hints"u8))
            {
                reader.Read();
                hints = JsonObjects.Read<EndpointHints>(ref reader, options);
            }
            else if (reader.ValueTextEquals("deprecatedTopology"u8))
            {
                reader.Read();
                topology = JsonObjects.Read<StringMap>(ref reader, options);
            }
            else
            {
                reader.Read();
                reader.Skip();
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
        JsonSerializer.Serialize(writer, value, Writer);

    private static EndpointConditions? ReadConditions(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        ExpectObject(ref reader, nameof(EndpointConditions));
        bool? ready = null, serving = null, terminating = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (reader.ValueTextEquals("ready"u8))
            {
                ready = ReadBoolean(ref reader);
            }
            else if (reader.ValueTextEquals("serving"u8))
            {
                serving = ReadBoolean(ref reader);
            }
            else if (reader.ValueTextEquals("terminating"u8))
            {
                terminating = ReadBoolean(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new EndpointConditions { Ready = ready, Serving = serving, Terminating = terminating };
    }

    private static ObjectReference? ReadReference(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        ExpectObject(ref reader, nameof(ObjectReference));
        string? kind = null, ns = null, name = null, uid = null, apiVersion = null, resourceVersion = null, fieldPath = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (reader.ValueTextEquals("kind"u8))
            {
                kind = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("namespace"u8))
            {
                ns = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("name"u8))
            {
                name = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("uid"u8))
            {
                uid = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("apiVersion"u8))
            {
                apiVersion = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("resourceVersion"u8))
            {
                resourceVersion = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("fieldPath"u8))
            {
                fieldPath = ReadString(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new ObjectReference { Kind = kind, Namespace = ns, Name = name, Uid = uid, ApiVersion = apiVersion, ResourceVersion = resourceVersion, FieldPath = fieldPath };
    }

    /// <summary>A list of strings at the reader (null reads as the empty list, as <see cref="ValueArrayJsonConverter{T}"/> reads it).</summary>
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
            items.Add(reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString()!,
                JsonTokenType.Null => null!,
                _ => throw new JsonException($"The JSON value could not be converted to System.String (found {reader.TokenType})."),
            });
        }

        return items.Count == 0 ? default : new ValueArray<string>([.. items]);
    }

    /// <summary>The string value after the property name at the reader (null for a JSON null).</summary>
    private static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Null => null,
            _ => throw new JsonException($"The JSON value could not be converted to System.String (found {reader.TokenType})."),
        };
    }

    /// <summary>The boolean value after the property name at the reader (null for a JSON null).</summary>
    private static bool? ReadBoolean(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            JsonTokenType.Null => null,
            _ => throw new JsonException($"The JSON value could not be converted to System.Boolean (found {reader.TokenType})."),
        };
    }

    private static void ExpectObject(ref Utf8JsonReader reader, string type)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"The JSON value could not be converted to {type}: expected an object, found {reader.TokenType}.");
        }
    }
}
