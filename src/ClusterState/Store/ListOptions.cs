using ClusterState.Model;

namespace ClusterState;

/// <summary>What a list returns.</summary>
public sealed record ListOptions
{
    /// <summary>Only objects in this namespace; null for every namespace.</summary>
    public string? Namespace { get; init; }

    /// <summary>Only objects whose labels match; see <see cref="LabelSelector.Parse"/> for the string syntax.</summary>
    public LabelSelector? LabelSelector { get; init; }

    /// <summary>Read at this past revision instead of the latest.</summary>
    public long? Revision { get; init; }
}

/// <summary>The objects a list found, all read at one revision.</summary>
/// <typeparam name="T">The object type.</typeparam>
/// <param name="Items">The objects, ordered by namespace then name.</param>
/// <param name="Revision">The revision the list was read at: watch from <c>Revision + 1</c> to follow it.</param>
public sealed record ListResult<T>(IReadOnlyList<T> Items, long Revision)
    where T : ClusterObject;
