using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ClusterState.Model;

namespace ClusterState.Serialization;

/// <summary>
/// <c>metadata</c> as Kubernetes writes it: <c>uid</c> and <c>resourceVersion</c> as strings, <c>creationTimestamp</c>
/// in RFC 3339, empty fields left out. The store's own counters (create revision, version) are not part of it.
/// Fields Kubernetes has and the model does not (<c>generateName</c>, <c>managedFields</c>, …) are ignored when read.
/// </summary>
internal sealed class ObjectMetaJsonConverter : JsonConverter<ObjectMeta>
{
    private static readonly StringMapJsonConverter Maps = new();

    public override ObjectMeta? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // Fields gathered first, the record built once.
        string? name = null, ns = null;
        StringMap labels = default, annotations = default;
        ValueArray<string> finalizers = default;
        ValueArray<OwnerReference> owners = default;
        var uid = Guid.Empty;
        long resourceVersion = 0, generation = 0;
        DateTimeOffset created = default;
        DateTimeOffset? deleted = null;
        JsonObjects.ReadObject(ref reader, (ref Utf8JsonReader r, string field) =>
        {
            switch (field)
            {
                case "name":
                    name = r.GetString();
                    break;
                case "namespace":
                    ns = r.GetString();
                    break;
                case "labels":
                    labels = Maps.Read(ref r, typeof(StringMap), options);
                    break;
                case "annotations":
                    annotations = Maps.Read(ref r, typeof(StringMap), options);
                    break;
                case "finalizers":
                    finalizers = JsonObjects.Read<ValueArray<string>>(ref r, options);
                    break;
                case "ownerReferences":
                    owners = JsonObjects.Read<ValueArray<OwnerReference>>(ref r, options);
                    break;
                case "uid":
                    var text = r.GetString();
                    uid = string.IsNullOrEmpty(text) ? Guid.Empty : Guid.TryParse(text, out var parsed) ? parsed : throw new JsonException($"\"{text}\" is not a uid.");
                    break;
                case "resourceVersion":
                    var version = r.GetString();
                    resourceVersion = string.IsNullOrEmpty(version) ? 0 : long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var rv) ? rv : throw new JsonException($"\"{version}\" is not a resourceVersion of this store.");
                    break;
                case "generation":
                    generation = r.GetInt64();
                    break;
                case "creationTimestamp":
                    created = r.TokenType == JsonTokenType.Null ? default : JsonObjects.Read<DateTimeOffset>(ref r, options);
                    break;
                case "deletionTimestamp":
                    deleted = r.TokenType == JsonTokenType.Null ? null : JsonObjects.Read<DateTimeOffset>(ref r, options);
                    break;
                default:
                    r.Skip();
                    break;
            }
        });
        return new ObjectMeta
        {
            Name = name ?? string.Empty,
            Namespace = ns ?? string.Empty,
            Labels = labels,
            Annotations = annotations,
            Finalizers = finalizers,
            OwnerReferences = owners,
            Uid = uid,
            ResourceVersion = resourceVersion,
            Generation = generation,
            CreationTimestamp = created,
            DeletionTimestamp = deleted,
        };
    }

    public override void Write(Utf8JsonWriter writer, ObjectMeta value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("name", value.Name);
        if (!string.IsNullOrEmpty(value.Namespace))
        {
            writer.WriteString("namespace", value.Namespace);
        }

        if (value.Uid != Guid.Empty)
        {
            writer.WriteString("uid", value.Uid.ToString("D"));
        }

        if (value.ResourceVersion > 0)
        {
            writer.WriteString("resourceVersion", value.ResourceVersion.ToString(CultureInfo.InvariantCulture));
        }

        if (value.Generation > 0)
        {
            writer.WriteNumber("generation", value.Generation);
        }

        if (value.CreationTimestamp != default)
        {
            writer.WritePropertyName("creationTimestamp");
            JsonObjects.Write(writer, value.CreationTimestamp, options);
        }

        if (value.DeletionTimestamp is { } deleted)
        {
            writer.WritePropertyName("deletionTimestamp");
            JsonObjects.Write(writer, deleted, options);
        }

        if (!value.Labels.IsEmpty)
        {
            writer.WritePropertyName("labels");
            Maps.Write(writer, value.Labels, options);
        }

        if (!value.Annotations.IsEmpty)
        {
            writer.WritePropertyName("annotations");
            Maps.Write(writer, value.Annotations, options);
        }

        if (!value.Finalizers.IsEmpty)
        {
            writer.WritePropertyName("finalizers");
            JsonObjects.Write(writer, value.Finalizers, options);
        }

        if (!value.OwnerReferences.IsEmpty)
        {
            writer.WritePropertyName("ownerReferences");
            JsonObjects.Write(writer, value.OwnerReferences, options);
        }

        writer.WriteEndObject();
    }
}
