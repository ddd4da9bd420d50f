using ClusterState.Model;

namespace ClusterState.Controllers;

/// <summary>Index functions for <see cref="Informer{T}.AddIndex"/>: by a label's value, by owner, by a field.</summary>
public static class InformerIndexes
{
    /// <summary>Files an object under the value of its label <paramref name="key"/> (not at all without it).</summary>
    public static Func<ClusterObject, IEnumerable<string>> ByLabel(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return obj => obj.Metadata.Labels.TryGetValue(key, out var value) ? new[] { value } : Array.Empty<string>();
    }

    /// <summary>
    /// Files an object under the UID of each of its owners (<c>metadata.ownerReferences</c>), as text ("D" format);
    /// with <paramref name="controllerOnly"/>, under its controlling owner only.
    /// </summary>
    public static Func<ClusterObject, IEnumerable<string>> ByOwner(bool controllerOnly = false) =>
        obj => obj.Metadata.OwnerReferences
            .Where(o => !controllerOnly || o.Controller == true)
            .Select(o => o.Uid.ToString("D"));

    /// <summary>Files an object under the value <paramref name="field"/> gives (not at all for null).</summary>
    public static Func<T, IEnumerable<string>> ByField<T>(Func<T, string?> field)
        where T : ClusterObject
    {
        ArgumentNullException.ThrowIfNull(field);
        return obj => field(obj) is { } value ? new[] { value } : Array.Empty<string>();
    }
}
