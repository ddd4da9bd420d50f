using System.Text;

namespace ClusterState.Model;

/// <summary>
/// A field selector as Kubernetes writes it: comma-separated requirements (all must hold), each
/// <c>field=value</c>, <c>field==value</c> or <c>field!=value</c>, e.g. <c>spec.nodeName=node-1,status.phase!=Failed</c>.
/// Every kind supports <c>metadata.name</c> and <c>metadata.namespace</c>; some support more (see the README). A field
/// with no value compares as the empty string, so <c>spec.nodeName=</c> selects unscheduled pods.
/// </summary>
/// <remarks>Values are literal; <c>\,</c>, <c>\=</c>, <c>\!</c> and <c>\\</c> escape those characters, as in Kubernetes.</remarks>
public sealed record FieldSelector
{
    private FieldSelector(ValueArray<FieldRequirement> requirements) => Requirements = requirements;

    /// <summary>The requirements, all of which must hold.</summary>
    public ValueArray<FieldRequirement> Requirements { get; }

    /// <summary>True when the selector selects everything.</summary>
    public bool IsEmpty => Requirements.IsEmpty;

    /// <summary>Builds a selector from requirements.</summary>
    public static FieldSelector Of(params ReadOnlySpan<FieldRequirement> requirements)
    {
        foreach (var requirement in requirements)
        {
            ArgumentNullException.ThrowIfNull(requirement, nameof(requirements));
        }

        return new(ValueArray.Create(requirements));
    }

    /// <summary>Parses the string syntax.</summary>
    /// <exception cref="FormatException">The text is not a field selector; the message says where and why.</exception>
    public static FieldSelector Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var requirements = new List<FieldRequirement>();
        foreach (var part in Split(text, ','))
        {
            var term = part.Trim();
            if (term.Length == 0)
            {
                if (text.Trim().Length == 0)
                {
                    continue;
                }

                throw new FormatException($"Invalid field selector \"{text}\": an empty requirement (two commas, or one at an end).");
            }

            requirements.Add(ParseTerm(term, text));
        }

        return new([.. requirements]);
    }

    /// <summary>Tries to parse the string syntax.</summary>
    public static bool TryParse(string text, out FieldSelector? selector)
    {
        try
        {
            selector = Parse(text);
            return true;
        }
        catch (FormatException)
        {
            selector = null;
            return false;
        }
    }

    /// <summary>True when every requirement holds for the values <paramref name="valueOf"/> gives (null reads as empty).</summary>
    public bool Matches(Func<string, string?> valueOf)
    {
        ArgumentNullException.ThrowIfNull(valueOf);
        return Matches(valueOf, static (read, field) => read(field));
    }

    /// <summary>The same, reading values through <paramref name="valueOf"/> with a state (no closure per object).</summary>
    internal bool Matches<TState>(TState state, Func<TState, string, string?> valueOf)
    {
        foreach (var requirement in Requirements)
        {
            var equal = string.Equals(valueOf(state, requirement.Field) ?? string.Empty, requirement.Value, StringComparison.Ordinal);
            if (equal != (requirement.Operator == FieldSelectorOperator.Equal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The selector in its string syntax.</summary>
    public override string ToString() => string.Join(",", Requirements.AsSpan().ToArray().Select(r => r.ToString()));

    private static FieldRequirement ParseTerm(string term, string text)
    {
        for (var i = 0; i < term.Length; i++)
        {
            var c = term[i];
            if (c == '\\')
            {
                i++;
                continue;
            }

            if (c == '!' && i + 1 < term.Length && term[i + 1] == '=')
            {
                return Requirement(term[..i], FieldSelectorOperator.NotEqual, term[(i + 2)..], text);
            }

            if (c == '=')
            {
                var value = i + 1 < term.Length && term[i + 1] == '=' ? term[(i + 2)..] : term[(i + 1)..];
                return Requirement(term[..i], FieldSelectorOperator.Equal, value, text);
            }
        }

        throw new FormatException($"Invalid field selector \"{text}\": \"{term}\" has no operator (=, == or !=).");
    }

    private static FieldRequirement Requirement(string field, FieldSelectorOperator op, string value, string text)
    {
        field = field.Trim();
        if (field.Length == 0)
        {
            throw new FormatException($"Invalid field selector \"{text}\": a requirement has no field name.");
        }

        return new FieldRequirement(Unescape(field), op, Unescape(value.Trim()));
    }

    private static IEnumerable<string> Split(string text, char separator)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == separator)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        yield return text[start..];
    }

    private static string Unescape(string value)
    {
        if (!value.Contains('\\', StringComparison.Ordinal))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                i++;
            }

            builder.Append(value[i]);
        }

        return builder.ToString();
    }
}

/// <summary>One requirement of a <see cref="FieldSelector"/>.</summary>
/// <param name="Field">The field's path, e.g. <c>spec.nodeName</c>.</param>
/// <param name="Operator">Equal or not equal.</param>
/// <param name="Value">The value compared with (empty matches a field with no value).</param>
public sealed record FieldRequirement(string Field, FieldSelectorOperator Operator, string Value)
{
    /// <summary><c>field=value</c> or <c>field!=value</c>.</summary>
    public override string ToString() => Field + (Operator == FieldSelectorOperator.Equal ? "=" : "!=") + Value;
}

/// <summary>How a <see cref="FieldRequirement"/> compares.</summary>
public enum FieldSelectorOperator
{
    /// <summary><c>=</c> or <c>==</c>.</summary>
    Equal = 0,

    /// <summary><c>!=</c>.</summary>
    NotEqual = 1,
}
