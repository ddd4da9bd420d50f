using ClusterState.Model;

namespace ClusterState.Persistence;

/// <summary>
/// The binary form of every model object (format version 1): the kind, the metadata, then the kind's fields in
/// declaration order. Optional values carry a presence byte; lists and maps a count. Hand-written so that it has
/// no reflection, allocates only the objects it builds, and can be evolved by version: a new field is appended
/// under a new format version and old records keep decoding.
/// </summary>
internal static partial class ObjectCodec
{
    /// <summary>The object format this build writes and reads.</summary>
    public const byte FormatVersion = 1;

    private delegate T ItemReader<out T>(ref BinaryDecoder decoder);

    public static void Write(BinaryEncoder e, ClusterObject obj)
    {
        WriteEnum(e, obj.Kind);
        WriteMeta(e, obj.Metadata);
        switch (obj)
        {
            case Service s:
                WriteServiceSpec(e, s.Spec);
                WriteServiceStatus(e, s.Status);
                break;
            case Endpoints ep:
                WriteList(e, ep.Subsets, WriteSubset);
                break;
            case EndpointSlice slice:
                WriteEnum(e, slice.AddressType);
                WriteList(e, slice.Endpoints, WriteEndpoint);
                WriteList(e, slice.Ports, WriteEndpointPort);
                break;
            case NetworkPolicy policy:
                WritePolicySpec(e, policy.Spec);
                break;
            case ClusterNetworkConfig config:
                WriteNetworkSpec(e, config.Spec);
                break;
            default:
                throw new ArgumentException($"Unknown object type {obj.GetType().Name}.", nameof(obj));
        }
    }

    public static ClusterObject Read(ref BinaryDecoder d)
    {
        var kind = d.ReadEnum<ResourceKind>();
        var meta = ReadMeta(ref d);
        return kind switch
        {
            ResourceKind.Service => new Service { Metadata = meta, Spec = ReadServiceSpec(ref d), Status = ReadServiceStatus(ref d) },
            ResourceKind.Endpoints => new Endpoints { Metadata = meta, Subsets = ReadList(ref d, ReadSubset) },
            ResourceKind.EndpointSlice => new EndpointSlice
            {
                Metadata = meta,
                AddressType = d.ReadEnum<AddressType>(),
                Endpoints = ReadList(ref d, ReadEndpoint),
                Ports = ReadList(ref d, ReadEndpointPort),
            },
            ResourceKind.NetworkPolicy => new NetworkPolicy { Metadata = meta, Spec = ReadPolicySpec(ref d) },
            _ => new ClusterNetworkConfig { Metadata = meta, Spec = ReadNetworkSpec(ref d) },
        };
    }

    private static void WriteMeta(BinaryEncoder e, ObjectMeta m)
    {
        e.WriteString(m.Namespace);
        e.WriteString(m.Name);
        WriteMap(e, m.Labels);
        WriteMap(e, m.Annotations);
        WriteList(e, m.Finalizers, static (e, s) => e.WriteString(s));
        WriteList(e, m.OwnerReferences, static (e, o) =>
        {
            e.WriteString(o.ApiVersion);
            e.WriteString(o.Kind);
            e.WriteString(o.Name);
            e.WriteGuid(o.Uid);
            e.WriteOptionalBool(o.Controller);
            e.WriteOptionalBool(o.BlockOwnerDeletion);
        });
        e.WriteGuid(m.Uid);
        e.WriteVarInt(m.ResourceVersion);
        e.WriteVarInt(m.CreateRevision);
        e.WriteVarInt(m.Version);
        e.WriteVarInt(m.Generation);
        e.WriteVarInt(m.CreationTimestamp.UtcTicks);
    }

    private static ObjectMeta ReadMeta(ref BinaryDecoder d) => new()
    {
        Namespace = d.ReadString(),
        Name = d.ReadString(),
        Labels = ReadMap(ref d),
        Annotations = ReadMap(ref d),
        Finalizers = ReadList(ref d, static (ref BinaryDecoder d) => d.ReadString()),
        OwnerReferences = ReadList(ref d, static (ref BinaryDecoder d) => new OwnerReference
        {
            ApiVersion = d.ReadString(),
            Kind = d.ReadString(),
            Name = d.ReadString(),
            Uid = d.ReadGuid(),
            Controller = d.ReadOptionalBool(),
            BlockOwnerDeletion = d.ReadOptionalBool(),
        }),
        Uid = d.ReadGuid(),
        ResourceVersion = d.ReadVarInt(),
        CreateRevision = d.ReadVarInt(),
        Version = d.ReadVarInt(),
        Generation = d.ReadVarInt(),
        CreationTimestamp = ReadTime(ref d),
    };

    private static DateTimeOffset ReadTime(ref BinaryDecoder d)
    {
        var ticks = d.ReadVarInt();
        return ticks is < 0 or > 3155378975999999999 ? throw d.Corrupt($"{ticks} is not a valid time") : new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    private static void WriteObjectReference(BinaryEncoder e, ObjectReference? r)
    {
        e.WriteBool(r is not null);
        if (r is null)
        {
            return;
        }

        e.WriteOptionalString(r.Kind);
        e.WriteOptionalString(r.Namespace);
        e.WriteOptionalString(r.Name);
        e.WriteOptionalString(r.Uid);
        e.WriteOptionalString(r.ApiVersion);
        e.WriteOptionalString(r.ResourceVersion);
        e.WriteOptionalString(r.FieldPath);
    }

    private static ObjectReference? ReadObjectReference(ref BinaryDecoder d) => !d.ReadBool() ? null : new ObjectReference
    {
        Kind = d.ReadOptionalString(),
        Namespace = d.ReadOptionalString(),
        Name = d.ReadOptionalString(),
        Uid = d.ReadOptionalString(),
        ApiVersion = d.ReadOptionalString(),
        ResourceVersion = d.ReadOptionalString(),
        FieldPath = d.ReadOptionalString(),
    };

    private static void WriteSelector(BinaryEncoder e, LabelSelector? s)
    {
        e.WriteBool(s is not null);
        if (s is null)
        {
            return;
        }

        WriteMap(e, s.MatchLabels);
        WriteList(e, s.MatchExpressions, static (e, r) =>
        {
            e.WriteString(r.Key);
            WriteEnum(e, r.Operator);
            WriteList(e, r.Values, static (e, v) => e.WriteString(v));
        });
    }

    private static LabelSelector? ReadSelector(ref BinaryDecoder d) => !d.ReadBool() ? null : new LabelSelector
    {
        MatchLabels = ReadMap(ref d),
        MatchExpressions = ReadList(ref d, static (ref BinaryDecoder d) => new LabelSelectorRequirement
        {
            Key = d.ReadString(),
            Operator = d.ReadEnum<LabelSelectorOperator>(),
            Values = ReadList(ref d, static (ref BinaryDecoder d) => d.ReadString()),
        }),
    };

    private static void WriteMap(BinaryEncoder e, StringMap map)
    {
        e.WriteVarUInt((ulong)map.Count);
        foreach (var pair in map)
        {
            e.WriteString(pair.Key);
            e.WriteString(pair.Value);
        }
    }

    private static StringMap ReadMap(ref BinaryDecoder d)
    {
        var count = d.ReadCount();
        if (count == 0)
        {
            return default;
        }

        var pairs = new KeyValuePair<string, string>[count];
        for (var i = 0; i < count; i++)
        {
            pairs[i] = new(d.ReadString(), d.ReadString());
        }

        return StringMap.FromOwned(pairs);
    }

    private static void WriteList<T>(BinaryEncoder e, ValueArray<T> items, Action<BinaryEncoder, T> write)
    {
        e.WriteVarUInt((ulong)items.Count);
        foreach (var item in items)
        {
            write(e, item);
        }
    }

    private static ValueArray<T> ReadList<T>(ref BinaryDecoder d, ItemReader<T> read)
    {
        var count = d.ReadCount();
        if (count == 0)
        {
            return default;
        }

        var items = new T[count];
        for (var i = 0; i < count; i++)
        {
            items[i] = read(ref d);
        }

        return new ValueArray<T>(items);
    }

    private static void WriteEnum<TEnum>(BinaryEncoder e, TEnum value)
        where TEnum : struct, Enum => e.WriteVarInt(
            System.Runtime.CompilerServices.Unsafe.SizeOf<TEnum>() == sizeof(int)
                ? System.Runtime.CompilerServices.Unsafe.As<TEnum, int>(ref value)
                : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));

    private static void WriteOptionalEnum<TEnum>(BinaryEncoder e, TEnum? value)
        where TEnum : struct, Enum
    {
        e.WriteBool(value.HasValue);
        if (value is { } v)
        {
            WriteEnum(e, v);
        }
    }

    private static TEnum? ReadOptionalEnum<TEnum>(ref BinaryDecoder d)
        where TEnum : struct, Enum => d.ReadBool() ? d.ReadEnum<TEnum>() : null;

    private static void WriteIntOrString(BinaryEncoder e, IntOrString value)
    {
        if (value.Number is { } n)
        {
            e.WriteByte(1);
            e.WriteVarInt(n);
        }
        else if (value.Name is { } s)
        {
            e.WriteByte(2);
            e.WriteString(s);
        }
        else
        {
            e.WriteByte(0);
        }
    }

    private static IntOrString ReadIntOrString(ref BinaryDecoder d) => d.ReadByte() switch
    {
        0 => default,
        1 => IntOrString.FromNumber(d.ReadInt32()),
        2 => IntOrString.FromName(d.ReadString()),
        var b => throw d.Corrupt($"{b} is not an int-or-string tag"),
    };
}
