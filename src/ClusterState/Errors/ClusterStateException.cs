namespace ClusterState;

/// <summary>The base of every error the store raises on purpose; catch it to handle them all.</summary>
public abstract class ClusterStateException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected ClusterStateException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
