using System.Text.Json.Serialization;
using ClusterState.Model;

namespace ClusterState.Tests.Kinds;

/// <summary>A kind of a program's own, as a user would declare it.</summary>
[KubernetesKind("gateway.example.com", "v1", "Gateway", "gateways")]
public sealed record Gateway : ClusterObject
{
    public GatewaySpec Spec { get; init; } = new();

    public static Gateway Create(string name = "edge", string ns = "default", int port = 443) => new()
    {
        Metadata = new() { Namespace = ns, Name = name, Labels = StringMap.Of(("tier", "edge")) },
        Spec = new() { ClassName = "envoy", Port = port, Hostnames = ["a.example.com"], Listeners = [new GatewayListener { Name = "https", Port = port }] },
    };

    /// <summary>The kind's own rules, with field paths from the object's root.</summary>
    public static IEnumerable<ValidationError> Validate(Gateway gateway)
    {
        if (gateway.Spec.Port is < 1 or > 65535)
        {
            yield return new ValidationError("spec.port", "must be between 1 and 65535, inclusive");
        }

        if (string.IsNullOrEmpty(gateway.Spec.ClassName))
        {
            yield return new ValidationError("spec.className", "Required value");
        }
    }
}

public sealed record GatewaySpec
{
    public string ClassName { get; init; } = string.Empty;

    public int Port { get; init; }

    public ValueArray<string> Hostnames { get; init; }

    public ValueArray<GatewayListener> Listeners { get; init; }

    public StringMap Options { get; init; }
}

public sealed record GatewayListener
{
    public string Name { get; init; } = string.Empty;

    public int Port { get; init; }
}

/// <summary>A cluster-scoped kind of a program's own.</summary>
[KubernetesKind("tenancy.example.com", "v1alpha1", "Tenant", "tenants", Namespaced = false)]
public sealed record Tenant : ClusterObject
{
    public string Owner { get; init; } = string.Empty;
}

/// <summary>A kind whose serializer loses a field: the store must refuse what it cannot read back.</summary>
[KubernetesKind("lossy.example.com", "v1", "Lossy", "lossies")]
public sealed record Lossy : ClusterObject
{
    public string Kept { get; init; } = string.Empty;

    [JsonIgnore]
    public string Dropped { get; init; } = string.Empty;
}

/// <summary>A record that derives from the base type but declares no kind.</summary>
public sealed record Undeclared : ClusterObject;

[JsonSerializable(typeof(Gateway))]
[JsonSerializable(typeof(GatewayListener))]
[JsonSerializable(typeof(Tenant))]
[JsonSerializable(typeof(Lossy))]
internal sealed partial class UserKindsJson : JsonSerializerContext;

internal static class UserKinds
{
    public static ClusterStoreOptions Register(ClusterStoreOptions options) => options
        .AddKind(KindSerializer.Json<Gateway>(UserKindsJson.Default), Gateway.Validate)
        .AddKind(KindSerializer.Json<Tenant>(UserKindsJson.Default));
}
