using ClusterState.Model;

namespace ClusterState.Controllers;

/// <summary>
/// An object's namespace and name: the key informers cache by and work queues carry. Written
/// <c>namespace/name</c>, or <c>name</c> alone for a cluster-scoped object, as client-go writes its keys.
/// </summary>
/// <param name="Namespace">The namespace; empty for a cluster-scoped object.</param>
/// <param name="Name">The name.</param>
public readonly record struct ObjectKey(string Namespace, string Name)
{
    /// <summary>The key of <paramref name="obj"/>.</summary>
    public static ObjectKey Of(ClusterObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return new(obj.Metadata.Namespace, obj.Metadata.Name);
    }

    /// <summary>Reads <c>namespace/name</c> or <c>name</c>.</summary>
    /// <exception cref="FormatException">The text is empty, or has an empty part or more than one '/'.</exception>
    public static ObjectKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (text.Length == 0 || (slash >= 0 && (slash == 0 || slash == text.Length - 1 || text.IndexOf('/', slash + 1) >= 0)))
        {
            throw new FormatException($"'{text}' is not an object key: it is 'namespace/name' or 'name'.");
        }

        return slash < 0 ? new(string.Empty, text) : new(text[..slash], text[(slash + 1)..]);
    }

    /// <summary><c>namespace/name</c>, or <c>name</c> when the namespace is empty.</summary>
    public override string ToString() => Namespace.Length == 0 ? Name : $"{Namespace}/{Name}";
}
