using ClusterState.Model;
using ClusterState.Persistence;
using ClusterState.Validation;

namespace ClusterState.Kinds;

/// <summary>A kind built into the library: its codec and validator are hand-written for speed.</summary>
internal sealed class BuiltInKind<T>(
    ResourceKind kind,
    Action<BinaryEncoder, T> write,
    BuiltInKind<T>.BodyReader read,
    Action<ValidationContext, T> validate,
    IReadOnlyDictionary<string, Func<T, string?>>? fields = null) : KindDescriptor(kind, typeof(T), fields?.ToDictionary(f => f.Key, f => (Func<ClusterObject, string?>)(o => f.Value((T)o))))
    where T : ClusterObject
{
    public delegate T BodyReader(ref BinaryDecoder decoder, ObjectMeta metadata);

    public override void WriteBody(BinaryEncoder encoder, ClusterObject obj) => write(encoder, (T)obj);

    public override ClusterObject ReadBody(ref BinaryDecoder decoder, ObjectMeta metadata) => read(ref decoder, metadata);

    public override void Validate(ValidationContext context, ClusterObject obj) => validate(context, (T)obj);

    public override object CreateCollection(ClusterStore store) => new ResourceCollection<T>(store, Kind);
}
