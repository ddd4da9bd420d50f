using System.Collections.Concurrent;
using ClusterState.Model;

namespace ClusterState.Kinds;

/// <summary>
/// The kinds of a program's own registered in this process (by <see cref="ClusterStoreOptions.AddKind{T}"/>) whose
/// serializer writes JSON: what <see cref="KubernetesJson"/> reads and writes beside the built-in kinds. A kind is a
/// type with one <see cref="Model.KubernetesKindAttribute"/>, so its identity is process-wide; the latest registration
/// of a type is the one used.
/// </summary>
internal static class RegisteredKinds
{
    private static readonly ConcurrentDictionary<Type, KindDescriptor> ByType = new();
    private static readonly ConcurrentDictionary<(string ApiVersion, string Kind), KindDescriptor> ByName = new();

    public static void Add(KindDescriptor descriptor)
    {
        if (!descriptor.HasKubernetesBody)
        {
            return;
        }

        ByType[descriptor.ClrType] = descriptor;
        ByName[(descriptor.Kind.ApiVersion, descriptor.Kind.Name)] = descriptor;
    }

    public static KindDescriptor? Find(Type type) => ByType.GetValueOrDefault(type);

    public static KindDescriptor? Find(string apiVersion, string kind) => ByName.GetValueOrDefault((apiVersion, kind));

    public static bool Contains(ResourceKind kind) => ByName.TryGetValue((kind.ApiVersion, kind.Name), out var found) && found.Kind == kind;
}
