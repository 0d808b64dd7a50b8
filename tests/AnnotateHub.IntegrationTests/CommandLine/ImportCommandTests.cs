using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests.CommandLine;

/// <summary>The "import" command in-process against its own SQLite file, as the command line uses it.</summary>
[Collection(CommandLineCollection.Name)]
public sealed class ImportCommandTests : CommandLineSandbox
{

    [Fact]
    public async Task Import_creates_the_project_and_a_bad_file_changes_nothing_and_exits_1()
    {
        Assert.Equal(0, (await RunAsync("users", "add", "root", "--role", "admin", "--password", "Root-pw-88231")).ExitCode);
        var good = Path.Combine(Folder, "corpus.jsonl");
        await File.WriteAllTextAsync(good,
            """
            {"id": "1", "text": "Iran fired missiles.", "annotators": ["ana"], "annotations": [{"annotator": "ana", "start": 0, "end": 4, "label": "actor"}]}
            {"id": "2", "text": "Nobody was hurt.", "annotators": ["ana"]}

            """);
        var bad = Path.Combine(Folder, "bad.jsonl");
        await File.WriteAllTextAsync(bad, "{\"text\": \"More.\", \"annotations\": [{\"annotator\": \"ana\", \"start\": 0, \"end\": 3, \"label\": \"weapon\"}]}\n");

        var imported = await RunAsync("import", "--project", "Base attacks", "--input", good);
        var refused = await RunAsync("import", "--project", "Base attacks", "--input", bad);
        var missing = await RunAsync("import", "--project", "Base attacks");

        Assert.Equal(0, imported.ExitCode);
        Assert.Equal(
            $"""
            Read {good}.
            Imported 2 documents into "Base attacks" (new project): 1 annotation, 0 gold spans, 0 suggestions.
            New labels: actor.
            Accounts created for annotators named in the file (no password, cannot sign in until an admin sets one): ana.

            """, imported.Out);
        Assert.Equal((1, $"Read {bad}.\nNothing was imported: 1 error.\n  line 1, annotations[0].label: unknown label \"weapon\"; the project's labels are: actor\n"), (refused.ExitCode, refused.Error));
        Assert.Equal(2, missing.ExitCode);
        await using var db = CreateDbContext();
        Assert.Equal(2, await db.Documents.CountAsync());
        Assert.Equal(["actor"], await db.Labels.Select(l => l.Name).ToListAsync());

        // And out again, as spaCy JSONL; a bad format is refused with the list of formats and writes nothing.
        var spacy = Path.Combine(Folder, "out.jsonl");
        var exported = await RunAsync("export", "--project", "Base attacks", "--format", "spacy", "--layer", "annotator:ana", "--output", spacy);
        var badFormat = await RunAsync("export", "--project", "Base attacks", "--format", "xml", "--output", Path.Combine(Folder, "x"));
        Assert.Equal(0, exported.ExitCode);
        Assert.Equal($"Exported 2 documents of \"Base attacks\" as spacy (annotator:ana) to {spacy} ({new FileInfo(spacy).Length} bytes).\n", exported.Out);
        var lines = (await File.ReadAllLinesAsync(spacy)).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["Iran fired missiles.", "Nobody was hurt."], lines.Select(l => l.GetProperty("text").GetString()));
        Assert.Equal("""[{"start":0,"end":4,"label":"actor","annotator":"ana"}]""", lines[0].GetProperty("spans").GetRawText());
        Assert.Equal(0, lines[1].GetProperty("spans").GetArrayLength());
        Assert.Equal((1, "error: Unknown format \"xml\"; the formats are jsonl, spacy, conll, brat, w3c, csv, parquet.\n"), (badFormat.ExitCode, badFormat.Error));
        Assert.False(File.Exists(Path.Combine(Folder, "x")));
    }

    [Fact]
    public async Task Suggestions_for_documents_the_project_has_attach_through_the_command_and_the_output_counts_them()
    {
        Assert.Equal(0, (await RunAsync("users", "add", "root", "--role", "admin", "--password", "Root-pw-88231")).ExitCode);
        var corpus = Path.Combine(Folder, "corpus.jsonl");
        await File.WriteAllTextAsync(corpus,
            """
            {"id": "1", "text": "Iran fired missiles.", "annotations": [{"annotator": "ana", "start": 0, "end": 4, "label": "actor"}]}
            {"id": "2", "text": "Nobody was hurt."}

            """);
        var model = Path.Combine(Folder, "model.jsonl");
        // Document 1 by its id, document 2 by its text (no id on the line).
        await File.WriteAllTextAsync(model,
            """
            {"id": "1", "text": "Iran fired missiles.", "annotations": [{"annotator": "ner-v2", "start": 0, "end": 4, "label": "actor"}, {"annotator": "ner-v2", "start": 11, "end": 19, "label": "actor"}]}
            {"text": "Nobody was hurt.", "annotations": [{"annotator": "ner-v2", "start": 0, "end": 6, "label": "actor"}]}

            """);

        Assert.Equal(0, (await RunAsync("import", "--project", "Base attacks", "--input", corpus)).ExitCode);
        var attached = await RunAsync("import", "--project", "Base attacks", "--input", model, "--suggestions");

        Assert.Equal((0, ""), (attached.ExitCode, attached.Error));
        Assert.Equal($"Read {model}.\nNo new documents in \"Base attacks\": 3 suggestions attached to 2 existing documents.\n", attached.Out);
        await using var db = CreateDbContext();
        Assert.Equal(2, await db.Documents.CountAsync());
        var suggestions = await db.Suggestions.Join(db.Documents, s => s.DocumentId, d => d.Id, (s, d) => new { s.Source, s.Start, s.End, Document = d.ExternalId })
            .OrderBy(s => s.Document).ThenBy(s => s.Start).ToListAsync();
        Assert.Equal([("1", 0, 4), ("1", 11, 19), ("2", 0, 6)], suggestions.Select(s => (s.Document, s.Start, s.End)));
        Assert.All(suggestions, s => Assert.Equal("ner-v2", s.Source));
    }

    [Fact]
    public async Task Hostile_files_on_the_command_line_are_refused_with_their_reason_and_exit_1()
    {
        Assert.Equal(0, (await RunAsync("users", "add", "root", "--role", "admin", "--password", "Root-pw-88231")).ExitCode);
        var deep = Path.Combine(Folder, "deep.html");
        await File.WriteAllTextAsync(deep, "<html><body>" + string.Concat(Enumerable.Repeat("<div>", 200_000)));
        var surrogate = Path.Combine(Folder, "surrogate.jsonl");
        await File.WriteAllTextAsync(surrogate, "{\"text\": \"half \\ud800 a pair\"}\n");

        var deepRun = await RunAsync("import", "--project", "Hostile", "--input", deep);
        var surrogateRun = await RunAsync("import", "--project", "Hostile", "--input", surrogate);

        Assert.Equal(1, deepRun.ExitCode);
        Assert.Contains("deep.html: the HTML nests elements more than 512 levels deep (line 1)", deepRun.Error, StringComparison.Ordinal);
        Assert.Equal(1, surrogateRun.ExitCode);
        Assert.Contains("line 1: holds a lone surrogate", surrogateRun.Error, StringComparison.Ordinal);
    }
}
