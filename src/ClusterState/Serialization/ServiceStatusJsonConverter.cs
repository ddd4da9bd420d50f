using System.Text.Json;
using System.Text.Json.Serialization;
using ClusterState.Model;

namespace ClusterState.Serialization;

/// <summary><c>status: {loadBalancer: {ingress: [...]}, conditions: [...]}</c>, as Kubernetes nests a Service's status.</summary>
internal sealed class ServiceStatusJsonConverter : JsonConverter<ServiceStatus>
{
    public override ServiceStatus? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var status = new ServiceStatus();
        JsonObjects.ReadObject(ref reader, (ref Utf8JsonReader r, string name) =>
        {
            switch (name)
            {
                case "loadBalancer":
                    JsonObjects.ReadObject(ref r, (ref Utf8JsonReader inner, string field) =>
                    {
                        if (field == "ingress")
                        {
                            status = status with { LoadBalancerIngress = JsonObjects.Read<ValueArray<LoadBalancerIngress>>(ref inner, options) };
                        }
                        else
                        {
                            inner.Skip();
                        }
                    });
                    break;
                case "conditions":
                    status = status with { Conditions = JsonObjects.Read<ValueArray<Condition>>(ref r, options) };
                    break;
                default:
                    r.Skip();
                    break;
            }
        });
        return status;
    }

    public override void Write(Utf8JsonWriter writer, ServiceStatus value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("loadBalancer");
        if (!value.LoadBalancerIngress.IsEmpty)
        {
            writer.WritePropertyName("ingress");
            JsonObjects.Write(writer, value.LoadBalancerIngress, options);
        }

        writer.WriteEndObject();
        if (!value.Conditions.IsEmpty)
        {
            writer.WritePropertyName("conditions");
            JsonObjects.Write(writer, value.Conditions, options);
        }

        writer.WriteEndObject();
    }
}
