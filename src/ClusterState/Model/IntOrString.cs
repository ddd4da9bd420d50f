using System.Globalization;

namespace ClusterState.Model;

/// <summary>
/// A port given either as a number or as a name (Kubernetes' <c>IntOrString</c>), as in a Service's
/// <c>targetPort</c> or a NetworkPolicy port.
/// </summary>
public readonly record struct IntOrString
{
    private IntOrString(int? number, string? name)
    {
        Number = number;
        Name = name;
    }

    /// <summary>The number, when the value is a number.</summary>
    public int? Number { get; }

    /// <summary>The name, when the value is a name.</summary>
    public string? Name { get; }

    /// <summary>True when the value is a number.</summary>
    public bool IsNumber => Number.HasValue;

    /// <summary>True when neither a number nor a name is set (the default value).</summary>
    public bool IsEmpty => Number is null && Name is null;

    /// <summary>A numeric value.</summary>
    public static IntOrString FromNumber(int number) => new(number, null);

    /// <summary>A named value.</summary>
    public static IntOrString FromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new(null, name);
    }

    /// <summary>A numeric value.</summary>
    public static implicit operator IntOrString(int number) => FromNumber(number);

    /// <summary>A named value.</summary>
    public static implicit operator IntOrString(string name) => FromName(name);

    /// <inheritdoc />
    public override string ToString() => Number?.ToString(CultureInfo.InvariantCulture) ?? Name ?? string.Empty;
}
