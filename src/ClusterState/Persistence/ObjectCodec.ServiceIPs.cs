using ClusterState.Model;

namespace ClusterState.Persistence;

/// <summary>The fields of ServiceCIDR and IPAddress, the objects that describe service IP allocation.</summary>
internal static partial class ObjectCodec
{
    internal static void WriteServiceCIDR(BinaryEncoder e, ServiceCIDR cidr)
    {
        WriteList(e, cidr.Spec.CIDRs, static (e, c) => e.WriteString(c));
        WriteList(e, cidr.Status.Conditions, WriteCondition);
    }

    internal static ServiceCIDR ReadServiceCIDR(ref BinaryDecoder d, ObjectMeta meta) => new()
    {
        Metadata = meta,
        Spec = new() { CIDRs = ReadList(ref d, static (ref BinaryDecoder d) => d.ReadString()) },
        Status = new() { Conditions = ReadList(ref d, ReadCondition) },
    };

    internal static void WriteIPAddress(BinaryEncoder e, Model.IPAddress address)
    {
        var parent = address.Spec.ParentRef;
        e.WriteBool(parent is not null);
        if (parent is not null)
        {
            e.WriteOptionalString(parent.Group);
            e.WriteString(parent.Resource);
            e.WriteOptionalString(parent.Namespace);
            e.WriteString(parent.Name);
        }
    }

    internal static Model.IPAddress ReadIPAddress(ref BinaryDecoder d, ObjectMeta meta) => new()
    {
        Metadata = meta,
        Spec = new()
        {
            ParentRef = !d.ReadBool() ? null : new ParentReference
            {
                Group = d.ReadOptionalString(),
                Resource = d.ReadString(),
                Namespace = d.ReadOptionalString(),
                Name = d.ReadString(),
            },
        },
    };
}
