using System.Text;

namespace ClusterState.Validation;

/// <summary>
/// Collects the violations found while walking one object, each with its field path, and adds up the object's
/// encoded size on the way. Paths are built only when a rule fails, so a valid object costs no string work.
/// </summary>
/// <remarks>One context is used by one thread at a time; <see cref="Rent"/> hands out a per-thread instance.</remarks>
internal sealed class ValidationContext
{
    [ThreadStatic]
    private static ValidationContext? t_cached;

    /// <summary>The open path segments, innermost last: a field name and, for list items, an index (-1 when none).</summary>
    private readonly List<(string Field, int Index, string? Key)> _path = new(16);

    /// <summary>The violations so far; null until the first one.</summary>
    private List<ValidationError>? _errors;

    /// <summary>The estimated encoded size of the fields visited, in bytes.</summary>
    public long Size { get; private set; }

    /// <summary>True when a rule has failed.</summary>
    public bool HasErrors => _errors is not null;

    /// <summary>The violations so far.</summary>
    public IReadOnlyList<ValidationError> Errors => (IReadOnlyList<ValidationError>?)_errors ?? [];

    /// <summary>A cleared context for this thread.</summary>
    public static ValidationContext Rent()
    {
        var context = t_cached ?? new ValidationContext();
        t_cached = null;
        context._path.Clear();
        context._errors = null;
        context.Size = 0;
        return context;
    }

    /// <summary>Gives the context back for reuse on this thread.</summary>
    public void Return() => t_cached = this;

    /// <summary>Opens a field; dispose the scope to close it.</summary>
    public Scope Enter(string field) => Enter(field, -1);

    /// <summary>Opens item <paramref name="index"/> of a list field; dispose the scope to close it.</summary>
    public Scope Enter(string field, int index)
    {
        _path.Add((field, index, null));
        Size += 4;
        return new Scope(this);
    }

    /// <summary>Opens entry <paramref name="key"/> of a map field; dispose the scope to close it.</summary>
    public Scope EnterKey(string field, string key)
    {
        _path.Add((field, -1, key));
        return new Scope(this);
    }

    /// <summary>Records a violation of <paramref name="field"/> (relative to the open path; empty for the open field itself).</summary>
    public void Error(string field, string message)
    {
        _errors ??= [];
        _errors.Add(new ValidationError(PathOf(field), message));
    }

    /// <summary>
    /// Adds a string's encoded size, and reports <paramref name="field"/> when the string is not well-formed UTF-16
    /// (a lone surrogate): it could not be stored as UTF-8 and read back unchanged.
    /// </summary>
    public void Measure(string field, string? value)
    {
        if (value is null)
        {
            return;
        }

        int bytes;
        try
        {
            bytes = Strict.GetByteCount(value);
        }
        catch (EncoderFallbackException)
        {
            Error(field, $"Invalid value: contains a lone UTF-16 surrogate at index {LoneSurrogateIndex(value)}: text must be valid Unicode");
            bytes = Encoding.UTF8.GetByteCount(value);
        }

        Size += 2 + bytes;
    }

    /// <summary>The index of the first unpaired surrogate in <paramref name="value"/>.</summary>
    private static int LoneSurrogateIndex(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Adds <paramref name="bytes"/> already encoded (a body a kind's own serializer wrote).</summary>
    public void MeasureBytes(long bytes) => Size += bytes;

    /// <summary>Adds the encoded size of a fixed-size value (number, flag, enum).</summary>
    public void MeasureScalar() => Size += 8;

    private string PathOf(string field)
    {
        var builder = new StringBuilder();
        foreach (var (name, index, key) in _path)
        {
            Append(builder, name);
            if (index >= 0)
            {
                builder.Append('[').Append(index).Append(']');
            }

            if (key is not null)
            {
                builder.Append("[\"").Append(key).Append("\"]");
            }
        }

        Append(builder, field);
        return builder.ToString();

        static void Append(StringBuilder builder, string name)
        {
            if (name.Length == 0)
            {
                return;
            }

            if (builder.Length > 0)
            {
                builder.Append('.');
            }

            builder.Append(name);
        }
    }

    /// <summary>Closes the field it opened when disposed.</summary>
    public readonly ref struct Scope
    {
        private readonly ValidationContext _context;

        internal Scope(ValidationContext context) => _context = context;

        /// <summary>Closes the field.</summary>
        public void Dispose() => _context._path.RemoveAt(_context._path.Count - 1);
    }
}
