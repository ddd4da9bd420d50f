using ClusterState.Model;

namespace ClusterState;

/// <summary>What a list returns.</summary>
public sealed record ListOptions
{
    /// <summary>Only objects in this namespace; null for every namespace.</summary>
    public string? Namespace { get; init; }

    /// <summary>Only objects whose labels match; see <see cref="LabelSelector.Parse"/> for the string syntax.</summary>
    public LabelSelector? LabelSelector { get; init; }

    /// <summary>
    /// Only objects whose fields match, e.g. <c>FieldSelector.Parse("spec.nodeName=node-1")</c>: every kind takes
    /// <c>metadata.name</c> and <c>metadata.namespace</c>, some kinds more (a field the kind does not support is a
    /// <see cref="ValidationException"/>).
    /// </summary>
    public FieldSelector? FieldSelector { get; init; }

    /// <summary>Read at this past revision instead of the latest.</summary>
    public long? Revision { get; init; }

    /// <summary>
    /// At most this many objects (a positive number); <see cref="ListResult{T}.Continue"/> then fetches the next page.
    /// Null for every object.
    /// </summary>
    public int? Limit { get; init; }

    /// <summary>
    /// The <see cref="ListResult{T}.Continue"/> token of the previous page: this page is read at that page's revision
    /// (so all pages are one consistent list). Give the same namespace and selectors as for the first page. A token
    /// whose revision was compacted fails with <see cref="RevisionCompactedException"/>: list again from the start.
    /// </summary>
    public string? Continue { get; init; }
}

/// <summary>The objects a list found, all read at one revision.</summary>
/// <typeparam name="T">The object type.</typeparam>
/// <param name="Items">The objects, ordered by namespace then name.</param>
/// <param name="Revision">The revision the list was read at (every page of a paged list): watch from <c>Revision + 1</c> to follow it.</param>
/// <param name="Continue">With <see cref="ListOptions.Limit"/>: the token for the next page, or null when this page is the last.</param>
/// <param name="RemainingItemCount">
/// When more pages follow and no selector was given: about how many objects they hold, as Kubernetes reports it (an
/// estimate: objects deleted or created after <paramref name="Revision"/> may be counted until compaction). Otherwise null.
/// </param>
public sealed record ListResult<T>(IReadOnlyList<T> Items, long Revision, string? Continue = null, long? RemainingItemCount = null)
    where T : ClusterObject;
