using System.Diagnostics;
using System.Text.Json;

namespace AnnotateHub.IntegrationTests.Operations;

/// <summary>Runs the load tool (tests/AnnotateHub.LoadTest, built with the solution) as a child process and reads the
/// JSON summary it prints as its last line.</summary>
internal static class LoadTool
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    public sealed record Result(int ExitCode, string Output, string Errors, JsonElement Summary);

    public static async Task<Result> RunAsync(TimeSpan limit, params string[] arguments)
    {
        var start = new ProcessStartInfo(Dotnet()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(ToolPath());
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The load tool did not end within {limit.TotalMinutes:0} minutes.{Environment.NewLine}{await stdout}");
        }
        var output = await stdout;
        var errors = await stderr;
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
        var summary = last.StartsWith('{') ? JsonDocument.Parse(last).RootElement : default;
        return new Result(process.ExitCode, output, errors, summary);
    }

    private static string ToolPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "AnnotateHub.sln"))) continue;
            var tool = Path.Combine(dir.FullName, "tests", "AnnotateHub.LoadTest", "bin", Configuration, "net10.0", "AnnotateHub.LoadTest.dll");
            return File.Exists(tool) ? tool : throw new InvalidOperationException($"{tool} is missing: build AnnotateHub.sln -c {Configuration} first.");
        }
        throw new InvalidOperationException("AnnotateHub.sln not found above the test's output folder.");
    }

    private static string Dotnet()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }
}
