using System.Text;
using ClusterState.Kubernetes;
using ClusterState.Model;

namespace ClusterState.Cli;

/// <summary>Objects as kubectl prints them: YAML (the default) or JSON, one object or a <c>kind: List</c>.</summary>
internal static class Output
{
    public static bool IsKnown(string format) => format is "yaml" or "json";

    public static string One(ClusterObject obj, string format) =>
        format == "json" ? KubernetesJson.Serialize(obj, indented: true) + Environment.NewLine : Manifests.ToYaml(obj);

    /// <summary>A list at <paramref name="revision"/>: JSON <c>{"kind":"List",...}</c>, or multi-document YAML (what <c>kubectl apply -f</c> reads).</summary>
    public static string Many(IReadOnlyList<ClusterObject> objects, long revision, string format)
    {
        if (format != "json")
        {
            return objects.Count == 0 ? string.Empty : Manifests.ToYaml(objects);
        }

        var text = new StringBuilder();
        text.Append("{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"metadata\": {\n    \"resourceVersion\": \"")
            .Append(revision.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Append("\"\n  },\n  \"items\": [");
        for (var i = 0; i < objects.Count; i++)
        {
            var item = KubernetesJson.Serialize(objects[i], indented: true).Replace("\n", "\n    ", StringComparison.Ordinal);
            text.Append(i == 0 ? "\n    " : ",\n    ").Append(item);
        }

        text.Append(objects.Count == 0 ? "]\n}\n" : "\n  ]\n}\n");
        return text.ToString();
    }
}
