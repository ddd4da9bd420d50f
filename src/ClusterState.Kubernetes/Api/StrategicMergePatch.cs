using System.Text.Json;
using System.Text.Json.Nodes;
using ClusterState.Model;

namespace ClusterState.Kubernetes.Api;

/// <summary>
/// Kubernetes' strategic merge patch (<c>application/strategic-merge-patch+json</c>, what <c>kubectl apply</c> and
/// <c>kubectl patch</c> send by default) for the built-in kinds: a JSON merge patch, except that the lists Kubernetes
/// declares mergeable merge item by item (by their merge key, or as a set of primitives) instead of being replaced.
/// </summary>
/// <remarks>
/// <para>Directives: <c>$patch: replace</c> (a map or list replaced whole), <c>$patch: delete</c> (a map, or a list
/// item by its merge key), <c>$retainKeys</c>, <c>$deleteFromPrimitiveList/&lt;list&gt;</c> and
/// <c>$setElementOrder/&lt;list&gt;</c> (the items it names first, in its order, then the others in their order).</para>
/// <para>The lists are those Kubernetes marks <c>patchStrategy: merge</c> for the fields this library models; every
/// other list is replaced. Registered kinds are refused with 415, as the API server refuses it for custom
/// resources (clients then send a merge patch).</para>
/// </remarks>
internal static class StrategicMergePatch
{
    private const string SetElementOrder = "$setElementOrder/";
    private const string DeleteFromPrimitiveList = "$deleteFromPrimitiveList/";

    /// <summary>Merge keys of the mergeable lists of maps, by kind and dotted field path.</summary>
    /// <summary>The Kubernetes kinds of this library: those that take a strategic merge patch.</summary>
    private static readonly ResourceKind[] Kinds =
    [
        ResourceKind.Service, ResourceKind.Endpoints, ResourceKind.EndpointSlice, ResourceKind.NetworkPolicy, ResourceKind.Namespace,
        ResourceKind.Pod, ResourceKind.Node, ResourceKind.ServiceCIDR, ResourceKind.IPAddress,
    ];

    private static readonly Dictionary<(ResourceKind Kind, string Path), string> MergeKeys = BuildMergeKeys();

    /// <summary>The mergeable lists of primitives (merged as sets), by kind and dotted field path.</summary>
    private static readonly HashSet<(ResourceKind Kind, string Path)> PrimitiveSets = BuildPrimitiveSets();

    /// <summary>Whether <paramref name="kind"/> takes a strategic merge patch (the built-in kinds do).</summary>
    public static bool Supports(ResourceKind kind) => Kinds.Contains(kind);

    /// <summary>
    /// Applies <paramref name="patch"/> (a JSON object) to <paramref name="document"/>, an object of
    /// <paramref name="kind"/> that the caller owns: it is changed in place, and returned.
    /// </summary>
    /// <exception cref="JsonException">The patch is not an object, a list item lacks its merge key, or a directive is malformed.</exception>
    public static JsonObject Apply(ResourceKind kind, JsonObject document, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            throw new JsonException("A strategic merge patch is a JSON object.");
        }

        return MergeMap(kind, string.Empty, document, patchObject) ?? throw new JsonException("A strategic merge patch cannot delete the whole object.");
    }

    /// <summary>
    /// <paramref name="original"/> (a node of the document being patched, or null for a new one) merged with
    /// <paramref name="patch"/>: changed in place and returned, or a new node (a replacement), or null (deleted).
    /// </summary>
    private static JsonObject? MergeMap(ResourceKind kind, string path, JsonObject? original, JsonObject patch)
    {
        switch (Directive(patch))
        {
            case "delete":
                return null;
            case "replace":
                return Clean(patch);
            case null:
                break;
            case var other:
                throw new JsonException($"unknown $patch directive \"{other}\" at {Display(path)}");
        }

        var result = original ?? [];
        foreach (var (key, value) in patch)
        {
            if (key.StartsWith('$'))
            {
                continue;
            }

            var fieldPath = path.Length == 0 ? key : path + "." + key;
            switch (value)
            {
                case null:
                    result.Remove(key);
                    break;
                case JsonObject map:
                    Set(result, key, MergeMap(kind, fieldPath, result[key] as JsonObject, map));
                    break;
                case JsonArray list:
                    Set(result, key, MergeList(kind, fieldPath, result[key] as JsonArray, list));
                    break;
                default:
                    result[key] = value.DeepClone();
                    break;
            }
        }

        foreach (var (key, value) in patch)
        {
            if (key.StartsWith(DeleteFromPrimitiveList, StringComparison.Ordinal))
            {
                DeleteValues(result, key[DeleteFromPrimitiveList.Length..], value as JsonArray ?? throw new JsonException($"{key} takes a list"));
            }
        }

        foreach (var (key, value) in patch)
        {
            if (key.StartsWith(SetElementOrder, StringComparison.Ordinal))
            {
                var field = key[SetElementOrder.Length..];
                Reorder(result, field, value as JsonArray ?? throw new JsonException($"{key} takes a list"), MergeKeys.GetValueOrDefault((kind, path.Length == 0 ? field : path + "." + field)));
            }
        }

        if (patch["$retainKeys"] is { } retain)
        {
            var keep = (retain as JsonArray ?? throw new JsonException("$retainKeys takes a list of field names")).Select(k => k?.GetValue<string>()).ToHashSet();
            foreach (var key in result.Select(p => p.Key).Where(k => !keep.Contains(k)).ToList())
            {
                result.Remove(key);
            }
        }

        return result;
    }

    /// <summary><paramref name="original"/> merged with <paramref name="patch"/> as the list's strategy says: changed in place and returned, or a new list.</summary>
    private static JsonArray MergeList(ResourceKind kind, string path, JsonArray? original, JsonArray patch)
    {
        if (patch.Any(item => item is JsonObject map && Directive(map) == "replace"))
        {
            return [.. patch.Where(item => !(item is JsonObject map && Directive(map) == "replace")).Select(item => Clean(item))];
        }

        if (MergeKeys.TryGetValue((kind, path), out var mergeKey))
        {
            var result = original ?? [];
            foreach (var item in patch)
            {
                var map = item as JsonObject ?? throw new JsonException($"{Display(path)} holds objects merged by \"{mergeKey}\"");
                var key = map[mergeKey] ?? throw new JsonException($"an item of {Display(path)} does not contain its merge key \"{mergeKey}\"");
                var at = IndexOf(result, mergeKey, key);
                if (Directive(map) == "delete")
                {
                    while (at >= 0)
                    {
                        result.RemoveAt(at);
                        at = IndexOf(result, mergeKey, key);
                    }

                    continue;
                }

                if (at >= 0)
                {
                    var merged = MergeMap(kind, path, result[at] as JsonObject, map);
                    if (!ReferenceEquals(merged, result[at]))
                    {
                        result[at] = merged;
                    }
                }
                else
                {
                    result.Add(MergeMap(kind, path, null, map));
                }
            }

            return result;
        }

        if (PrimitiveSets.Contains((kind, path)))
        {
            var result = original ?? [];
            foreach (var item in patch.Where(item => !result.Any(existing => JsonNode.DeepEquals(existing, item))))
            {
                result.Add(item?.DeepClone());
            }

            return result;
        }

        // Every other list is atomic: the patch's list replaces it.
        return [.. patch.Select(item => Clean(item))];
    }

    private static void DeleteValues(JsonObject result, string field, JsonArray values)
    {
        if (result[field] is JsonArray list)
        {
            for (var i = list.Count - 1; i >= 0; i--)
            {
                if (values.Any(v => JsonNode.DeepEquals(v, list[i])))
                {
                    list.RemoveAt(i);
                }
            }
        }
    }

    private static void Reorder(JsonObject result, string field, JsonArray order, string? mergeKey)
    {
        if (result[field] is not JsonArray list)
        {
            return;
        }

        // The items are taken out of the list (detached, not copied) and put back in the wanted order.
        var items = list.ToList();
        list.Clear();
        var ordered = new List<JsonNode?>();
        foreach (var wanted in order)
        {
            var probe = mergeKey is null ? wanted : (wanted as JsonObject)?[mergeKey];
            var at = items.FindIndex(item => JsonNode.DeepEquals(mergeKey is null ? item : (item as JsonObject)?[mergeKey], probe));
            if (at >= 0)
            {
                ordered.Add(items[at]);
                items.RemoveAt(at);
            }
        }

        foreach (var item in ordered.Concat(items))
        {
            list.Add(item);
        }
    }

    /// <summary>Puts <paramref name="value"/> at <paramref name="key"/> (removes the key for null), unless it is there already.</summary>
    private static void Set(JsonObject map, string key, JsonNode? value)
    {
        if (value is null)
        {
            map.Remove(key);
        }
        else if (!ReferenceEquals(map[key], value))
        {
            map[key] = value;
        }
    }

    private static int IndexOf(JsonArray list, string mergeKey, JsonNode key)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is JsonObject item && JsonNode.DeepEquals(item[mergeKey], key))
            {
                return i;
            }
        }

        return -1;
    }

    private static string? Directive(JsonObject map) => map["$patch"] is { } directive ? directive.GetValue<string>() : null;

    /// <summary>A copy of <paramref name="node"/> without directives (what a replaced or added part stores).</summary>
    private static JsonObject Clean(JsonObject node) => (JsonObject)Clean((JsonNode)node)!;

    private static JsonNode? Clean(JsonNode? node) => node switch
    {
        JsonObject map => new JsonObject(map.Where(p => !p.Key.StartsWith('$')).Select(p => KeyValuePair.Create(p.Key, Clean(p.Value)))),
        JsonArray list => new JsonArray([.. list.Select(Clean)]),
        _ => node?.DeepClone(),
    };

    private static string Display(string path) => path.Length == 0 ? "the object" : path;

    private static Dictionary<(ResourceKind, string), string> BuildMergeKeys()
    {
        var keys = new Dictionary<(ResourceKind, string), string>();
        foreach (var kind in Kinds)
        {
            keys[(kind, "metadata.ownerReferences")] = "uid";
        }

        keys[(ResourceKind.Service, "spec.ports")] = "port";
        keys[(ResourceKind.Service, "status.conditions")] = "type";
        keys[(ResourceKind.Namespace, "status.conditions")] = "type";
        keys[(ResourceKind.ServiceCIDR, "status.conditions")] = "type";
        keys[(ResourceKind.Pod, "spec.containers")] = "name";
        keys[(ResourceKind.Pod, "spec.initContainers")] = "name";
        keys[(ResourceKind.Pod, "spec.containers.ports")] = "containerPort";
        keys[(ResourceKind.Pod, "spec.initContainers.ports")] = "containerPort";
        keys[(ResourceKind.Pod, "status.conditions")] = "type";
        keys[(ResourceKind.Pod, "status.podIPs")] = "ip";
        keys[(ResourceKind.Pod, "status.hostIPs")] = "ip";
        keys[(ResourceKind.Node, "status.addresses")] = "type";
        keys[(ResourceKind.Node, "status.conditions")] = "type";
        return keys;
    }

    private static HashSet<(ResourceKind, string)> BuildPrimitiveSets()
    {
        var sets = new HashSet<(ResourceKind, string)>();
        foreach (var kind in Kinds)
        {
            sets.Add((kind, "metadata.finalizers"));
        }

        sets.Add((ResourceKind.Node, "spec.podCIDRs"));
        return sets;
    }
}
