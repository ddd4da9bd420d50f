using System.Collections.Concurrent;
using ClusterState.Model;

namespace ClusterState.Tests.Watch;

/// <summary>An observer that records everything it is called with, and checks the contract as it goes.</summary>
internal sealed class WatchCollector<T> : IObserver<WatchEvent<T>>
    where T : ClusterObject
{
    private readonly ConcurrentQueue<WatchEvent<T>> _events = new();
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inside;

    public Func<WatchEvent<T>, bool>? Until { get; init; }

    public Action<WatchEvent<T>>? OnEach { get; init; }

    public List<WatchEvent<T>> Events => [.. _events];

    public Exception? Error { get; private set; }

    public bool Completed { get; private set; }

    public int ConcurrentCalls { get; private set; }

    public int CallsAfterTerminal { get; private set; }

    public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Terminated => _terminated.Task;

    public void OnNext(WatchEvent<T> value)
    {
        Enter();
        try
        {
            if (_terminated.Task.IsCompleted)
            {
                CallsAfterTerminal++;
            }

            _events.Enqueue(value);
            OnEach?.Invoke(value);
            if (Until?.Invoke(value) == true)
            {
                Reached.TrySetResult();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inside);
        }
    }

    public void OnError(Exception error)
    {
        Enter();
        Error = error;
        Interlocked.Decrement(ref _inside);
        Reached.TrySetException(error);
        _terminated.TrySetResult();
    }

    public void OnCompleted()
    {
        Enter();
        Completed = true;
        Interlocked.Decrement(ref _inside);
        _terminated.TrySetResult();
    }

    private void Enter()
    {
        if (Interlocked.Increment(ref _inside) != 1)
        {
            ConcurrentCalls++;
        }
    }
}

internal static class TaskTimeouts
{
    public static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    public static Task Within(this Task task) => task.WaitAsync(Long);

    public static Task<List<WatchEvent<T>>> TakeAsyncWithin<T>(this IAsyncEnumerable<WatchEvent<T>> source, int count)
        where T : ClusterObject => source.TakeAsync(count).WaitAsync(Long);

    public static async Task<List<WatchEvent<T>>> TakeAsync<T>(this IAsyncEnumerable<WatchEvent<T>> source, int count)
        where T : ClusterObject
    {
        var list = new List<WatchEvent<T>>();
        await foreach (var e in source)
        {
            list.Add(e);
            if (list.Count == count)
            {
                break;
            }
        }

        return list;
    }
}
