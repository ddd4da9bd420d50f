using System.Text.Json;
using System.Text.Json.Serialization;
using ClusterState.Model;

namespace ClusterState.Serialization;

/// <summary><c>hints: {forZones: [{name}], forNodes: [{name}]}</c>, as Kubernetes writes an endpoint's hints.</summary>
internal sealed class EndpointHintsJsonConverter : JsonConverter<EndpointHints>
{
    public override EndpointHints? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var hints = new EndpointHints();
        JsonObjects.ReadObject(ref reader, (ref Utf8JsonReader r, string name) =>
        {
            switch (name)
            {
                case "forZones":
                    hints = hints with { ForZones = ReadNames(ref r) };
                    break;
                case "forNodes":
                    hints = hints with { ForNodes = ReadNames(ref r) };
                    break;
                default:
                    r.Skip();
                    break;
            }
        });
        return hints;
    }

    public override void Write(Utf8JsonWriter writer, EndpointHints value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        WriteNames(writer, "forZones", value.ForZones);
        WriteNames(writer, "forNodes", value.ForNodes);
        writer.WriteEndObject();
    }

    private static ValueArray<string> ReadNames(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return default;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("Expected a list of {name} objects.");
        }

        var names = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            string? found = null;
            JsonObjects.ReadObject(ref reader, (ref Utf8JsonReader r, string field) =>
            {
                if (field == "name")
                {
                    found = r.GetString();
                }
                else
                {
                    r.Skip();
                }
            });
            names.Add(found ?? throw new JsonException("A hint has no name."));
        }

        return ValueArray.Create<string>([.. names]);
    }

    private static void WriteNames(Utf8JsonWriter writer, string property, ValueArray<string> names)
    {
        if (names.IsEmpty)
        {
            return;
        }

        writer.WriteStartArray(property);
        foreach (var name in names)
        {
            writer.WriteStartObject();
            writer.WriteString("name", name);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
