namespace ClusterState.Tests.Raft;

/// <summary>One operation of a client history: when it was called, when it returned, what went in and came out.</summary>
/// <param name="Input">The operation (for a register: the value written, or null for a read).</param>
/// <param name="Output">What it returned (for a read: the value read).</param>
/// <param name="Call">When the client called it.</param>
/// <param name="Return">When it returned; <see cref="long.MaxValue"/> when the outcome is unknown (a timeout).</param>
internal sealed record HistoryOp(string? Input, string? Output, long Call, long Return)
{
    public bool IsWrite => Input is not null;
}

/// <summary>
/// Decides whether a history of operations on one register is linearizable: whether every operation can be
/// given a point between its call and its return such that, in that order, each read returns the last value
/// written (Wing and Gong's search, with the memoization of linearized sets and states that Porcupine adds).
/// Operations with an unknown outcome may take effect at any point after their call, or never matter.
/// </summary>
internal static class LinearizabilityChecker
{
    public static bool IsLinearizable(IReadOnlyList<HistoryOp> history, string? initial)
    {
        // Events in time order: a call before a return at the same instant.
        var events = new List<(long Time, bool IsCall, int Op)>();
        for (var i = 0; i < history.Count; i++)
        {
            events.Add((history[i].Call, true, i));
            if (history[i].Return != long.MaxValue)
            {
                events.Add((history[i].Return, false, i));
            }
        }

        events.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : b.IsCall.CompareTo(a.IsCall));

        var linearized = new bool[history.Count];
        var seen = new HashSet<(string Set, string? State)>();
        var stack = new Stack<(int Op, string? PreviousState)>();
        var state = initial;
        var position = 0;
        var remaining = history.Count(h => h.Return != long.MaxValue);
        while (true)
        {
            if (remaining == 0)
            {
                return true;
            }

            // Skip events of operations already linearized.
            while (position < events.Count && linearized[events[position].Op])
            {
                position++;
            }

            var progressed = false;
            if (position < events.Count && events[position].IsCall)
            {
                // Try the calls that are pending at this point (before the first pending return), in order.
                for (var p = position; p < events.Count; p++)
                {
                    var (_, isCall, op) = events[p];
                    if (linearized[op])
                    {
                        continue;
                    }

                    if (!isCall)
                    {
                        break;
                    }

                    var candidate = history[op];
                    if (!candidate.IsWrite && candidate.Output != state)
                    {
                        continue;
                    }

                    var next = candidate.IsWrite ? candidate.Input : state;
                    linearized[op] = true;
                    var key = (Key(linearized), next);
                    if (!seen.Add(key))
                    {
                        linearized[op] = false;
                        continue;
                    }

                    stack.Push((op, state));
                    state = next;
                    if (candidate.Return != long.MaxValue)
                    {
                        remaining--;
                    }

                    position = 0;
                    progressed = true;
                    break;
                }
            }

            if (progressed)
            {
                continue;
            }

            // Stuck: undo the last choice (its later alternatives are tried through the memo), or fail.
            if (stack.Count == 0)
            {
                return false;
            }

            var (undone, previous) = stack.Pop();
            linearized[undone] = false;
            state = previous;
            if (history[undone].Return != long.MaxValue)
            {
                remaining++;
            }

            position = 0;
        }
    }

    private static string Key(bool[] linearized) => string.Create(linearized.Length, linearized, static (span, set) =>
    {
        for (var i = 0; i < set.Length; i++)
        {
            span[i] = set[i] ? '1' : '0';
        }
    });
}
