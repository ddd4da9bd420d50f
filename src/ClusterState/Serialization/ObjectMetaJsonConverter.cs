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
        string? name = null;
        var meta = new ObjectMeta { Name = string.Empty };
        JsonObjects.ReadObject(ref reader, (ref Utf8JsonReader r, string field) =>
        {
            switch (field)
            {
                case "name":
                    name = r.GetString();
                    break;
                case "namespace":
                    meta = meta with { Namespace = r.GetString() ?? string.Empty };
                    break;
                case "labels":
                    meta = meta with { Labels = Maps.Read(ref r, typeof(StringMap), options) };
                    break;
                case "annotations":
                    meta = meta with { Annotations = Maps.Read(ref r, typeof(StringMap), options) };
                    break;
                case "finalizers":
                    meta = meta with { Finalizers = JsonObjects.Read<ValueArray<string>>(ref r, options) };
                    break;
                case "ownerReferences":
                    meta = meta with { OwnerReferences = JsonObjects.Read<ValueArray<OwnerReference>>(ref r, options) };
                    break;
                case "uid":
                    var uid = r.GetString();
                    meta = meta with { Uid = string.IsNullOrEmpty(uid) ? Guid.Empty : Guid.TryParse(uid, out var parsed) ? parsed : throw new JsonException($"\"{uid}\" is not a uid.") };
                    break;
                case "resourceVersion":
                    var version = r.GetString();
                    meta = meta with { ResourceVersion = string.IsNullOrEmpty(version) ? 0 : long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var rv) ? rv : throw new JsonException($"\"{version}\" is not a resourceVersion of this store.") };
                    break;
                case "generation":
                    meta = meta with { Generation = r.GetInt64() };
                    break;
                case "creationTimestamp":
                    meta = meta with { CreationTimestamp = r.TokenType == JsonTokenType.Null ? default : JsonObjects.Read<DateTimeOffset>(ref r, options) };
                    break;
                case "deletionTimestamp":
                    meta = meta with { DeletionTimestamp = r.TokenType == JsonTokenType.Null ? null : JsonObjects.Read<DateTimeOffset>(ref r, options) };
                    break;
                default:
                    r.Skip();
                    break;
            }
        });
        return meta with { Name = name ?? string.Empty };
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
