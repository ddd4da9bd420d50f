using ClusterState.Model;

namespace ClusterState;

/// <summary>What a <see cref="Compare"/> reads from the object (etcd's compare targets).</summary>
public enum CompareTarget
{
    /// <summary>The object's version (0 when it does not exist); <see cref="Compare.Exists{T}"/> is <c>version &gt; 0</c>.</summary>
    Version = 0,

    /// <summary>The object's resourceVersion, its mod revision (0 when it does not exist).</summary>
    ResourceVersion = 1,

    /// <summary>The object's create revision (0 when it does not exist).</summary>
    CreateRevision = 2,
}

/// <summary>How a <see cref="Compare"/> tests the target against its value.</summary>
public enum CompareOperator
{
    /// <summary>Equal to the value.</summary>
    Equal = 0,

    /// <summary>Not equal to the value.</summary>
    NotEqual = 1,

    /// <summary>Less than the value.</summary>
    Less = 2,

    /// <summary>Greater than the value.</summary>
    Greater = 3,
}

/// <summary>
/// A condition of a transaction, evaluated atomically against the latest state when it commits (etcd's
/// <c>Compare</c>). A missing object has version, resourceVersion and create revision 0.
/// </summary>
/// <param name="Kind">The object's kind.</param>
/// <param name="Namespace">The object's namespace (empty for cluster-scoped kinds).</param>
/// <param name="Name">The object's name.</param>
/// <param name="Target">What to read.</param>
/// <param name="Operator">How to test it.</param>
/// <param name="Value">The value to test against.</param>
public sealed record Compare(ResourceKind Kind, string Namespace, string Name, CompareTarget Target, CompareOperator Operator, long Value)
{
    /// <summary>The object exists.</summary>
    public static Compare Exists<T>(string @namespace, string name)
        where T : ClusterObject => new(ResourceKind.Of<T>(), @namespace, name, CompareTarget.Version, CompareOperator.Greater, 0);

    /// <summary>The object does not exist.</summary>
    public static Compare NotExists<T>(string @namespace, string name)
        where T : ClusterObject => new(ResourceKind.Of<T>(), @namespace, name, CompareTarget.Version, CompareOperator.Equal, 0);

    /// <summary>The object's resourceVersion (mod revision) compares to <paramref name="value"/>.</summary>
    public static Compare ResourceVersion<T>(string @namespace, string name, CompareOperator op, long value)
        where T : ClusterObject => new(ResourceKind.Of<T>(), @namespace, name, CompareTarget.ResourceVersion, op, value);

    /// <summary>The object's version compares to <paramref name="value"/>.</summary>
    public static Compare Version<T>(string @namespace, string name, CompareOperator op, long value)
        where T : ClusterObject => new(ResourceKind.Of<T>(), @namespace, name, CompareTarget.Version, op, value);

    /// <summary>The object's create revision compares to <paramref name="value"/>.</summary>
    public static Compare CreateRevision<T>(string @namespace, string name, CompareOperator op, long value)
        where T : ClusterObject => new(ResourceKind.Of<T>(), @namespace, name, CompareTarget.CreateRevision, op, value);

    /// <summary>True when <paramref name="actual"/> satisfies the comparison.</summary>
    internal bool Holds(long actual) => Operator switch
    {
        CompareOperator.Equal => actual == Value,
        CompareOperator.NotEqual => actual != Value,
        CompareOperator.Less => actual < Value,
        CompareOperator.Greater => actual > Value,
        _ => false,
    };
}
