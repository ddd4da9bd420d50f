namespace ClusterState;

/// <summary>
/// Stored or supplied bytes (a log record, a snapshot, a backup) are not what they should be: a bad checksum,
/// length or field. <see cref="DataSource"/> and <see cref="Offset"/> say where.
/// </summary>
public sealed class CorruptDataException : ClusterStateException
{
    /// <summary>Creates the exception.</summary>
    public CorruptDataException(string source, long offset, string problem, Exception? innerException = null)
        : base($"{source} is corrupt at offset {offset}: {problem}", innerException)
    {
        DataSource = source;
        Offset = offset;
        Problem = problem;
    }

    /// <summary>What was read: a file path, or a description of a stream.</summary>
    public string DataSource { get; }

    /// <summary>The byte offset of the bad data within <see cref="DataSource"/>.</summary>
    public long Offset { get; }

    /// <summary>What is wrong.</summary>
    public string Problem { get; }
}
