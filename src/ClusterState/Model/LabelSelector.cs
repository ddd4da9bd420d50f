namespace ClusterState.Model;

/// <summary>
/// Selects objects by their labels (Kubernetes' <c>LabelSelector</c>): every <see cref="MatchLabels"/> pair and
/// every <see cref="MatchExpressions"/> requirement must hold. The empty selector selects everything.
/// </summary>
/// <remarks>
/// <see cref="Parse"/> reads the string syntax of <c>kubectl -l</c> and list filters:
/// <c>app=web,tier!=db,env in (a,b),env notin (c),key,!key</c>.
/// </remarks>
public sealed record LabelSelector
{
    /// <summary>The selector that selects everything.</summary>
    public static LabelSelector Everything { get; } = new();

    /// <summary>Pairs that must all be present with these values.</summary>
    public StringMap MatchLabels { get; init; }

    /// <summary>Requirements that must all hold.</summary>
    public ValueArray<LabelSelectorRequirement> MatchExpressions { get; init; }

    /// <summary>True when the selector selects everything.</summary>
    public bool IsEmpty => MatchLabels.IsEmpty && MatchExpressions.IsEmpty;

    /// <summary>True when <paramref name="labels"/> satisfy the selector.</summary>
    public bool Matches(StringMap labels)
    {
        foreach (var pair in MatchLabels)
        {
            if (!labels.TryGetValue(pair.Key, out var value) || !string.Equals(value, pair.Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        foreach (var requirement in MatchExpressions)
        {
            if (!requirement.Matches(labels))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Parses the string syntax (<c>app=web,tier!=db,env in (a,b),!legacy</c>).
    /// </summary>
    /// <exception cref="FormatException">The text is not a valid selector; the message says where.</exception>
    public static LabelSelector Parse(string text) => LabelSelectorParser.Parse(text);

    /// <summary>Tries to parse the string syntax.</summary>
    public static bool TryParse(string text, out LabelSelector? selector)
    {
        try
        {
            selector = LabelSelectorParser.Parse(text);
            return true;
        }
        catch (FormatException)
        {
            selector = null;
            return false;
        }
    }

    /// <summary>The selector in the string syntax.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        foreach (var pair in MatchLabels)
        {
            parts.Add(pair.Key + "=" + pair.Value);
        }

        foreach (var requirement in MatchExpressions)
        {
            parts.Add(requirement.ToString());
        }

        return string.Join(",", parts);
    }
}

/// <summary>One requirement of a <see cref="LabelSelector"/>: a key, an operator and values.</summary>
public sealed record LabelSelectorRequirement
{
    /// <summary>The label key.</summary>
    public required string Key { get; init; }

    /// <summary>How the key's value is tested.</summary>
    public required LabelSelectorOperator Operator { get; init; }

    /// <summary>The values for <c>In</c> and <c>NotIn</c>; empty for <c>Exists</c> and <c>DoesNotExist</c>.</summary>
    public ValueArray<string> Values { get; init; }

    /// <summary>True when <paramref name="labels"/> satisfy the requirement.</summary>
    public bool Matches(StringMap labels)
    {
        var present = labels.TryGetValue(Key, out var value);
        return Operator switch
        {
            LabelSelectorOperator.In => present && Contains(value!),
            LabelSelectorOperator.NotIn => !present || !Contains(value!),
            LabelSelectorOperator.Exists => present,
            LabelSelectorOperator.DoesNotExist => !present,
            _ => false,
        };
    }

    private bool Contains(string value)
    {
        foreach (var candidate in Values)
        {
            if (string.Equals(candidate, value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The requirement in the string syntax.</summary>
    public override string ToString() => Operator switch
    {
        LabelSelectorOperator.In => $"{Key} in ({string.Join(",", Values)})",
        LabelSelectorOperator.NotIn => $"{Key} notin ({string.Join(",", Values)})",
        LabelSelectorOperator.Exists => Key,
        LabelSelectorOperator.DoesNotExist => "!" + Key,
        _ => Key + " ?",
    };
}

/// <summary>The operator of a <see cref="LabelSelectorRequirement"/>.</summary>
public enum LabelSelectorOperator
{
    /// <summary>The label is present and its value is one of the values.</summary>
    In = 0,

    /// <summary>The label is absent, or its value is none of the values.</summary>
    NotIn = 1,

    /// <summary>The label is present.</summary>
    Exists = 2,

    /// <summary>The label is absent.</summary>
    DoesNotExist = 3,
}
