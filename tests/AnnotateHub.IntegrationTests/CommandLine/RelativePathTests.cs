using System.Diagnostics;
using AnnotateHub.Web.CommandLine;

namespace AnnotateHub.IntegrationTests.CommandLine;

/// <summary>
/// Relative paths on the command line mean the directory the command was typed in, not the app's content root or the
/// test process's current directory, and every message names the absolute path the command used (issue 20).
/// </summary>
[Collection(CommandLineCollection.Name)]
public sealed class RelativePathTests : CommandLineSandbox
{
    private const string Corpus = """
        {"id": "1", "text": "Iran fired missiles at Ain al-Asad.", "annotators": ["ana", "ben"], "annotations": [{"annotator": "ana", "start": 0, "end": 4, "label": "actor"}, {"annotator": "ben", "start": 0, "end": 4, "label": "actor"}]}

        """;

    [Fact]
    public async Task Every_path_option_is_taken_from_the_typed_directory_and_named_absolute_in_the_messages()
    {
        var typedIn = Directory.CreateDirectory(Path.Combine(Folder, "typed", "here")).FullName;
        Directory.CreateDirectory(Path.Combine(typedIn, "out"));
        Assert.NotEqual(typedIn, Environment.CurrentDirectory);
        await File.WriteAllTextAsync(Path.Combine(typedIn, "corpus.jsonl"), Corpus);
        await File.WriteAllTextAsync(Path.Combine(typedIn, "places.tsv"), "Ain al-Asad\tactor\n");
        Assert.Equal(0, (await RunAsync("users", "add", "root", "--role", "admin", "--password", "Root-pw-88231")).ExitCode);

        var import = await RunInAsync(typedIn, "import", "--project", "Base attacks", "--input", "corpus.jsonl");
        var export = await RunInAsync(typedIn, "export", "--project", "Base attacks", "--format", "jsonl", "--output", "out/data.jsonl");
        var agreement = await RunInAsync(typedIn, "agreement", "--input", "corpus.jsonl", "--output", "../report.json");
        var recognize = await RunInAsync(typedIn, "recognize", "--project", "Base attacks", "--gazetteer", "places.tsv");
        var backup = await RunInAsync(typedIn, "backup", "--output", "./out/backup.db");

        var corpus = Path.Combine(typedIn, "corpus.jsonl");
        Assert.Equal((0, $"Read {corpus}.\n"), (import.ExitCode, import.Out.Split('\n')[0] + "\n"));
        var data = Path.Combine(typedIn, "out", "data.jsonl");
        Assert.True(File.Exists(data));
        Assert.Equal((0, $"Exported 1 documents of \"Base attacks\" as jsonl (auto) to {data} ({new FileInfo(data).Length:N0} bytes).\n"), (export.ExitCode, export.Out));
        var report = Path.Combine(Folder, "typed", "report.json");
        Assert.True(File.Exists(report));
        Assert.Equal((0, $"Agreement of 1 documents in {corpus} written to {report}.\n"), (agreement.ExitCode, agreement.Out));
        Assert.Equal(0, recognize.ExitCode);
        Assert.StartsWith($"Read 1 entries from {Path.Combine(typedIn, "places.tsv")}.\n", recognize.Out, StringComparison.Ordinal);
        var backupFile = Path.Combine(typedIn, "out", "backup.db");
        Assert.True(File.Exists(backupFile));
        Assert.Equal(0, backup.ExitCode);
        Assert.Contains($" to {backupFile} (", backup.Out, StringComparison.Ordinal);
        // Nothing landed beside the test process (its current directory) instead.
        Assert.False(File.Exists(Path.Combine(Environment.CurrentDirectory, "out", "data.jsonl")));
        Assert.False(File.Exists(Path.Combine(Environment.CurrentDirectory, "corpus.jsonl")));
    }

    [Fact]
    public async Task A_missing_relative_file_is_refused_with_its_absolute_path()
    {
        var typedIn = Directory.CreateDirectory(Path.Combine(Folder, "elsewhere")).FullName;

        var agreement = await RunInAsync(typedIn, "agreement", "--input", "nope.jsonl");
        var restore = await RunInAsync(typedIn, "restore", "--input", "nope.db");

        Assert.Equal((1, $"error: There is no file {Path.Combine(typedIn, "nope.jsonl")}.\n"), (agreement.ExitCode, agreement.Error));
        Assert.Equal(1, restore.ExitCode);
        Assert.Contains(Path.Combine(typedIn, "nope.db"), restore.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// The real executable started the way <c>dotnet run --project src/AnnotateHub.Web</c> starts it: inside the project's
    /// folder (here a stand-in holding AnnotateHub.Web.csproj), with the shell's directory in PWD. The relative paths land
    /// in the shell's directory; started elsewhere with a stale PWD, they land in its own current directory.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_executable_takes_relative_paths_from_the_shell_under_dotnet_run_and_from_its_directory_otherwise(bool underDotnetRun)
    {
        var shell = Directory.CreateDirectory(Path.Combine(Folder, "shell")).FullName;
        var current = Directory.CreateDirectory(Path.Combine(Folder, "project")).FullName;
        if (underDotnetRun) await File.WriteAllTextAsync(Path.Combine(current, "AnnotateHub.Web.csproj"), "<Project />\n");
        var typedIn = underDotnetRun ? shell : current;
        await File.WriteAllTextAsync(Path.Combine(typedIn, "corpus.jsonl"), Corpus);

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = current,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var dll = Path.Combine(AppContext.BaseDirectory, "AnnotateHub.Web.dll");
        foreach (var arg in new[] { dll, "agreement", "--input", "corpus.jsonl", "--output", "report.json" }) start.ArgumentList.Add(arg);
        start.Environment["PWD"] = shell;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(bound.Token);

        var report = Path.Combine(typedIn, "report.json");
        Assert.Equal((0, $"Agreement of 1 documents in {Path.Combine(typedIn, "corpus.jsonl")} written to {report}.\n", ""),
            (process.ExitCode, await output, await error));
        Assert.True(File.Exists(report));
    }

    [Theory]
    // dotnet run --project src/AnnotateHub.Web moves the app into the project's folder: the shell's PWD is where it was typed.
    [InlineData("/repo/src/AnnotateHub.Web", "/repo", true, "/repo")]
    // Started straight (dotnet AnnotateHub.Web.dll, a service, a test's process): a PWD it inherited is not trusted.
    [InlineData("/srv/annotatehub", "/home/someone", false, "/srv/annotatehub")]
    // No PWD, or a relative or missing one: the current directory.
    [InlineData("/repo/src/AnnotateHub.Web", null, true, "/repo/src/AnnotateHub.Web")]
    [InlineData("/repo/src/AnnotateHub.Web", "relative", true, "/repo/src/AnnotateHub.Web")]
    [InlineData("/repo/src/AnnotateHub.Web", "/gone", true, "/repo/src/AnnotateHub.Web")]
    public void The_typed_directory_is_the_shells_only_under_dotnet_run(string current, string? pwd, bool projectFolder, string expected)
    {
        var typed = CommandDirectory.Typed(current, pwd, directoryExists: d => d != "/gone",
            fileExists: f => projectFolder && f == Path.Combine(current, "AnnotateHub.Web.csproj"));

        Assert.Equal(expected, typed);
    }
}
