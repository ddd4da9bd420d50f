using System.Text.Json.Serialization;
using ClusterState.Model;

namespace ClusterState.Serialization;

/// <summary>
/// The generated writer of an <see cref="Endpoint"/>, with <see cref="KubernetesJsonContext"/>'s options but without
/// <see cref="EndpointJsonConverter"/>, which reads endpoints by hand and writes them through this.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(EndpointHintsJsonConverter)])]
[JsonSerializable(typeof(Endpoint))]
internal sealed partial class EndpointWriteContext : JsonSerializerContext;
