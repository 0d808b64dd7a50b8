using AnnotateHub.Web.CommandLine;
using AnnotateHub.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests.CommandLine;

/// <summary>The "import" command in-process against its own SQLite file, as the issue's command line uses it.</summary>
[Collection(CommandLineCollection.Name)]
public sealed class ImportCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("annotatehub-import-").FullName;
    private string ConnectionString => $"Data Source={Path.Combine(_folder, "cli.db")}";

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* a leftover temp folder is harmless */ }
    }

    [Fact]
    public async Task Import_creates_the_project_and_a_bad_file_changes_nothing_and_exits_1()
    {
        Assert.Equal(0, (await RunAsync("users", "add", "root", "--role", "admin", "--password", "Root-pw-88231")).ExitCode);
        var good = Path.Combine(_folder, "corpus.jsonl");
        await File.WriteAllTextAsync(good,
            """
            {"id": "1", "text": "Iran fired missiles.", "annotators": ["ana"], "annotations": [{"annotator": "ana", "start": 0, "end": 4, "label": "actor"}]}
            {"id": "2", "text": "Nobody was hurt.", "annotators": ["ana"]}

            """);
        var bad = Path.Combine(_folder, "bad.jsonl");
        await File.WriteAllTextAsync(bad, "{\"text\": \"More.\", \"annotations\": [{\"annotator\": \"ana\", \"start\": 0, \"end\": 3, \"label\": \"weapon\"}]}\n");

        var imported = await RunAsync("import", "--project", "Base attacks", "--input", good);
        var refused = await RunAsync("import", "--project", "Base attacks", "--input", bad);
        var missing = await RunAsync("import", "--project", "Base attacks");

        Assert.Equal(0, imported.ExitCode);
        Assert.Equal(
            """
            Imported 2 documents into "Base attacks" (new project): 1 annotations, 0 gold spans, 0 suggestions.
            New labels: actor.
            Accounts created for annotators named in the file (no password, cannot sign in until an admin sets one): ana.

            """, imported.Out);
        Assert.Equal((1, "Nothing was imported: 1 error.\n  line 1, annotations[0].label: unknown label \"weapon\"; the project's labels are: actor\n"), (refused.ExitCode, refused.Error));
        Assert.Equal(2, missing.ExitCode);
        await using var db = new AnnotateHubDbContext(new DbContextOptionsBuilder<AnnotateHubDbContext>().UseSqlite(ConnectionString).Options);
        Assert.Equal(2, await db.Documents.CountAsync());
        Assert.Equal(["actor"], await db.Labels.Select(l => l.Name).ToListAsync());

        // And out again, as spaCy JSONL; a bad format is refused with the list of formats and writes nothing.
        var spacy = Path.Combine(_folder, "out.jsonl");
        var exported = await RunAsync("export", "--project", "Base attacks", "--format", "spacy", "--layer", "annotator:ana", "--output", spacy);
        var badFormat = await RunAsync("export", "--project", "Base attacks", "--format", "xml", "--output", Path.Combine(_folder, "x"));
        Assert.Equal(0, exported.ExitCode);
        Assert.Equal($"Exported 2 documents of \"Base attacks\" as spacy (annotator:ana) to {spacy} ({new FileInfo(spacy).Length} bytes).\n", exported.Out);
        var lines = (await File.ReadAllLinesAsync(spacy)).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["Iran fired missiles.", "Nobody was hurt."], lines.Select(l => l.GetProperty("text").GetString()));
        Assert.Equal("""[{"start":0,"end":4,"label":"actor","annotator":"ana"}]""", lines[0].GetProperty("spans").GetRawText());
        Assert.Equal(0, lines[1].GetProperty("spans").GetArrayLength());
        Assert.Equal((1, "error: Unknown format \"xml\"; the formats are jsonl, spacy, conll, brat, w3c, csv, parquet.\n"), (badFormat.ExitCode, badFormat.Error));
        Assert.False(File.Exists(Path.Combine(_folder, "x")));
    }

    private async Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var settings = new Dictionary<string, string?> { [$"ConnectionStrings:{DataServiceExtensions.ConnectionStringName}"] = ConnectionString };
        var code = await CommandLineHost.RunAsync(args, new StringReader(""), output, error, settings, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
