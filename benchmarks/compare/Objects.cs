using System.Text.Json;
using ClusterState.Model;

namespace ClusterState.Comparison;

/// <summary>
/// The object every workload writes: a Service with labels, a selector and two ports, as a typed record for
/// ClusterState and as the JSON a Kubernetes API server would store for etcd (about 400 bytes).
/// </summary>
internal static class Objects
{
    public const string Prefix = "/registry/services/";

    public static string Name(int i) => "svc-" + i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    public static int IndexOf(string name) => int.Parse(name.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture);

    public static string Key(string ns, int i) => Prefix + ns + "/" + Name(i);

    /// <summary>The key range etcd lists for one namespace: [prefix, prefix with its last byte + 1).</summary>
    public static (string Start, string End) Range(string ns) => (Prefix + ns + "/", Prefix + ns + "0");

    public static Service Service(string ns, int i) => new()
    {
        Metadata = new()
        {
            Namespace = ns,
            Name = Name(i),
            Labels = StringMap.Of(("app", Name(i)), ("tier", i % 2 == 0 ? "front" : "back")),
        },
        Spec = new()
        {
            ClusterIP = $"10.96.{i / 250 % 250}.{i % 250 + 1}",
            Selector = StringMap.Of(("app", Name(i))),
            Ports = [new ServicePort { Name = "http", Port = 80, TargetPort = 8080 }, new ServicePort { Name = "https", Port = 443, TargetPort = 8443 }],
        },
    };

    public static byte[] Json(Service service)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("apiVersion", "v1");
            json.WriteString("kind", "Service");
            json.WriteStartObject("metadata");
            json.WriteString("name", service.Metadata.Name);
            json.WriteString("namespace", service.Metadata.Namespace);
            json.WriteString("uid", Guid.NewGuid().ToString());
            json.WriteString("creationTimestamp", "2026-01-01T00:00:00Z");
            WriteMap(json, "labels", service.Metadata.Labels);
            json.WriteEndObject();
            json.WriteStartObject("spec");
            json.WriteString("type", "ClusterIP");
            json.WriteString("clusterIP", service.Spec.ClusterIP);
            json.WriteStartArray("clusterIPs");
            json.WriteStringValue(service.Spec.ClusterIP);
            json.WriteEndArray();
            WriteMap(json, "selector", service.Spec.Selector);
            json.WriteStartArray("ports");
            foreach (var port in service.Spec.Ports)
            {
                json.WriteStartObject();
                json.WriteString("name", port.Name);
                json.WriteString("protocol", "TCP");
                json.WriteNumber("port", port.Port);
                json.WriteNumber("targetPort", port.TargetPort.Number ?? 0);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("sessionAffinity", "None");
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteMap(Utf8JsonWriter json, string name, StringMap map)
    {
        json.WriteStartObject(name);
        foreach (var (key, value) in map)
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
    }

}
