namespace ClusterState.Controllers;

/// <summary>What a reconcile asks for next: nothing (<see cref="Done"/>), a retry after the key's backoff, or a visit after a delay.</summary>
public readonly record struct ReconcileResult
{
    /// <summary>Visit the key again after this delay (a periodic check), even if nothing changes.</summary>
    public TimeSpan? RequeueAfter { get; init; }

    /// <summary>Retry after the key's backoff, as after a failure, without logging one.</summary>
    public bool Retry { get; init; }

    /// <summary>Nothing more to do until the object changes.</summary>
    public static ReconcileResult Done => default;

    /// <summary>Retry after the key's backoff.</summary>
    public static ReconcileResult RetryLater => new() { Retry = true };

    /// <summary>Visit the key again after <paramref name="delay"/>.</summary>
    public static ReconcileResult After(TimeSpan delay) => new() { RequeueAfter = delay };
}
