using System.Net.Sockets;
using System.Text;
using ClusterState.Model;

namespace ClusterState.Validation;

/// <summary>Validation of the parts every kind shares: metadata, labels, selectors, references, endpoint ports.</summary>
internal static class CommonValidation
{
    /// <summary>Reports <paramref name="error"/> against <paramref name="field"/> when it is not null.</summary>
    public static void Check(this ValidationContext context, string field, string? error)
    {
        if (error is not null)
        {
            context.Error(field, error);
        }
    }

    /// <summary>Measures a string and checks it with <paramref name="rule"/> when it is set.</summary>
    public static void Optional(this ValidationContext context, string field, string? value, Func<string, string?> rule)
    {
        if (value is null)
        {
            return;
        }

        context.Measure(field, value);
        context.Check(field, rule(value));
    }

    /// <summary>Checks that an enum holds one of its named values.</summary>
    public static void Enum<TEnum>(this ValidationContext context, string field, TEnum value)
        where TEnum : struct, Enum
    {
        context.MeasureScalar();
        if (!System.Enum.IsDefined(value))
        {
            context.Error(field, $"Unsupported value: \"{value}\": supported values: {string.Join(", ", System.Enum.GetNames<TEnum>().Select(n => "\"" + n + "\""))}");
        }
    }

    /// <summary>Validates metadata; <paramref name="nameRule"/> is the kind's rule for names.</summary>
    public static void Metadata(ValidationContext context, ObjectMeta? metadata, bool namespaced, Func<string, string?> nameRule)
    {
        if (metadata is null)
        {
            context.Error("metadata", "Required value");
            return;
        }

        using var scope = context.Enter("metadata");
        if (string.IsNullOrEmpty(metadata.Name))
        {
            context.Error("name", "Required value: name is required");
        }
        else
        {
            context.Measure("name", metadata.Name);
            context.Check("name", nameRule(metadata.Name));
        }

        if (namespaced)
        {
            if (string.IsNullOrEmpty(metadata.Namespace))
            {
                context.Error("namespace", "Required value: namespace is required for a namespaced kind");
            }
            else
            {
                context.Measure("namespace", metadata.Namespace);
                context.Check("namespace", Rules.DnsLabel(metadata.Namespace));
            }
        }
        else if (metadata.Namespace is null)
        {
            context.Error("namespace", "Required value: empty on a cluster-scoped kind, not null");
        }
        else if (metadata.Namespace.Length > 0)
        {
            context.Error("namespace", "Forbidden: not allowed on a cluster-scoped kind");
        }

        Labels(context, "labels", metadata.Labels);
        Annotations(context, metadata.Annotations);
        Strings(context, "finalizers", metadata.Finalizers, Rules.QualifiedName);
        if (metadata.DeletionTimestamp is not null)
        {
            context.MeasureScalar();
        }

        for (var i = 0; i < metadata.OwnerReferences.Count; i++)
        {
            using var o = context.Enter("ownerReferences", i);
            var owner = metadata.OwnerReferences[i];
            if (owner is null)
            {
                context.Error(string.Empty, "must not be null");
                continue;
            }

            Required(context, "apiVersion", owner.ApiVersion);
            Required(context, "kind", owner.Kind);
            Required(context, "name", owner.Name);
            context.MeasureScalar();
            context.MeasureScalar();
        }
    }

    /// <summary>Measures every item of a string list and checks it with <paramref name="rule"/>; null items are errors.</summary>
    public static void Strings(ValidationContext context, string field, ValueArray<string> values, Func<string, string?> rule)
    {
        for (var i = 0; i < values.Count; i++)
        {
            var value = values[i];
            using var scope = context.Enter(field, i);
            context.Measure(string.Empty, value);
            context.Check(string.Empty, value is null ? "must not be null" : rule(value));
        }
    }

    /// <summary>Validates a label map: qualified-name keys, label values.</summary>
    public static void Labels(ValidationContext context, string field, StringMap labels)
    {
        foreach (var pair in labels)
        {
            context.Measure(field, pair.Key);
            context.Measure(field, pair.Value);
            var keyError = Rules.QualifiedName(pair.Key);
            var valueError = Rules.LabelValue(pair.Value);
            if (keyError is not null || valueError is not null)
            {
                using var scope = context.EnterKey(field, pair.Key);
                context.Check(string.Empty, keyError is null ? null : "key " + keyError);
                context.Check(string.Empty, valueError is null ? null : $"Invalid value: \"{pair.Value}\": {valueError}");
            }
        }
    }

    /// <summary>Validates annotations: qualified-name keys and a total size of at most 256 KiB.</summary>
    public static void Annotations(ValidationContext context, StringMap annotations)
    {
        long total = 0;
        foreach (var pair in annotations)
        {
            context.Measure("annotations", pair.Key);
            context.Measure("annotations", pair.Value);
            total += Encoding.UTF8.GetByteCount(pair.Key) + Encoding.UTF8.GetByteCount(pair.Value);
            if (Rules.QualifiedName(pair.Key) is { } keyError)
            {
                using var scope = context.EnterKey("annotations", pair.Key);
                context.Error(string.Empty, "key " + keyError);
            }
        }

        if (total > Rules.TotalAnnotationSizeLimit)
        {
            context.Error("annotations", $"Too long: may not be more than {Rules.TotalAnnotationSizeLimit} bytes in total");
        }
    }

    /// <summary>Validates a label selector's keys, values and operators.</summary>
    public static void Selector(ValidationContext context, string field, LabelSelector? selector)
    {
        if (selector is null)
        {
            return;
        }

        using var scope = context.Enter(field);
        Labels(context, "matchLabels", selector.MatchLabels);
        for (var i = 0; i < selector.MatchExpressions.Count; i++)
        {
            using var e = context.Enter("matchExpressions", i);
            var requirement = selector.MatchExpressions[i];
            if (requirement is null)
            {
                context.Error(string.Empty, "must not be null");
                continue;
            }

            context.Measure("key", requirement.Key);
            context.Check("key", requirement.Key is null ? "Required value" : Rules.QualifiedName(requirement.Key));
            context.Enum("operator", requirement.Operator);
            switch (requirement.Operator)
            {
                case LabelSelectorOperator.In or LabelSelectorOperator.NotIn when requirement.Values.IsEmpty:
                    context.Error("values", "Required value: must be specified when `operator` is 'In' or 'NotIn'");
                    break;
                case LabelSelectorOperator.Exists or LabelSelectorOperator.DoesNotExist when !requirement.Values.IsEmpty:
                    context.Error("values", "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
                    break;
            }

            Strings(context, "values", requirement.Values, Rules.LabelValue);
        }
    }

    /// <summary>Validates an object reference (every field optional).</summary>
    public static void Reference(ValidationContext context, string field, ObjectReference? reference)
    {
        if (reference is null)
        {
            return;
        }

        using var scope = context.Enter(field);
        context.Optional("namespace", reference.Namespace, Rules.DnsLabel);
        context.Optional("name", reference.Name, Rules.DnsSubdomain);
        context.Measure("kind", reference.Kind);
        context.Measure("uid", reference.Uid);
        context.Measure("apiVersion", reference.ApiVersion);
        context.Measure("resourceVersion", reference.ResourceVersion);
        context.Measure("fieldPath", reference.FieldPath);
    }

    /// <summary>
    /// Validates endpoint ports: names are DNS labels, unique, and required when there is more than one;
    /// numbers 1 to 65535 (required unless <paramref name="portOptional"/>).
    /// </summary>
    public static void EndpointPorts(ValidationContext context, string field, ValueArray<EndpointPort> ports, bool portOptional)
    {
        HashSet<string>? names = null;
        for (var i = 0; i < ports.Count; i++)
        {
            using var scope = context.Enter(field, i);
            var port = ports[i];
            if (port is null)
            {
                context.Error(string.Empty, "must not be null");
                continue;
            }

            if (string.IsNullOrEmpty(port.Name))
            {
                if (ports.Count > 1 && !portOptional)
                {
                    context.Error("name", "Required value: every port needs a name when there is more than one");
                }
            }
            else
            {
                context.Measure("name", port.Name);
                context.Check("name", Rules.DnsLabel(port.Name));
                if (IsDuplicateName(ports, i, ref names))
                {
                    context.Error("name", $"Duplicate value: \"{port.Name}\"");
                }
            }

            context.Enum("protocol", port.Protocol);
            if (port.Port is { } number)
            {
                context.MeasureScalar();
                context.Check("port", Rules.PortNumber(number));
            }
            else if (!portOptional)
            {
                context.Error("port", "Required value");
            }

            context.Optional("appProtocol", port.AppProtocol, Rules.QualifiedName);
        }
    }

    /// <summary>
    /// True when port <paramref name="index"/>'s name was used by an earlier port: compared directly for a few
    /// ports, through a set (built once) for many.
    /// </summary>
    private static bool IsDuplicateName(ValueArray<EndpointPort> ports, int index, ref HashSet<string>? names)
    {
        var name = ports[index].Name!;
        if (ports.Count <= 16)
        {
            for (var j = 0; j < index; j++)
            {
                if (string.Equals(ports[j]?.Name, name, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        names ??= new HashSet<string>(StringComparer.Ordinal);
        return !names.Add(name);
    }

    /// <summary>Reports a missing or empty required string and measures it.</summary>
    public static void Required(ValidationContext context, string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            context.Error(field, "Required value");
        }
        else
        {
            context.Measure(field, value);
        }
    }

    /// <summary>
    /// Checks <c>metav1.Condition</c>s (a Service's or a ServiceCIDR's status): a qualified type, a status of
    /// <c>True</c>, <c>False</c> or <c>Unknown</c>, and a reason and message that may be empty but not null.
    /// </summary>
    public static void Conditions(ValidationContext context, ValueArray<Condition> conditions)
    {
        for (var i = 0; i < conditions.Count; i++)
        {
            using var conditionScope = context.Enter("conditions", i);
            var condition = conditions[i];
            if (condition is null)
            {
                context.Error(string.Empty, "must not be null");
                continue;
            }

            context.Measure("type", condition.Type);
            context.Check("type", condition.Type is null ? "Required value" : Rules.QualifiedName(condition.Type));
            context.Measure("status", condition.Status);
            context.Check("status", condition.Status is "True" or "False" or "Unknown" ? null : "Unsupported value: supported values: \"True\", \"False\", \"Unknown\"");
            context.Measure("reason", condition.Reason);
            context.Check("reason", condition.Reason is null ? "Required value: may be empty, not null" : null);
            context.Measure("message", condition.Message);
            context.Check("message", condition.Message is null ? "Required value: may be empty, not null" : null);
            context.MeasureScalar();
            context.MeasureScalar();
        }
    }

    /// <summary>
    /// Checks the conditions of a Pod, Node or Namespace: each present, a type, a status of <c>True</c>,
    /// <c>False</c> or <c>Unknown</c>; reason and message (optional) measured.
    /// </summary>
    public static void Conditions<T>(ValidationContext context, ValueArray<T> conditions, Func<T, (string? Type, string? Status, string? Reason, string? Message)> parts)
        where T : class
    {
        for (var i = 0; i < conditions.Count; i++)
        {
            using var item = context.Enter("conditions", i);
            if (conditions[i] is not { } condition)
            {
                context.Error(string.Empty, "must not be null");
                continue;
            }

            var (type, status, reason, message) = parts(condition);
            ConditionTypeAndStatus(context, type, status);
            context.Measure("reason", reason);
            context.Measure("message", message);
        }
    }

    /// <summary>Checks a condition's type (required) and status (<c>True</c>, <c>False</c> or <c>Unknown</c>).</summary>
    private static void ConditionTypeAndStatus(ValidationContext context, string? type, string? status)
    {
        Required(context, "type", type);
        if (string.IsNullOrEmpty(status))
        {
            context.Error("status", "Required value");
        }
        else if (status is not ("True" or "False" or "Unknown"))
        {
            context.Error("status", $"Unsupported value: \"{status}\": supported values: \"True\", \"False\", \"Unknown\"");
        }
        else
        {
            context.MeasureScalar();
        }
    }

    /// <summary>
    /// Checks a list of IPs or CIDRs that may hold at most one per IP family (dual stack): each is valid, there are
    /// at most two, and two are of different families.
    /// </summary>
    public static void OnePerFamily(ValidationContext context, string field, IReadOnlyList<string?> values, bool cidrs)
    {
        if (values.Count > 2)
        {
            context.Error(field, "Too many: may contain at most 2 items, one per IP family");
        }

        var families = new System.Net.Sockets.AddressFamily?[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            using var scope = context.Enter(field, i);
            var value = values[i];
            if (string.IsNullOrEmpty(value))
            {
                context.Error(string.Empty, "Required value");
                continue;
            }

            context.Measure(string.Empty, value);
            if (cidrs)
            {
                var error = Rules.Cidr(value, out var block);
                context.Check(string.Empty, error);
                families[i] = error is null ? block.Family : null;
            }
            else
            {
                var error = Rules.IP(value, out AddressFamily family);
                context.Check(string.Empty, error);
                families[i] = error is null ? family : null;
            }
        }

        if (values.Count == 2 && families[0] is { } first && first == families[1])
        {
            context.Error(field, "Invalid value: may specify no more than one " + (cidrs ? "CIDR" : "IP") + " for each IP family");
        }
    }
}
