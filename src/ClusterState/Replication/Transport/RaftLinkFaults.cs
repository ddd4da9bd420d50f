namespace ClusterState;

/// <summary>Faults an <see cref="InMemoryRaftNetwork"/> injects on a link: loss, duplication, delay and reordering.</summary>
public sealed record RaftLinkFaults
{
    /// <summary>No faults.</summary>
    public static RaftLinkFaults None { get; } = new();

    /// <summary>The share of messages dropped (0 to 1).</summary>
    public double DropRate { get; init; }

    /// <summary>The share of messages delivered twice (0 to 1).</summary>
    public double DuplicateRate { get; init; }

    /// <summary>How long every message takes.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>A random extra delay, up to this, per message: messages overtake each other (reordering).</summary>
    public TimeSpan Jitter { get; init; }

    internal bool IsNone => DropRate <= 0 && DuplicateRate <= 0 && Delay <= TimeSpan.Zero && Jitter <= TimeSpan.Zero;

    internal void Validate()
    {
        if (DropRate is < 0 or > 1 || double.IsNaN(DropRate))
        {
            throw new ArgumentOutOfRangeException(nameof(DropRate), DropRate, "must be between 0 and 1");
        }

        if (DuplicateRate is < 0 or > 1 || double.IsNaN(DuplicateRate))
        {
            throw new ArgumentOutOfRangeException(nameof(DuplicateRate), DuplicateRate, "must be between 0 and 1");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Delay, TimeSpan.Zero, nameof(Delay));
        ArgumentOutOfRangeException.ThrowIfLessThan(Jitter, TimeSpan.Zero, nameof(Jitter));
    }
}
