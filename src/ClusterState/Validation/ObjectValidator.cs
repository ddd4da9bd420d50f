using ClusterState.Kinds;
using ClusterState.Model;

namespace ClusterState.Validation;

/// <summary>
/// Validates an object of any kind against Kubernetes' rules and the store's size limit. Runs on the caller's
/// thread before a write reaches the commit path, so invalid input never touches stored state.
/// </summary>
internal static class ObjectValidator
{
    /// <summary>
    /// Validates <paramref name="obj"/> and returns its estimated encoded size in bytes.
    /// </summary>
    /// <exception cref="ValidationException">One or more rules failed; every violation is listed.</exception>
    /// <exception cref="LimitExceededException">The object is larger than <paramref name="maxObjectBytes"/>.</exception>
    /// <exception cref="UnknownKindException">The object's kind is not registered with <paramref name="kinds"/>.</exception>
    public static long Validate(ClusterObject obj, long maxObjectBytes, KindRegistry kinds)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var descriptor = kinds.Get(obj.GetType());
        var context = ValidationContext.Rent();
        try
        {
            descriptor.Validate(context, obj);

            if (context.HasErrors)
            {
                throw new ValidationException(Describe(obj), [.. context.Errors]);
            }

            // Server-owned metadata (uid, revisions, timestamps) adds a fixed amount.
            var size = context.Size + 64;
            if (size > maxObjectBytes)
            {
                throw new LimitExceededException("object size (bytes)", size, maxObjectBytes, Describe(obj));
            }

            return size;
        }
        finally
        {
            context.Return();
        }
    }

    /// <summary>
    /// Checks the label selector of a list or watch request (null items, keys, operators, values), so that a bad
    /// one fails with a field path instead of failing while objects are matched.
    /// </summary>
    /// <exception cref="ValidationException">The selector is not valid; every violation is listed.</exception>
    public static void ValidateQuery(LabelSelector? selector, string subject)
    {
        if (selector is null)
        {
            return;
        }

        var context = ValidationContext.Rent();
        try
        {
            CommonValidation.Selector(context, "labelSelector", selector);
            if (context.HasErrors)
            {
                throw new ValidationException(subject, [.. context.Errors]);
            }
        }
        finally
        {
            context.Return();
        }
    }

    /// <summary>
    /// Checks that every field a field selector names is one each of <paramref name="kinds"/> can be selected by, so
    /// that a misspelt field fails with the supported ones named instead of matching nothing.
    /// </summary>
    /// <exception cref="ValidationException">A field is not supported (or a requirement is null).</exception>
    public static void ValidateFields(FieldSelector? selector, IEnumerable<KindDescriptor> kinds, string subject)
    {
        if (selector is null)
        {
            return;
        }

        List<ValidationError>? errors = null;
        for (var i = 0; i < selector.Requirements.Count; i++)
        {
            var requirement = selector.Requirements[i];
            if (requirement?.Field is not { } field || requirement.Value is null)
            {
                (errors ??= []).Add(new ValidationError($"fieldSelector[{i}]", "Required value: a field and a value"));
                continue;
            }

            foreach (var kind in kinds)
            {
                if (!kind.CanSelect(field))
                {
                    (errors ??= []).Add(new ValidationError(
                        $"fieldSelector[{i}]",
                        $"Unsupported value: \"{field}\": field label not supported for {kind.Kind.Name}; supported: {string.Join(", ", kind.SelectableFields.Select(f => "\"" + f + "\""))}"));
                    break;
                }
            }
        }

        if (errors is not null)
        {
            throw new ValidationException(subject, errors);
        }
    }

    /// <summary><c>Kind namespace/name</c>, for messages.</summary>
    public static string Describe(ClusterObject obj)
    {
        var meta = obj.Metadata;
        if (meta is null)
        {
            return obj.Kind.ToString();
        }

        return string.IsNullOrEmpty(meta.Namespace) ? $"{obj.Kind} {meta.Name}" : $"{obj.Kind} {meta.Namespace}/{meta.Name}";
    }
}
