using ClusterState.Model;
using ClusterState.Persistence;
using ClusterState.Validation;

namespace ClusterState.Kinds;

/// <summary>
/// Everything the store knows about one kind, in one place: its identity (<see cref="Kind"/>), its CLR type, how
/// its fields are validated and how they are written in the binary form (after the kind name and metadata, which
/// the object codec writes for every kind). How an update shares unchanged parts with the previous version is the
/// object's own <see cref="ClusterObject.ShareUnchanged"/>.
/// </summary>
internal abstract class KindDescriptor(ResourceKind kind, Type clrType, IReadOnlyDictionary<string, Func<ClusterObject, string?>>? fields = null)
{
    /// <summary>The fields every kind can be selected by.</summary>
    public const string NameField = "metadata.name";

    /// <summary>The namespace field every kind can be selected by.</summary>
    public const string NamespaceField = "metadata.namespace";

    private readonly IReadOnlyDictionary<string, Func<ClusterObject, string?>> _fields = fields ?? new Dictionary<string, Func<ClusterObject, string?>>();

    /// <summary>The kind's identity, as Kubernetes names it.</summary>
    public ResourceKind Kind { get; } = kind;

    /// <summary>The record type of its objects.</summary>
    public Type ClrType { get; } = clrType;

    /// <summary>The kind name as UTF-8, as the codec writes it.</summary>
    public byte[] Utf8Name { get; } = System.Text.Encoding.UTF8.GetBytes(kind.QualifiedName);

    /// <summary>The fields a field selector may name for this kind, in Kubernetes' spelling.</summary>
    public IEnumerable<string> SelectableFields => [NameField, NamespaceField, .. _fields.Keys.Order(StringComparer.Ordinal)];

    /// <summary>True when a field selector may name <paramref name="field"/> for this kind.</summary>
    public bool CanSelect(string field) => field is NameField or NamespaceField || _fields.ContainsKey(field);

    /// <summary>The value of a selectable <paramref name="field"/> of <paramref name="obj"/>, as a field selector compares it.</summary>
    public string? FieldValue(ClusterObject obj, string field) => field switch
    {
        NameField => obj.Metadata.Name,
        NamespaceField => obj.Metadata.Namespace,
        _ => _fields.TryGetValue(field, out var read) ? read(obj) : null,
    };

    /// <summary>True when <paramref name="obj"/>, of this kind, has the fields <paramref name="selector"/> asks for.</summary>
    public bool Matches(FieldSelector selector, ClusterObject obj) =>
        selector.Matches((Kind: this, Object: obj), static (s, field) => s.Kind.FieldValue(s.Object, field));

    /// <summary>Writes the object's fields (not its kind or metadata).</summary>
    public abstract void WriteBody(BinaryEncoder encoder, ClusterObject obj);

    /// <summary>Reads the fields written by <see cref="WriteBody"/> into an object with <paramref name="metadata"/>.</summary>
    /// <exception cref="CorruptDataException">The bytes are not a valid body of this kind.</exception>
    public abstract ClusterObject ReadBody(ref BinaryDecoder decoder, ObjectMeta metadata);

    /// <summary>
    /// Checks the object (metadata included) against the kind's rules, adding every violation to
    /// <paramref name="context"/> and its estimated encoded size to <see cref="ValidationContext.Size"/>.
    /// </summary>
    public abstract void Validate(ValidationContext context, ClusterObject obj);

    /// <summary>The store's typed collection of this kind.</summary>
    public abstract object CreateCollection(ClusterStore store);

    /// <summary>True when <see cref="WriteKubernetesBody"/> and <see cref="ReadKubernetesBody"/> work (a kind of a program's own with a JSON serializer).</summary>
    public virtual bool HasKubernetesBody => false;

    /// <summary>Writes the object's fields but apiVersion, kind and metadata as properties into <paramref name="writer"/>'s open object.</summary>
    public virtual void WriteKubernetesBody(System.Text.Json.Utf8JsonWriter writer, ClusterObject obj) =>
        throw new NotSupportedException($"{Kind.QualifiedName} has no Kubernetes JSON body of its own.");

    /// <summary>Reads the fields <see cref="WriteKubernetesBody"/> writes into an object with <paramref name="metadata"/>.</summary>
    /// <exception cref="System.Text.Json.JsonException">The JSON does not fit the kind.</exception>
    public virtual ClusterObject ReadKubernetesBody(ReadOnlySpan<byte> json, ObjectMeta metadata) =>
        throw new NotSupportedException($"{Kind.QualifiedName} has no Kubernetes JSON body of its own.");
}
