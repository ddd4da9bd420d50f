using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClusterState.Serialization;

/// <summary>Times as Kubernetes writes them (<c>metav1.Time</c>): RFC 3339 in UTC, to the second, e.g. <c>2026-12-01T10:00:00Z</c>.</summary>
internal sealed class KubernetesTimeJsonConverter : JsonConverter<DateTimeOffset>
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time.ToUniversalTime()
            : throw new JsonException($"\"{text}\" is not an RFC 3339 time.");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture));
}
