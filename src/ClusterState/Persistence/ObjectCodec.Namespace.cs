using ClusterState.Model;

namespace ClusterState.Persistence;

/// <summary>The fields of a Namespace, in declaration order.</summary>
internal static partial class ObjectCodec
{
    internal static void WriteNamespace(BinaryEncoder e, Namespace ns)
    {
        WriteList(e, ns.Spec.Finalizers, static (e, f) => e.WriteString(f));
        WriteOptionalEnum(e, ns.Status.Phase);
        WriteList(e, ns.Status.Conditions, static (e, c) =>
        {
            e.WriteString(c.Type);
            e.WriteString(c.Status);
            WriteOptionalTime(e, c.LastTransitionTime);
            e.WriteOptionalString(c.Reason);
            e.WriteOptionalString(c.Message);
        });
    }

    internal static Namespace ReadNamespace(ref BinaryDecoder d, ObjectMeta meta) => new()
    {
        Metadata = meta,
        Spec = new() { Finalizers = ReadList(ref d, static (ref BinaryDecoder d) => d.ReadString()) },
        Status = new()
        {
            Phase = ReadOptionalEnum<NamespacePhase>(ref d),
            Conditions = ReadList(ref d, static (ref BinaryDecoder d) => new NamespaceCondition
            {
                Type = d.ReadString(),
                Status = d.ReadString(),
                LastTransitionTime = ReadOptionalTime(ref d),
                Reason = d.ReadOptionalString(),
                Message = d.ReadOptionalString(),
            }),
        },
    };
}
