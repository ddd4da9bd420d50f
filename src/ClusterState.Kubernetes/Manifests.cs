using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ClusterState.Model;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace ClusterState.Kubernetes;

/// <summary>
/// Kubernetes manifests: multi-document YAML or JSON (a <c>kind: List</c> is its items) read into objects, and objects
/// written as YAML the way <c>kubectl get -o yaml</c> writes them. Objects go through <see cref="KubernetesJson"/>,
/// so the same fields, names and rules apply.
/// </summary>
public static partial class Manifests
{
    /// <summary>Reads every object of a manifest: YAML documents separated by <c>---</c>, or JSON; lists are expanded.</summary>
    /// <exception cref="FormatException">The text is not YAML or JSON, or an object does not fit its kind; the message names the document.</exception>
    /// <exception cref="UnknownKindException">A document names an <c>apiVersion</c> and <c>kind</c> that is not a built-in kind.</exception>
    public static IReadOnlyList<ClusterObject> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new FormatException($"The manifest is not YAML or JSON: {ex.Message}", ex);
        }

        var objects = new List<ClusterObject>();
        for (var i = 0; i < stream.Documents.Count; i++)
        {
            if (ToJson(stream.Documents[i].RootNode) is not JsonObject root)
            {
                continue;
            }

            Add(root, objects, $"document {i + 1}");
        }

        return objects;
    }

    /// <summary>Reads every manifest file (<c>.yaml</c>, <c>.yml</c>, <c>.json</c>) of a directory, in name order.</summary>
    /// <exception cref="FormatException">A file is not a manifest; the message names it.</exception>
    public static IReadOnlyList<ClusterObject> ParseDirectory(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var objects = new List<ClusterObject>();
        foreach (var file in Directory.EnumerateFiles(path).Where(IsManifest).Order(StringComparer.Ordinal))
        {
            try
            {
                objects.AddRange(Parse(File.ReadAllText(file)));
            }
            catch (FormatException ex)
            {
                throw new FormatException($"{file}: {ex.Message}", ex);
            }
        }

        return objects;
    }

    /// <summary>The objects as YAML documents separated by <c>---</c>, fields in Kubernetes' order.</summary>
    public static string ToYaml(IEnumerable<ClusterObject> objects)
    {
        ArgumentNullException.ThrowIfNull(objects);
        var text = new StringWriter(CultureInfo.InvariantCulture);
        var emitter = new Emitter(text, new EmitterSettings().WithBestIndent(2));
        emitter.Emit(new StreamStart());
        var first = true;
        foreach (var obj in objects)
        {
            emitter.Emit(new DocumentStart(null, null, isImplicit: first));
            Emit(emitter, JsonNode.Parse(KubernetesJson.Serialize(obj)));
            emitter.Emit(new DocumentEnd(isImplicit: true));
            first = false;
        }

        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    /// <summary>One object as YAML.</summary>
    public static string ToYaml(ClusterObject obj) => ToYaml([obj]);

    private static bool IsManifest(string file) =>
        Path.GetExtension(file).ToLowerInvariant() is ".yaml" or ".yml" or ".json";

    private static void Add(JsonObject root, List<ClusterObject> objects, string where)
    {
        if (root["kind"]?.GetValueKind() == JsonValueKind.String && root["kind"]!.GetValue<string>() == "List")
        {
            if (root["items"] is JsonArray items)
            {
                for (var i = 0; i < items.Count; i++)
                {
                    if (items[i] is JsonObject item)
                    {
                        Add(item, objects, $"{where}, item {i + 1}");
                    }
                }
            }

            return;
        }

        try
        {
            objects.Add(KubernetesJson.Deserialize(root.ToJsonString()));
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{where}: {ex.Message}", ex);
        }
    }

    /// <summary>A YAML node as JSON, resolving plain scalars as YAML 1.2's core schema does (null, booleans, numbers).</summary>
    private static JsonNode? ToJson(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    obj[((YamlScalarNode)key).Value ?? string.Empty] = ToJson(value);
                }

                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                foreach (var item in sequence.Children)
                {
                    array.Add(ToJson(item));
                }

                return array;
            case YamlScalarNode scalar:
                var text = scalar.Value ?? string.Empty;
                if (scalar.Style is ScalarStyle.Plain or ScalarStyle.Any)
                {
                    if (text is "" or "~" or "null" or "Null" or "NULL")
                    {
                        return null;
                    }

                    if (text is "true" or "True" or "TRUE")
                    {
                        return JsonValue.Create(true);
                    }

                    if (text is "false" or "False" or "FALSE")
                    {
                        return JsonValue.Create(false);
                    }

                    if (Integer().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                    {
                        return JsonValue.Create(number);
                    }

                    if (Float().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
                    {
                        return JsonValue.Create(real);
                    }
                }

                return JsonValue.Create(text);
            default:
                return null;
        }
    }

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                // Keys in order, as kubectl writes them.
                emitter.Emit(new MappingStart());
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    emitter.Emit(new Scalar(key));
                    Emit(emitter, value);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonArray array:
                emitter.Emit(new SequenceStart(null, null, false, SequenceStyle.Block));
                foreach (var item in array)
                {
                    Emit(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();

                // A string that would read back as another type (or is empty) is quoted, as kubectl does.
                var quoted = text.Length == 0 || ToJson(new YamlScalarNode(text)) is not JsonValue v || v.GetValueKind() != JsonValueKind.String || NeedsQuotes(text);
                emitter.Emit(new Scalar(null, null, text, quoted ? ScalarStyle.DoubleQuoted : ScalarStyle.Any, !quoted, quoted));
                break;
            case JsonValue value:
                emitter.Emit(new Scalar(value.ToJsonString()));
                break;
            default:
                emitter.Emit(new Scalar("null"));
                break;
        }
    }

    /// <summary>
    /// Strings a YAML 1.1 reader (kubectl's) would take for something else — a timestamp, yes/no/on/off — or that
    /// have surrounding blanks or line breaks: quoted, as kubectl quotes them.
    /// </summary>
    private static bool NeedsQuotes(string text) =>
        text.Trim() != text || text.Contains('\n', StringComparison.Ordinal) || Timestamp().IsMatch(text)
        || text is "y" or "Y" or "yes" or "Yes" or "YES" or "n" or "N" or "no" or "No" or "NO" or "on" or "On" or "ON" or "off" or "Off" or "OFF";

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")]
    private static partial Regex Timestamp();

    [GeneratedRegex("^[-+]?(0|[1-9][0-9]*)$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
