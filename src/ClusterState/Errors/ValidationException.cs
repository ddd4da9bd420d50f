namespace ClusterState;

/// <summary>One broken rule: the field's path (e.g. <c>spec.ports[1].port</c>) and what the rule requires.</summary>
/// <param name="Field">The path of the field, from the object's root.</param>
/// <param name="Message">What is wrong, e.g. <c>must be between 1 and 65535</c>.</param>
public sealed record ValidationError(string Field, string Message)
{
    /// <summary><c>field: message</c>.</summary>
    public override string ToString() => Field + ": " + Message;
}

/// <summary>
/// An object or request broke one or more rules. <see cref="Errors"/> lists every violation; nothing was stored.
/// </summary>
public sealed class ValidationException : ClusterStateException
{
    /// <summary>Creates the exception for the violations found in one object or request.</summary>
    public ValidationException(string subject, IReadOnlyList<ValidationError> errors)
        : base(FormatMessage(subject, errors))
    {
        Subject = subject;
        Errors = errors;
    }

    /// <summary>What was validated, e.g. <c>Service default/web</c>.</summary>
    public string Subject { get; }

    /// <summary>Every violation, in field order.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }

    private static string FormatMessage(string subject, IReadOnlyList<ValidationError> errors) =>
        $"{subject} is invalid: " + string.Join("; ", errors);
}
