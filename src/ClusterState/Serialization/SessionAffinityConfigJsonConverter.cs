using System.Text.Json;
using System.Text.Json.Serialization;
using ClusterState.Model;

namespace ClusterState.Serialization;

/// <summary><c>sessionAffinityConfig: {clientIP: {timeoutSeconds: N}}</c>, as Kubernetes nests it.</summary>
internal sealed class SessionAffinityConfigJsonConverter : JsonConverter<SessionAffinityConfig>
{
    public override SessionAffinityConfig? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        int? timeout = null;
        JsonObjects.ReadObject(ref reader, (ref Utf8JsonReader r, string name) =>
        {
            if (name == "clientIP" && r.TokenType == JsonTokenType.StartObject)
            {
                JsonObjects.ReadObject(ref r, (ref Utf8JsonReader inner, string field) =>
                {
                    if (field == "timeoutSeconds" && inner.TokenType == JsonTokenType.Number)
                    {
                        timeout = inner.GetInt32();
                    }
                    else
                    {
                        inner.Skip();
                    }
                });
            }
            else
            {
                r.Skip();
            }
        });
        return new SessionAffinityConfig { ClientIPTimeoutSeconds = timeout };
    }

    public override void Write(Utf8JsonWriter writer, SessionAffinityConfig value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("clientIP");
        if (value.ClientIPTimeoutSeconds is { } timeout)
        {
            writer.WriteNumber("timeoutSeconds", timeout);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
