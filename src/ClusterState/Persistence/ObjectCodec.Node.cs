using ClusterState.Model;

namespace ClusterState.Persistence;

/// <summary>The fields of a Node, in declaration order.</summary>
internal static partial class ObjectCodec
{
    internal static void WriteNode(BinaryEncoder e, Node node)
    {
        var spec = node.Spec;
        e.WriteOptionalString(spec.PodCIDR);
        WriteList(e, spec.PodCIDRs, static (e, c) => e.WriteString(c));
        e.WriteBool(spec.Unschedulable);
        e.WriteOptionalString(spec.ProviderID);
        WriteList(e, node.Status.Addresses, static (e, a) =>
        {
            WriteEnum(e, a.Type);
            e.WriteString(a.Address);
        });
        WriteList(e, node.Status.Conditions, static (e, c) =>
        {
            e.WriteString(c.Type);
            e.WriteString(c.Status);
            WriteOptionalTime(e, c.LastHeartbeatTime);
            WriteOptionalTime(e, c.LastTransitionTime);
            e.WriteOptionalString(c.Reason);
            e.WriteOptionalString(c.Message);
        });
    }

    internal static Node ReadNode(ref BinaryDecoder d, ObjectMeta meta) => new()
    {
        Metadata = meta,
        Spec = new()
        {
            PodCIDR = d.ReadOptionalString(),
            PodCIDRs = ReadList(ref d, static (ref BinaryDecoder d) => d.ReadString()),
            Unschedulable = d.ReadBool(),
            ProviderID = d.ReadOptionalString(),
        },
        Status = new()
        {
            Addresses = ReadList(ref d, static (ref BinaryDecoder d) => new NodeAddress { Type = d.ReadEnum<NodeAddressType>(), Address = d.ReadString() }),
            Conditions = ReadList(ref d, static (ref BinaryDecoder d) => new NodeCondition
            {
                Type = d.ReadString(),
                Status = d.ReadString(),
                LastHeartbeatTime = ReadOptionalTime(ref d),
                LastTransitionTime = ReadOptionalTime(ref d),
                Reason = d.ReadOptionalString(),
                Message = d.ReadOptionalString(),
            }),
        },
    };
}
