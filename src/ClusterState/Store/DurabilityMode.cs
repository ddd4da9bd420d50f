namespace ClusterState;

/// <summary>When a store opened on a directory acknowledges a write.</summary>
public enum DurabilityMode
{
    /// <summary>
    /// After its log record is on disk (fsync). Concurrent writers share one fsync (group commit). Survives power
    /// loss.
    /// </summary>
    Fsync = 0,

    /// <summary>
    /// After its log record is handed to the operating system, without fsync: survives a crash of the process but
    /// not of the machine. For tests and throwaway environments that want speed.
    /// </summary>
    None = 1,
}
