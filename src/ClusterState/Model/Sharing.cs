namespace ClusterState.Model;

/// <summary>
/// Picks the previous version's instance of a part that did not change, so that versions kept as history share
/// what they have in common (a decoded or freshly built copy then dies young instead of living in the history).
/// </summary>
internal static class Sharing
{
    /// <summary>Returns <paramref name="previous"/> when it equals <paramref name="next"/>, else <paramref name="next"/>.</summary>
    public static T Pick<T>(T next, T previous, out bool differs)
        where T : class, IEquatable<T>
    {
        if (ReferenceEquals(next, previous))
        {
            differs = false;
            return next;
        }

        differs = !next.Equals(previous);
        return differs ? next : previous;
    }

    /// <summary>The same for value-like structs over shared arrays (<see cref="StringMap"/>, <see cref="ValueArray{T}"/>).</summary>
    public static T PickValue<T>(T next, T previous, out bool differs)
        where T : struct, IEquatable<T>
    {
        differs = !next.Equals(previous);
        return differs ? next : previous;
    }
}
