using System.Collections.Concurrent;
using System.Reflection;
using ClusterState.Model;

namespace ClusterState.Kinds;

/// <summary>Finds the kind a type is: a built-in type, or one declared with <see cref="KubernetesKindAttribute"/>.</summary>
internal static class KindTypes
{
    private static readonly ConcurrentDictionary<Type, ResourceKind?> Declared = new();

    public static ResourceKind? Find(Type type)
    {
        if (BuiltInKinds.ByType(type) is { } builtIn)
        {
            return builtIn.Kind;
        }

        return Declared.GetOrAdd(type, static t =>
        {
            if (t.IsAbstract || !typeof(ClusterObject).IsAssignableFrom(t) || t.GetCustomAttribute<KubernetesKindAttribute>(inherit: false) is not { } declared)
            {
                return null;
            }

            return new ResourceKind(declared.Group, declared.Version, declared.Name, declared.Plural, declared.Namespaced);
        });
    }
}
