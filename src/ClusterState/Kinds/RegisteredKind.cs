using System.Buffers;
using ClusterState.Model;
using ClusterState.Persistence;
using ClusterState.Validation;

namespace ClusterState.Kinds;

/// <summary>
/// A kind a program registered: its fields are written by its <see cref="KindSerializer{T}"/> as one length-prefixed
/// body, and it is validated by the common metadata rules, its own validator, and a round-trip through the serializer.
/// </summary>
internal sealed class RegisteredKind<T>(ResourceKind kind, KindSerializer<T> serializer, Func<T, IEnumerable<ValidationError>>? validator)
    : KindDescriptor(kind, typeof(T))
    where T : ClusterObject
{
    public override void WriteBody(BinaryEncoder encoder, ClusterObject obj)
    {
        var body = new ArrayBufferWriter<byte>(256);
        serializer.Serialize((T)obj, body);
        encoder.WriteVarUInt((ulong)body.WrittenCount);
        encoder.WriteBytes(body.WrittenSpan);
    }

    public override ClusterObject ReadBody(ref BinaryDecoder decoder, ObjectMeta metadata)
    {
        var length = decoder.ReadCount();
        var start = decoder.Position;
        var bytes = decoder.ReadBytes(length);
        T value;
        try
        {
            value = serializer.Deserialize(bytes);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            throw new CorruptDataException(decoder.Source, start, $"the {Kind.QualifiedName} body does not read back: {ex.Message}", ex);
        }

        return value is null ? throw new CorruptDataException(decoder.Source, start, $"the {Kind.QualifiedName} body reads back as null") : (ClusterObject)value with { Metadata = metadata };
    }

    public override void Validate(ValidationContext context, ClusterObject obj)
    {
        var value = (T)obj;
        CommonValidation.Metadata(context, value.Metadata, Kind.IsNamespaced, Rules.DnsSubdomain);
        if (validator is not null)
        {
            foreach (var error in validator(value) ?? [])
            {
                context.Error(error.Field, error.Message);
            }
        }

        if (context.HasErrors)
        {
            return;
        }

        var body = new ArrayBufferWriter<byte>(256);
        T? back;
        try
        {
            serializer.Serialize(value, body);
            back = serializer.Deserialize(body.WrittenSpan);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException or NotSupportedException or System.Text.Json.JsonException)
        {
            context.Error(string.Empty, $"Invalid value: the kind's serializer cannot write and read it back: {ex.Message}");
            return;
        }

        context.MeasureBytes(body.WrittenCount);
        if (back is null || !Equals((ClusterObject)back with { Metadata = value.Metadata }, value))
        {
            context.Error(string.Empty, $"Invalid value: the kind's serializer does not read it back equal (every field must be written, and lists compared by value: use ValueArray<T> and StringMap)");
        }
    }

    public override object CreateCollection(ClusterStore store) => new ResourceCollection<T>(store, Kind);

    /// <summary>A kind serialized as JSON (<see cref="KindSerializer.Json{T}"/>) is Kubernetes JSON too; a hand-written serializer's format is its own.</summary>
    public override bool HasKubernetesBody => serializer is JsonKindSerializer<T>;

    public override void WriteKubernetesBody(System.Text.Json.Utf8JsonWriter writer, ClusterObject obj)
    {
        if (serializer is not JsonKindSerializer<T> json)
        {
            base.WriteKubernetesBody(writer, obj);
            return;
        }

        json.WriteKubernetesBody(writer, (T)obj);
    }

    public override ClusterObject ReadKubernetesBody(ReadOnlySpan<byte> json, ObjectMeta metadata) =>
        serializer is JsonKindSerializer<T> kubernetes
            ? (ClusterObject)kubernetes.ReadKubernetesBody(json) with { Metadata = metadata }
            : base.ReadKubernetesBody(json, metadata);
}
