namespace ClusterState.Cli;

/// <summary>The tool's exit codes, for scripts.</summary>
internal static class ExitCodes
{
    /// <summary>Done; for <c>verify</c>, nothing is damaged.</summary>
    public const int Ok = 0;

    /// <summary>The command line is wrong (unknown command or option, a missing argument).</summary>
    public const int Usage = 1;

    /// <summary>Data is damaged: a checksum, a length or a record does not read back (the message names the file and offset).</summary>
    public const int Damaged = 2;

    /// <summary>A running store holds the directory and the command needs it alone (<c>compact</c>, <c>snapshot restore</c> into it).</summary>
    public const int InUse = 3;

    /// <summary>The path, kind or object does not exist.</summary>
    public const int NotFound = 4;

    /// <summary>Anything else (an I/O error, for one).</summary>
    public const int Failed = 5;
}
