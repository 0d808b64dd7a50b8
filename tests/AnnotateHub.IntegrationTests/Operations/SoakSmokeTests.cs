namespace AnnotateHub.IntegrationTests.Operations;

/// <summary>
/// A short run of the load tool's soak mode (tests/AnnotateHub.LoadTest --soak, decision 0037) as a child process: its own
/// published server, 5 hub clients and 2 Chromium pages for 20 s with page reloads and hub reconnects. The full soak
/// (200 clients, 20 pages, 10 minutes) is a benchmark, run by hand (docs/benchmarks.md, Soak).
/// </summary>
public sealed class SoakSmokeTests
{
    [Fact]
    public async Task A_short_soak_with_hub_clients_and_browser_pages_loses_nothing_and_counts_no_errors()
    {
        var run = await LoadTool.RunAsync(TimeSpan.FromMinutes(5), "--soak", "--clients", "5", "--pages", "2", "--documents", "2", "--rate", "20",
            "--seconds", "20", "--warmup", "5", "--sample", "10", "--page-reload", "6", "--reconnect", "5", "--grace", "30", "--drain", "60");
        var output = run.Output;

        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}{Environment.NewLine}{output}{Environment.NewLine}{run.Errors}");
        var summary = run.Summary;
        int Int(string name) => summary.GetProperty(name).GetInt32();
        Assert.True(Int("errors") == 0, output);
        Assert.True(summary.GetProperty("lost").GetInt64() == 0, output);
        Assert.Equal(2, Int("pagesOk"));
        Assert.True(Int("creates") > 100 && Int("relabels") > 0 && Int("deletes") > 0, output);
        Assert.True(Int("pageReloads") > 0 && Int("hubReconnects") > 0, output);
        Assert.True(Int("dbSpans") > 0, output);
        // Measured (the probe is on in the server the tool starts); a 20 s run is too short to judge a leak by.
        Assert.True(summary.GetProperty("heapRatio").GetDouble() > 0, output);
    }
}
