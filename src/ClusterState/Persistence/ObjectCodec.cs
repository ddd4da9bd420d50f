using ClusterState.Kinds;
using ClusterState.Model;

namespace ClusterState.Persistence;

/// <summary>
/// The binary form of every object: the kind's qualified name, the metadata, then the kind's fields as its
/// <see cref="KindDescriptor"/> writes them (for built-in kinds, in declaration order: optional values carry a
/// presence byte, lists and maps a count). Hand-written so that it has no reflection, allocates only the objects it
/// builds, and can be evolved by version.
/// </summary>
/// <remarks>
/// Format 2 names the kind (<c>EndpointSlice.discovery.k8s.io</c>); format 1, written by the first releases, numbered
/// the five kinds it knew (1 Service to 5 ClusterNetworkConfig) and is still read. The containers (log records,
/// snapshots, replicated requests) say which format their objects are in.
/// </remarks>
internal static partial class ObjectCodec
{
    /// <summary>The object format this build writes.</summary>
    public const byte FormatVersion = 2;

    /// <summary>The first format: kinds as numbers.</summary>
    public const byte LegacyFormatVersion = 1;

    private delegate T ItemReader<out T>(ref BinaryDecoder decoder);

    /// <summary>Writes <paramref name="obj"/> in the current format.</summary>
    /// <exception cref="UnknownKindException">The object's kind is not registered with <paramref name="kinds"/>.</exception>
    public static void Write(BinaryEncoder e, ClusterObject obj, KindRegistry kinds)
    {
        var descriptor = kinds.Get(obj.Kind);
        WriteKind(e, descriptor);
        WriteMeta(e, obj.Metadata);
        descriptor.WriteBody(e, obj);
    }

    /// <summary>Writes a kind's name as the current format does.</summary>
    public static void WriteKind(BinaryEncoder e, KindDescriptor descriptor)
    {
        e.WriteVarUInt((ulong)descriptor.Utf8Name.Length);
        e.WriteBytes(descriptor.Utf8Name);
    }

    /// <summary>Reads an object written in <paramref name="format"/>.</summary>
    /// <exception cref="CorruptDataException">The bytes are not a valid object.</exception>
    /// <exception cref="UnknownKindException">The object is of a kind not registered with <paramref name="kinds"/>.</exception>
    public static ClusterObject Read(ref BinaryDecoder d, KindRegistry kinds, byte format)
    {
        var descriptor = ReadKind(ref d, kinds, format);
        var meta = ReadMeta(ref d, format);
        return descriptor.ReadBody(ref d, meta);
    }

    /// <summary>Reads a kind written in <paramref name="format"/> and finds it in <paramref name="kinds"/>.</summary>
    public static KindDescriptor ReadKind(ref BinaryDecoder d, KindRegistry kinds, byte format)
    {
        if (format == LegacyFormatVersion)
        {
            var number = d.ReadVarInt();
            return BuiltInKinds.ByLegacyNumber(number) is { } legacy ? kinds.Get(legacy) : throw d.Corrupt($"{number} is not a kind");
        }

        var name = d.ReadStringBytes();
        if (kinds.Find(name) is { } descriptor)
        {
            return descriptor;
        }

        var text = System.Text.Encoding.UTF8.GetString(name);
        throw KindRules.IsQualifiedKindName(text) ? UnknownKindException.InData(text, d.Source) : d.Corrupt($"'{text}' is not a kind name");
    }

    internal static void WriteService(BinaryEncoder e, Service s)
    {
        WriteServiceSpec(e, s.Spec);
        WriteServiceStatus(e, s.Status);
    }

    internal static Service ReadService(ref BinaryDecoder d, ObjectMeta meta) =>
        new() { Metadata = meta, Spec = ReadServiceSpec(ref d), Status = ReadServiceStatus(ref d) };

    internal static void WriteEndpoints(BinaryEncoder e, Endpoints ep) => WriteList(e, ep.Subsets, WriteSubset);

    internal static Endpoints ReadEndpoints(ref BinaryDecoder d, ObjectMeta meta) =>
        new() { Metadata = meta, Subsets = ReadList(ref d, ReadSubset) };

    internal static void WriteEndpointSlice(BinaryEncoder e, EndpointSlice slice)
    {
        WriteEnum(e, slice.AddressType);
        WriteList(e, slice.Endpoints, WriteEndpoint);
        WriteList(e, slice.Ports, WriteEndpointPort);
    }

    internal static EndpointSlice ReadEndpointSlice(ref BinaryDecoder d, ObjectMeta meta) => new()
    {
        Metadata = meta,
        AddressType = d.ReadEnum<AddressType>(),
        Endpoints = ReadList(ref d, ReadEndpoint),
        Ports = ReadList(ref d, ReadEndpointPort),
    };

    internal static void WriteNetworkPolicy(BinaryEncoder e, NetworkPolicy policy) => WritePolicySpec(e, policy.Spec);

    internal static NetworkPolicy ReadNetworkPolicy(ref BinaryDecoder d, ObjectMeta meta) =>
        new() { Metadata = meta, Spec = ReadPolicySpec(ref d) };

    internal static void WriteClusterNetworkConfig(BinaryEncoder e, ClusterNetworkConfig config) => WriteNetworkSpec(e, config.Spec);

    internal static ClusterNetworkConfig ReadClusterNetworkConfig(ref BinaryDecoder d, ObjectMeta meta) =>
        new() { Metadata = meta, Spec = ReadNetworkSpec(ref d) };

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
        WriteOptionalTime(e, m.DeletionTimestamp);
    }

    private static ObjectMeta ReadMeta(ref BinaryDecoder d, byte format) => new()
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
        DeletionTimestamp = format == LegacyFormatVersion ? null : ReadOptionalTime(ref d),
    };

    private static void WriteOptionalTime(BinaryEncoder e, DateTimeOffset? time)
    {
        e.WriteBool(time.HasValue);
        if (time is { } t)
        {
            e.WriteVarInt(t.UtcTicks);
        }
    }

    private static DateTimeOffset? ReadOptionalTime(ref BinaryDecoder d) => d.ReadBool() ? ReadTime(ref d) : null;

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
            System.Runtime.CompilerServices.Unsafe.SizeOf<TEnum>() switch
            {
                sizeof(int) => System.Runtime.CompilerServices.Unsafe.As<TEnum, int>(ref value),
                sizeof(byte) => System.Runtime.CompilerServices.Unsafe.As<TEnum, byte>(ref value),
                _ => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
            });

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
