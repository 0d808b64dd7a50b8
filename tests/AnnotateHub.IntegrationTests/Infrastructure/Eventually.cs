namespace AnnotateHub.IntegrationTests.Infrastructure;

/// <summary>
/// Waiting for something another thread or process makes true (an event delivered, a row written): polls every 20 ms
/// for at most the limit, then fails saying what was awaited. The one helper the tests share for it; a test never
/// asserts how long it took.
/// </summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(10);

    /// <summary>As <see cref="Until(Func{bool}, TimeSpan?, string?)"/>, for a condition that has to read (a service call).</summary>
    public static async Task Until(Func<Task<bool>> condition, TimeSpan? limit = null, string? what = null)
    {
        var wait = limit ?? DefaultLimit;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed >= wait) throw new TimeoutException($"Still not true after {wait.TotalSeconds:0} s: {what ?? "the awaited condition"}.");
            await Task.Delay(20);
        }
    }

    public static async Task Until(Func<bool> condition, TimeSpan? limit = null, string? what = null)
    {
        var wait = limit ?? DefaultLimit;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed >= wait) throw new TimeoutException($"Still not true after {wait.TotalSeconds:0} s: {what ?? "the awaited condition"}.");
            await Task.Delay(20);
        }
    }
}
