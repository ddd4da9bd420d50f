using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClusterState.Kubernetes.Api;

/// <summary>The two patch formats Kubernetes takes besides its strategic merge: JSON merge patch (RFC 7386) and JSON patch (RFC 6902).</summary>
internal static class JsonPatches
{
    /// <summary>Applies a JSON merge patch: objects merge key by key, null removes a key, anything else replaces.</summary>
    public static JsonNode? Merge(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject ?? new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                var merged = Merge(result[key]?.DeepClone(), value);
                result[key] = merged;
            }
        }

        return result;
    }

    /// <summary>Applies a JSON patch: a list of add, remove, replace, move, copy and test operations on JSON pointers.</summary>
    /// <exception cref="JsonException">An operation is malformed, names a path that does not exist, or a test fails.</exception>
    public static JsonNode Apply(JsonNode document, JsonArray operations)
    {
        foreach (var operation in operations)
        {
            if (operation is not JsonObject op || op["op"]?.GetValue<string>() is not { } kind || op["path"]?.GetValue<string>() is not { } path)
            {
                throw new JsonException("A JSON patch operation needs \"op\" and \"path\".");
            }

            switch (kind)
            {
                case "add":
                    Add(document, path, op["value"]?.DeepClone());
                    break;
                case "remove":
                    Remove(document, path);
                    break;
                case "replace":
                    Remove(document, path);
                    Add(document, path, op["value"]?.DeepClone());
                    break;
                case "move":
                    var moved = Get(document, From(op));
                    Remove(document, From(op));
                    Add(document, path, moved?.DeepClone());
                    break;
                case "copy":
                    Add(document, path, Get(document, From(op))?.DeepClone());
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(document, path), op["value"]))
                    {
                        throw new JsonException($"The test of {path} failed.");
                    }

                    break;
                default:
                    throw new JsonException($"\"{kind}\" is not a JSON patch operation.");
            }
        }

        return document;
    }

    private static string From(JsonObject op) => op["from"]?.GetValue<string>() ?? throw new JsonException("A move or copy needs \"from\".");

    private static string[] Segments(string pointer) =>
        pointer.Length == 0 ? [] : pointer[0] != '/' ? throw new JsonException($"\"{pointer}\" is not a JSON pointer.")
            : [.. pointer[1..].Split('/').Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];

    private static JsonNode? Get(JsonNode document, string pointer)
    {
        JsonNode? node = document;
        foreach (var segment in Segments(pointer))
        {
            node = node switch
            {
                JsonObject obj when obj.TryGetPropertyValue(segment, out var child) => child,
                JsonArray array when int.TryParse(segment, out var index) && index >= 0 && index < array.Count => array[index],
                _ => throw new JsonException($"The path {pointer} does not exist."),
            };
        }

        return node;
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode document, string pointer)
    {
        var segments = Segments(pointer);
        if (segments.Length == 0)
        {
            throw new JsonException("A patch cannot replace the whole object.");
        }

        var parent = Get(document, "/" + string.Join('/', segments[..^1].Select(s => s.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal))));
        return (parent ?? throw new JsonException($"The parent of {pointer} does not exist."), segments[^1]);
    }

    private static void Add(JsonNode document, string pointer, JsonNode? value)
    {
        var (parent, last) = Parent(document, pointer);
        switch (parent)
        {
            case JsonObject obj:
                obj[last] = value;
                break;
            case JsonArray array when last == "-":
                array.Add(value);
                break;
            case JsonArray array when int.TryParse(last, out var index) && index >= 0 && index <= array.Count:
                array.Insert(index, value);
                break;
            default:
                throw new JsonException($"Cannot add at {pointer}.");
        }
    }

    private static void Remove(JsonNode document, string pointer)
    {
        var (parent, last) = Parent(document, pointer);
        switch (parent)
        {
            case JsonObject obj when obj.ContainsKey(last):
                obj.Remove(last);
                break;
            case JsonArray array when int.TryParse(last, out var index) && index >= 0 && index < array.Count:
                array.RemoveAt(index);
                break;
            default:
                throw new JsonException($"The path {pointer} does not exist.");
        }
    }
}
