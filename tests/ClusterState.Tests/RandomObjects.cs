using System.Reflection;
using ClusterState.Model;

namespace ClusterState.Tests;

/// <summary>
/// Builds objects with every property set to a random value, by reflection, so that a test over them covers every
/// field of the model, including fields added later.
/// </summary>
internal sealed class RandomObjects(int seed)
{
    private readonly Random _random = new(seed);

    public ClusterObject Any() => _random.Next(5) switch
    {
        0 => Fill<Service>(),
        1 => Fill<Endpoints>(),
        2 => Fill<EndpointSlice>(),
        3 => Fill<NetworkPolicy>(),
        _ => Fill<ClusterNetworkConfig>(),
    };

    public T Fill<T>() => (T)Value(typeof(T), 0)!;

    private object? Value(Type type, int depth)
    {
        var nullable = Nullable.GetUnderlyingType(type);
        if (nullable is not null)
        {
            return _random.Next(4) == 0 ? null : Value(nullable, depth);
        }

        if (type == typeof(string))
        {
            return Text();
        }

        if (type == typeof(int))
        {
            return _random.Next(-5, 70000);
        }

        if (type == typeof(long))
        {
            return _random.NextInt64(-1_000_000, long.MaxValue / 2);
        }

        if (type == typeof(bool))
        {
            return _random.Next(2) == 0;
        }

        if (type == typeof(Guid))
        {
            return Guid.NewGuid();
        }

        if (type == typeof(DateTimeOffset))
        {
            return new DateTimeOffset(_random.NextInt64(0, DateTime.MaxValue.Ticks), TimeSpan.Zero);
        }

        if (type.IsEnum)
        {
            var values = Enum.GetValues(type);
            return values.GetValue(_random.Next(values.Length));
        }

        if (type == typeof(IntOrString))
        {
            return _random.Next(3) switch { 0 => default(IntOrString), 1 => IntOrString.FromNumber(_random.Next(1, 65536)), _ => IntOrString.FromName(Text()) };
        }

        if (type == typeof(StringMap))
        {
            return StringMap.Create(Enumerable.Range(0, _random.Next(depth > 3 ? 1 : 4)).Select(_ => KeyValuePair.Create(Text(), Text())).ToArray());
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueArray<>))
        {
            var item = type.GetGenericArguments()[0];
            var count = _random.Next(depth > 3 ? 1 : 3);
            var array = Array.CreateInstance(item, count);
            for (var i = 0; i < count; i++)
            {
                array.SetValue(Value(item, depth + 1) ?? Value(item, depth + 1) ?? Value(item, depth + 1), i);
            }

            return typeof(ValueArray).GetMethod(nameof(ValueArray.From))!.MakeGenericMethod(item).Invoke(null, [array]);
        }

        if (!type.IsClass || type.IsAbstract)
        {
            throw new NotSupportedException(type.Name);
        }

        var obj = Activator.CreateInstance(type)!;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is null || !property.SetMethod.IsPublic)
            {
                continue;
            }

            var value = Value(property.PropertyType, depth + 1);
            if (value is null && !IsNullable(property))
            {
                value = Value(property.PropertyType, depth + 1) ?? Value(property.PropertyType, depth + 1);
            }

            if (value is null && !IsNullable(property))
            {
                continue;
            }

            property.SetValue(obj, value);
        }

        return obj;
    }

    private static bool IsNullable(PropertyInfo property) =>
        Nullable.GetUnderlyingType(property.PropertyType) is not null
        || new NullabilityInfoContext().Create(property).WriteState == NullabilityState.Nullable;

    private string Text()
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-._/ äé漢😀";
        var length = _random.Next(0, 12);
        var chars = new System.Text.StringBuilder();
        for (var i = 0; i < length; i++)
        {
            var c = Alphabet[_random.Next(Alphabet.Length)];
            if (char.IsHighSurrogate(c) || char.IsLowSurrogate(c))
            {
                chars.Append("😀");
            }
            else
            {
                chars.Append(c);
            }
        }

        return chars.ToString();
    }
}
