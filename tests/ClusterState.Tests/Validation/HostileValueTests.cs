using ClusterState.Kinds;
using System.Collections;
using System.Reflection;
using ClusterState.Model;
using ClusterState.Tests.Persistence;
using ClusterState.Validation;

namespace ClusterState.Tests.Validation;

/// <summary>
/// Every string and every object reference of every kind, found by reflection over valid objects that set every
/// field: a null where the model says non-null, and a lone surrogate in any string, must be refused by validation
/// with a field path — never pass, never fail later in the log encoder, never leave anything stored.
/// </summary>
public sealed class HostileValueTests
{
    private static readonly NullabilityInfoContext Nullability = new();

    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (var root in FullObjects.All())
        {
            foreach (var (path, value, label) in Slots(root))
            {
                yield return new TestCaseData(root, path, value).SetArgDisplayNames($"{root.Kind}.{label}");
            }
        }
    }

    [Test]
    public void The_full_objects_are_valid()
    {
        foreach (var obj in FullObjects.All())
        {
            Assert.DoesNotThrow(() => ObjectValidator.Validate(obj, long.MaxValue, KindRegistry.BuiltIn), obj.Kind.ToString());
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void A_null_or_a_lone_surrogate_is_refused_with_its_field_path(ClusterObject root, Step[] path, object? value)
    {
        var hostile = (ClusterObject)Rebuild(root, path, 0, value)!;
        var error = Assert.Throws<ValidationException>(() => ObjectValidator.Validate(hostile, long.MaxValue, KindRegistry.BuiltIn));
        Assert.That(error!.Errors, Is.Not.Empty);
        Assert.That(error.Errors.Select(e => e.Field), Has.Some.Not.Empty);
    }

    [Test]
    public async Task A_durable_store_refuses_every_hostile_value_and_reopens_with_nothing_of_them()
    {
        using var dir = new TempDirectory();
        var options = new ClusterStoreOptions { DataDirectory = dir.Path };
        var refused = 0;
        using (var store = new ClusterStore(options))
        {
            foreach (var root in FullObjects.All())
            {
                foreach (var (path, value, label) in Slots(root))
                {
                    var hostile = (ClusterObject)Rebuild(root, path, 0, value)!;
                    var before = store.Revision;
                    var ex = Assert.CatchAsync(async () => await store.Transaction().Then(TxnOperation.Create(hostile)).CommitAsync(), label);
                    Assert.That(ex, Is.TypeOf<ValidationException>(), $"{root.Kind}.{label}");
                    Assert.That(store.Revision, Is.EqualTo(before), $"{root.Kind}.{label} left nothing applied");
                    refused++;
                }

                await store.Transaction().Then(TxnOperation.Create(root)).CommitAsync();
            }
        }

        Assert.That(refused, Is.GreaterThan(50));
        using var reopened = new ClusterStore(options);
        Assert.That(reopened.Revision, Is.EqualTo(FullObjects.All().Count));
    }

    [Test]
    public async Task A_null_match_expression_in_list_or_watch_options_is_a_validation_error()
    {
        using var store = new ClusterStore();
        await store.Services.CreateAsync(Objects.Service());
        var selector = new LabelSelector { MatchExpressions = ValueArray.From(new LabelSelectorRequirement[] { null! }) };
        var keyless = new LabelSelector { MatchExpressions = [new LabelSelectorRequirement { Key = null!, Operator = LabelSelectorOperator.Exists }] };
        foreach (var bad in new[] { selector, keyless })
        {
            var list = Assert.Throws<ValidationException>(() => store.Services.List(new ListOptions { LabelSelector = bad }));
            Assert.That(list!.Errors.Select(e => e.Field), Has.Some.StartsWith("labelSelector.matchExpressions[0]"));
            Assert.Throws<ValidationException>(() => store.Services.Watch(new WatchOptions { LabelSelector = bad }));
            Assert.Throws<ValidationException>(() => store.Watch(new WatchOptions { LabelSelector = bad }));
            Assert.Throws<ValidationException>(() => store.Services.WatchAsync(new WatchOptions { LabelSelector = bad }));
        }
    }

    /// <summary>One step of a path into an object: a property, or an item of a <see cref="ValueArray{T}"/>.</summary>
    public sealed record Step(PropertyInfo? Property, int Index)
    {
        public override string ToString() => Property is { } p ? p.Name : $"[{Index}]";
    }

    /// <summary>Every place a hostile value can go, with the value: (path, value, label).</summary>
    private static IEnumerable<(Step[] Path, object? Value, string Label)> Slots(object root)
    {
        var found = new List<(Step[], object?, string)>();
        Walk(root, [], found);
        return found;
    }

    private static void Walk(object node, List<Step> path, List<(Step[], object?, string)> found)
    {
        foreach (var property in node.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is not { IsPublic: true } || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var type = property.PropertyType;
            var value = property.GetValue(node);
            var nullable = Nullable.GetUnderlyingType(type) is not null || Nullability.Create(property).WriteState == NullabilityState.Nullable || CoalescesNull(node, property);
            var here = new List<Step>(path) { new(property, -1) };
            Visit(type, value, nullable, here, found);
        }
    }

    /// <summary>True when the model reads a null given to the property as its empty default (Spec, Status, …): no hostile value.</summary>
    private static bool CoalescesNull(object node, PropertyInfo property)
    {
        if (property.PropertyType.IsValueType || node.GetType().GetMethod("<Clone>$") is not { } clone)
        {
            return false;
        }

        var copy = clone.Invoke(node, null)!;
        property.SetValue(copy, null);
        return property.GetValue(copy) is not null;
    }

    private static void Visit(Type type, object? value, bool nullable, List<Step> here, List<(Step[], object?, string)> found)
    {
        var label = string.Join(".", here).Replace(".[", "[", StringComparison.Ordinal);
        if (type == typeof(string))
        {
            if (!nullable)
            {
                found.Add(([.. here], null, label + "=null"));
            }

            found.Add(([.. here], "ok\uD800", label + "=lone surrogate"));
            return;
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueArray<>))
        {
            var item = type.GetGenericArguments()[0];
            var index = 0;
            foreach (var element in (IEnumerable)value!)
            {
                var itemPath = new List<Step>(here) { new(null, index++) };
                Visit(item, element, nullable: false, itemPath, found);
            }

            return;
        }

        if (type == typeof(StringMap))
        {
            if (value is StringMap { IsEmpty: false } map)
            {
                var first = map.First();
                found.Add(([.. here], StringMap.Of((first.Key, "ok\uD800")), label + "[value]=lone surrogate"));
                found.Add(([.. here], StringMap.Of(("ok\uDC00", first.Value)), label + "[key]=lone surrogate"));
            }

            return;
        }

        if (type.IsClass && type.Namespace == typeof(Service).Namespace)
        {
            if (!nullable)
            {
                found.Add(([.. here], null, label + "=null"));
            }

            if (value is not null)
            {
                Walk(value, here, found);
            }
        }
    }

    /// <summary>A copy of <paramref name="node"/> with the value at <paramref name="path"/> replaced.</summary>
    private static object? Rebuild(object? node, Step[] path, int depth, object? value)
    {
        if (depth == path.Length)
        {
            return value;
        }

        var step = path[depth];
        if (step.Property is { } property)
        {
            var clone = CloneMethod.Invoke(node, null)!;
            property.SetValue(clone, Rebuild(property.GetValue(node), path, depth + 1, value));
            return clone;
        }

        var itemType = node!.GetType().GetGenericArguments()[0];
        var items = ((IEnumerable)node).Cast<object?>().ToArray();
        items[step.Index] = Rebuild(items[step.Index], path, depth + 1, value);
        var array = Array.CreateInstance(itemType, items.Length);
        for (var i = 0; i < items.Length; i++)
        {
            array.SetValue(items[i], i);
        }

        return typeof(ValueArray).GetMethod(nameof(ValueArray.From))!.MakeGenericMethod(itemType).Invoke(null, [array]);
    }

    private static readonly MethodInfo CloneMethod = typeof(object).GetMethod("MemberwiseClone", BindingFlags.NonPublic | BindingFlags.Instance)!;
}
