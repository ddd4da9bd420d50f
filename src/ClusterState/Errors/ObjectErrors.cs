using ClusterState.Model;

namespace ClusterState;

/// <summary>An error about one object, named by kind, namespace and name.</summary>
public abstract class ObjectException : ClusterStateException
{
    private protected ObjectException(ResourceKind kind, string @namespace, string name, string message)
        : base(message)
    {
        Kind = kind;
        Namespace = @namespace;
        Name = name;
    }

    /// <summary>The object's kind.</summary>
    public ResourceKind Kind { get; }

    /// <summary>The object's namespace (empty for cluster-scoped kinds).</summary>
    public string Namespace { get; }

    /// <summary>The object's name.</summary>
    public string Name { get; }

    private protected static string Describe(ResourceKind kind, string @namespace, string name) =>
        @namespace.Length == 0 ? $"{kind} {name}" : $"{kind} {@namespace}/{name}";
}

/// <summary>A create found an object with the same kind, namespace and name.</summary>
public sealed class AlreadyExistsException : ObjectException
{
    /// <summary>Creates the exception.</summary>
    public AlreadyExistsException(ResourceKind kind, string @namespace, string name)
        : base(kind, @namespace, name, $"{Describe(kind, @namespace, name)} already exists")
    {
    }
}

/// <summary>An update or delete found no such object.</summary>
public sealed class NotFoundException : ObjectException
{
    /// <summary>Creates the exception.</summary>
    public NotFoundException(ResourceKind kind, string @namespace, string name)
        : base(kind, @namespace, name, $"{Describe(kind, @namespace, name)} not found")
    {
    }
}

/// <summary>
/// An update or delete carried a resourceVersion precondition that no longer holds: the object changed since the
/// caller read it. Read it again and retry.
/// </summary>
public sealed class ConflictException : ObjectException
{
    /// <summary>Creates the exception.</summary>
    public ConflictException(ResourceKind kind, string @namespace, string name, long expectedResourceVersion, long actualResourceVersion)
        : base(kind, @namespace, name,
            $"{Describe(kind, @namespace, name)} was modified: the precondition expected resourceVersion {expectedResourceVersion} but the stored object is at resourceVersion {actualResourceVersion}")
    {
        ExpectedResourceVersion = expectedResourceVersion;
        ActualResourceVersion = actualResourceVersion;
    }

    /// <summary>The resourceVersion the caller expected.</summary>
    public long ExpectedResourceVersion { get; }

    /// <summary>The resourceVersion of the stored object.</summary>
    public long ActualResourceVersion { get; }
}
