using ClusterState.Model;

namespace ClusterState.Validation;

/// <summary>Kubernetes' Namespace rules (<c>ValidateNamespace</c>).</summary>
internal static class NamespaceValidator
{
    /// <summary>The finalizer Kubernetes itself puts on namespaces; any other must be a qualified name with a prefix.</summary>
    public const string StandardFinalizer = "kubernetes";

    public static void Validate(ValidationContext context, Namespace ns)
    {
        CommonValidation.Metadata(context, ns.Metadata, namespaced: false, Rules.DnsLabel);
        if (ns.Spec is not { } spec)
        {
            context.Error("spec", "Required value");
            return;
        }

        using (context.Enter("spec"))
        {
            for (var i = 0; i < spec.Finalizers.Count; i++)
            {
                using var item = context.Enter("finalizers", i);
                var finalizer = spec.Finalizers[i];
                if (string.IsNullOrEmpty(finalizer))
                {
                    context.Error(string.Empty, "Required value");
                    continue;
                }

                context.Measure(string.Empty, finalizer);
                if (Rules.QualifiedName(finalizer) is { } error)
                {
                    context.Error(string.Empty, $"Invalid value: \"{finalizer}\": {error}");
                }
                else if (!finalizer.Contains('/', StringComparison.Ordinal) && finalizer != StandardFinalizer)
                {
                    context.Error(string.Empty, $"Invalid value: \"{finalizer}\": name is neither a standard finalizer name nor is it fully qualified");
                }
            }
        }

        if (ns.Status is not { } status)
        {
            context.Error("status", "Required value");
            return;
        }

        using var statusScope = context.Enter("status");
        if (status.Phase is { } phase)
        {
            context.Enum("phase", phase);
        }

        CommonValidation.Conditions(context, status.Conditions, static c => (c.Type, c.Status, c.Reason, c.Message));
    }
}
