namespace AnnotateHub.IntegrationTests.Operations;

/// <summary>
/// A short run of the load tool's circuit path (tests/AnnotateHub.LoadTest --circuit-path): Blazor circuits opened at the
/// protocol level on the first demo article of the tool's own published server, at two span levels, while a hub client
/// creates and deletes spans; then idle circuits held. Every circuit must render every create, and the server must log
/// no error. It fails when the page starts needing something of the browser the protocol client does not give (a JS
/// call whose answer must be a value, a new root component). The full run is a benchmark (docs/benchmarks.md).
/// </summary>
public sealed class CircuitPathSmokeTests
{
    [Fact]
    public async Task Circuits_without_a_browser_render_every_create_at_two_span_levels_and_idle_ones_stay_connected()
    {
        var run = await LoadTool.RunAsync(TimeSpan.FromMinutes(5), "--circuit-path", "--circuits", "3", "--rate", "20", "--seconds", "2",
            "--repeats", "1", "--span-levels", "10,60", "--idle-circuits", "20", "--hold", "2");
        var output = run.Output;

        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}{Environment.NewLine}{output}{Environment.NewLine}{run.Errors}");
        var summary = run.Summary;
        Assert.True(summary.GetProperty("completed").GetBoolean(), output);
        Assert.True(summary.GetProperty("serverFailures").GetInt32() == 0, output);
        var levels = summary.GetProperty("levels").EnumerateArray().ToList();
        Assert.Equal([10, 60], levels.Select(l => l.GetProperty("spans").GetInt32()));
        foreach (var level in levels)
        {
            Assert.Equal(3, level.GetProperty("circuitsOpen").GetInt32());
            // Warm-up window and one measured window of 40 creates each, on each of the 3 circuits.
            Assert.True(level.GetProperty("expectedUpdates").GetInt32() == 2 * 40 * 3, output);
            Assert.True(level.GetProperty("missingUpdates").GetInt32() == 0, output);
            Assert.True(level.GetProperty("changeToBatchMs").GetProperty("count").GetInt32() == 40 * 3, output);
            Assert.True(level.GetProperty("batches").GetInt64() >= 2 * 40 * 3, output);
            Assert.Empty(level.GetProperty("errors").EnumerateArray());
            Assert.True(level.GetProperty("managedBytesPerCircuit").GetDouble() > 0, output);
        }
        var idle = summary.GetProperty("idle");
        Assert.Equal(20, idle.GetProperty("opened").GetInt32());
        Assert.Equal(20, idle.GetProperty("connectedAfterHold").GetInt32());
        Assert.Equal(20, idle.GetProperty("renderedLastCreate").GetInt32());
    }
}
