namespace AnnotateHub.Web.Data;

/// <summary>
/// People's writes go before bulk writes. SQLite has one writer at a time, and a writer that finds the file busy
/// sleeps and retries (busy_timeout): an import that begins its next batch the moment it commits the last one wins
/// nearly every race, and a user's create waited 2 to 3.6 s behind a 20,000-document import. So every interactive
/// write (the annotation feature's document writer's commits) is counted while it runs, and a bulk writer calls
/// <see cref="YieldAsync"/> before each batch: it waits, at most a bounded time, until none is running. A waiting
/// create then gets in at its next retry, behind at most the one batch that was already writing.
/// </summary>
public sealed class InteractiveWrites
{
    private readonly Lock _lock = new();
    private int _running;
    private TaskCompletionSource _idle = Idle();

    /// <summary>Counts an interactive write until the returned scope is disposed.</summary>
    public Scope Begin()
    {
        lock (_lock)
        {
            if (_running++ == 0) _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        return new Scope(this);
    }

    /// <summary>Returns once no interactive write is running, or after <paramref name="limit"/> (a bulk writer is never starved).</summary>
    public async Task YieldAsync(TimeSpan limit, CancellationToken ct)
    {
        Task idle;
        lock (_lock) idle = _idle.Task;
        if (idle.IsCompleted) return;
        try
        {
            await idle.WaitAsync(limit, ct);
        }
        catch (TimeoutException)
        {
            // People kept writing the whole time: the batch goes now, and they wait for one batch.
        }
    }

    private void End()
    {
        lock (_lock)
        {
            if (--_running == 0) _idle.TrySetResult();
        }
    }

    private static TaskCompletionSource Idle()
    {
        var idle = new TaskCompletionSource();
        idle.SetResult();
        return idle;
    }

    public readonly struct Scope(InteractiveWrites owner) : IDisposable
    {
        public void Dispose() => owner.End();
    }
}
