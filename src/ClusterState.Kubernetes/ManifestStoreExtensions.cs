using ClusterState.Model;

namespace ClusterState.Kubernetes;

/// <summary>Applying manifests to a store and exporting what it holds.</summary>
public static class ManifestStoreExtensions
{
    private const int MaxAttempts = 10;

    /// <summary>
    /// Creates each object that does not exist and replaces each that does (its server-owned metadata kept), all in
    /// one transaction: every object lands at one revision, or none does. A write by someone else between reading and
    /// committing makes the transaction's compares fail, and the apply starts again from the new state. Objects of
    /// namespaced kinds without a namespace go to <paramref name="defaultNamespace"/>, as kubectl does. An object that
    /// is already stored as the manifest says is left as it is (no new resourceVersion); when none changes, nothing is
    /// written.
    /// </summary>
    /// <returns>The transaction's result: its revision and each object as stored, in the order given.</returns>
    /// <exception cref="ValidationException">An object breaks its kind's rules, or two name the same object; nothing is written.</exception>
    /// <exception cref="ConflictException">Other writers changed the objects on every one of ten attempts.</exception>
    public static async Task<TxnResult> ApplyAsync(this IClusterStore store, IEnumerable<ClusterObject> objects, string defaultNamespace = "default", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(objects);
        var wanted = objects.Select(o => o.Kind.IsNamespaced && string.IsNullOrEmpty(o.Metadata.Namespace) ? o with { Metadata = o.Metadata with { Namespace = defaultNamespace } } : o).ToArray();
        for (var attempt = 1; ; attempt++)
        {
            var revision = store.Revision;
            var compares = new List<Compare>(wanted.Length);
            var operations = new List<TxnOperation>(wanted.Length);
            foreach (var obj in wanted)
            {
                var meta = obj.Metadata;
                var stored = store.Get(obj.Kind, meta.Namespace, meta.Name, revision);
                if (stored is null)
                {
                    compares.Add(new Compare(obj.Kind, meta.Namespace, meta.Name, CompareTarget.Version, CompareOperator.Equal, 0));
                    operations.Add(TxnOperation.Create(obj));
                }
                else
                {
                    compares.Add(new Compare(obj.Kind, meta.Namespace, meta.Name, CompareTarget.ResourceVersion, CompareOperator.Equal, stored.Metadata.ResourceVersion));
                    operations.Add(TxnOperation.UpdateUnconditionally(obj).OnlyIfChanged());
                }
            }

            var result = await store.Transaction().If(compares).Then(operations).CommitAsync(cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                return result;
            }

            if (attempt == MaxAttempts)
            {
                // Name an object that changed since it was read.
                for (var i = 0; i < wanted.Length; i++)
                {
                    var meta = wanted[i].Metadata;
                    var now = store.Get(wanted[i].Kind, meta.Namespace, meta.Name)?.Metadata.ResourceVersion ?? 0;
                    var seen = compares[i].Target == CompareTarget.ResourceVersion ? compares[i].Value : 0;
                    if (now != seen)
                    {
                        throw new ConflictException(wanted[i].Kind, meta.Namespace, meta.Name, seen, now);
                    }
                }

                var first = wanted[0].Metadata;
                throw new ConflictException(wanted[0].Kind, first.Namespace, first.Name, compares[0].Value, compares[0].Value);
            }
        }
    }

    /// <summary>
    /// Every object of <paramref name="kinds"/> (all the store's kinds when null), in <paramref name="namespace"/>
    /// (every namespace when null; cluster-scoped kinds only when null), read at one revision: a consistent export.
    /// Write it with <see cref="Manifests.ToYaml(IEnumerable{ClusterObject})"/>.
    /// </summary>
    public static IReadOnlyList<ClusterObject> Export(this IClusterStore store, string? @namespace = null, IEnumerable<ResourceKind>? kinds = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var revision = store.Revision;
        var objects = new List<ClusterObject>();
        foreach (var kind in kinds ?? store.Kinds)
        {
            if (@namespace is not null && !kind.IsNamespaced)
            {
                continue;
            }

            objects.AddRange(store.List(kind, new ListOptions { Namespace = @namespace, Revision = revision }).Items);
        }

        return objects;
    }
}
