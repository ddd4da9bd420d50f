using ClusterState.Model;

namespace ClusterState.Persistence;

/// <summary>The fields of a Pod, in declaration order.</summary>
internal static partial class ObjectCodec
{
    internal static void WritePod(BinaryEncoder e, Pod pod)
    {
        var spec = pod.Spec;
        e.WriteOptionalString(spec.NodeName);
        e.WriteBool(spec.HostNetwork);
        WriteList(e, spec.Containers, static (e, c) =>
        {
            e.WriteString(c.Name);
            e.WriteString(c.Image);
            WriteList(e, c.Ports, static (e, p) =>
            {
                e.WriteOptionalString(p.Name);
                e.WriteVarInt(p.Port);
                WriteEnum(e, p.Protocol);
                e.WriteOptionalInt(p.HostPort);
                e.WriteOptionalString(p.HostIP);
            });
        });

        var status = pod.Status;
        WriteOptionalEnum(e, status.Phase);
        e.WriteOptionalString(status.PodIP);
        WriteList(e, status.PodIPs, static (e, ip) => e.WriteString(ip.IP));
        e.WriteOptionalString(status.HostIP);
        WriteList(e, status.HostIPs, static (e, ip) => e.WriteString(ip.IP));
        WriteList(e, status.Conditions, static (e, c) =>
        {
            e.WriteString(c.Type);
            e.WriteString(c.Status);
            WriteOptionalTime(e, c.LastProbeTime);
            WriteOptionalTime(e, c.LastTransitionTime);
            e.WriteOptionalString(c.Reason);
            e.WriteOptionalString(c.Message);
        });
    }

    internal static Pod ReadPod(ref BinaryDecoder d, ObjectMeta meta) => new()
    {
        Metadata = meta,
        Spec = new()
        {
            NodeName = d.ReadOptionalString(),
            HostNetwork = d.ReadBool(),
            Containers = ReadList(ref d, static (ref BinaryDecoder d) => new Container
            {
                Name = d.ReadString(),
                Image = d.ReadString(),
                Ports = ReadList(ref d, static (ref BinaryDecoder d) => new ContainerPort
                {
                    Name = d.ReadOptionalString(),
                    Port = d.ReadInt32(),
                    Protocol = d.ReadEnum<Protocol>(),
                    HostPort = d.ReadOptionalInt(),
                    HostIP = d.ReadOptionalString(),
                }),
            }),
        },
        Status = new()
        {
            Phase = ReadOptionalEnum<PodPhase>(ref d),
            PodIP = d.ReadOptionalString(),
            PodIPs = ReadList(ref d, ReadPodIP),
            HostIP = d.ReadOptionalString(),
            HostIPs = ReadList(ref d, ReadPodIP),
            Conditions = ReadList(ref d, static (ref BinaryDecoder d) => new PodCondition
            {
                Type = d.ReadString(),
                Status = d.ReadString(),
                LastProbeTime = ReadOptionalTime(ref d),
                LastTransitionTime = ReadOptionalTime(ref d),
                Reason = d.ReadOptionalString(),
                Message = d.ReadOptionalString(),
            }),
        },
    };

    private static PodIP ReadPodIP(ref BinaryDecoder d) => new() { IP = d.ReadString() };
}
