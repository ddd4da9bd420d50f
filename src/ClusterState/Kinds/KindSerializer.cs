using System.Buffers;
using System.Text.Json.Serialization.Metadata;
using ClusterState.Kinds;
using ClusterState.Model;

namespace ClusterState;

/// <summary>
/// How the objects of a kind registered with <see cref="ClusterStoreOptions.AddKind{T}(KindSerializer{T}, Func{T, IEnumerable{ValidationError}}?)"/>
/// are written to the log, snapshots, backups and Raft entries. The store writes each object's kind and metadata
/// itself; the serializer writes everything else and reads it back. <see cref="KindSerializer.Json{T}(IJsonTypeInfoResolver)"/>
/// gives one without hand-written code.
/// </summary>
/// <remarks>
/// A serializer must round-trip: reading what it wrote gives an object equal to the one written (metadata aside).
/// The store checks this on every write and refuses an object that does not, so nothing is stored that would read
/// back different. Implementations are called from many threads at once.
/// </remarks>
/// <typeparam name="T">The kind's record type.</typeparam>
public abstract class KindSerializer<T>
    where T : ClusterObject
{
    /// <summary>Writes every part of <paramref name="value"/> but its <see cref="ClusterObject.Metadata"/>.</summary>
    public abstract void Serialize(T value, IBufferWriter<byte> destination);

    /// <summary>
    /// Reads what <see cref="Serialize"/> wrote. The returned object's metadata is replaced by the stored metadata,
    /// so any value (even null) will do for it.
    /// </summary>
    /// <exception cref="FormatException">The bytes are not a serialized <typeparamref name="T"/>.</exception>
    public abstract T Deserialize(ReadOnlySpan<byte> source);
}

/// <summary>Serializers for kinds registered by a program.</summary>
public static class KindSerializer
{
    /// <summary>
    /// A serializer that writes the object as System.Text.Json does, with the type information of
    /// <paramref name="typeInfoResolver"/>: pass a source-generated <c>JsonSerializerContext</c> naming
    /// <typeparamref name="T"/>, so that trimming and native AOT keep working. The metadata is left out (the store
    /// writes it), as are <see cref="ClusterObject.Kind"/> and <see cref="ClusterObject.IsNamespaced"/>.
    /// </summary>
    /// <example>
    /// <code>
    /// [JsonSerializable(typeof(Gateway))]
    /// internal sealed partial class GatewayJson : JsonSerializerContext;
    ///
    /// options.AddKind(KindSerializer.Json&lt;Gateway&gt;(GatewayJson.Default));
    /// </code>
    /// </example>
    /// <exception cref="ArgumentException"><paramref name="typeInfoResolver"/> has no type information for <typeparamref name="T"/>.</exception>
    public static KindSerializer<T> Json<T>(IJsonTypeInfoResolver typeInfoResolver)
        where T : ClusterObject
    {
        ArgumentNullException.ThrowIfNull(typeInfoResolver);
        return new JsonKindSerializer<T>(typeInfoResolver);
    }
}
