using System.Text.Json;
using System.Text.Json.Serialization;
using ClusterState.Model;

namespace ClusterState.Serialization;

/// <summary>Kubernetes' <c>IntOrString</c>: a JSON number or a JSON string.</summary>
internal sealed class IntOrStringJsonConverter : JsonConverter<IntOrString>
{
    public override IntOrString Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Number when reader.TryGetInt32(out var number) => IntOrString.FromNumber(number),
        JsonTokenType.String => IntOrString.FromName(reader.GetString()!),
        JsonTokenType.Null => default,
        _ => throw new JsonException("Expected a number or a string."),
    };

    public override void Write(Utf8JsonWriter writer, IntOrString value, JsonSerializerOptions options)
    {
        if (value.Number is { } number)
        {
            writer.WriteNumberValue(number);
        }
        else if (value.Name is { } name)
        {
            writer.WriteStringValue(name);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
