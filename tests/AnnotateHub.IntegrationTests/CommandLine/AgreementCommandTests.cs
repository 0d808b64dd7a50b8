using System.Text.Json;
using AnnotateHub.Core.Projects;
using AnnotateHub.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests.CommandLine;

/// <summary>The "agreement" command, in-process: from a JSONL file without any database, and from a project's database.</summary>
[Collection(CommandLineCollection.Name)]
public sealed class AgreementCommandTests : CommandLineSandbox
{
    private const string Text = "Rockets struck the base on Monday. Officials said ten soldiers were injured.";

    private string WriteFile(string name, params string[] lines)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }

    private const string TwoAnnotators =
        """{"id": "1", "text": "Rockets struck the base on Monday. Officials said ten soldiers were injured.", "meta": {}, "annotators": ["ana", "ben"], "annotations": [{"annotator": "ana", "start": 0, "end": 7, "label": "actor", "attributes": {}}, {"annotator": "ben", "start": 0, "end": 7, "label": "actor", "attributes": {}}, {"annotator": "ana", "start": 50, "end": 62, "label": "casualty figure", "attributes": {}}, {"annotator": "ben", "start": 50, "end": 53, "label": "casualty figure", "attributes": {}}, {"annotator": "cy", "start": 35, "end": 44, "label": "actor", "attributes": {}}], "label": []}""";

    [Fact]
    public async Task Agreement_of_a_jsonl_file_is_computed_without_touching_the_database()
    {
        var file = WriteFile("corpus.jsonl", TwoAnnotators);

        var run = await RunAsync("agreement", "--input", file);

        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        Assert.False(File.Exists(DatabasePath), "--input must not create or migrate the database");
        using var json = JsonDocument.Parse(run.Out);
        var root = json.RootElement;
        var pair = root.GetProperty("pairs").EnumerateArray().Single();
        Assert.Equal(("ana", "ben", 14), (pair.GetProperty("a").GetString(), pair.GetProperty("b").GetString(), pair.GetProperty("tokens").GetInt32()));
        // Exact: actor matches, casualty figure does not (50-62 vs 50-53): 2 * 1 / (2 + 2). Overlap: both match.
        Assert.Equal(0.5, pair.GetProperty("span_f1_exact").GetDouble(), 12);
        Assert.Equal(1.0, pair.GetProperty("span_f1_overlap").GetDouble(), 12);
        // cy is not in "annotators": their span does not count.
        Assert.Equal(["ana", "ben"], root.GetProperty("annotators").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        Assert.Equal(JsonValueKind.Number, root.GetProperty("krippendorff_alpha").GetProperty("nominal_tokens").ValueKind);
        Assert.Equal(JsonValueKind.Number, root.GetProperty("krippendorff_alpha").GetProperty("unitizing").ValueKind);
        Assert.Equal(JsonValueKind.Number, root.GetProperty("fleiss_kappa").ValueKind);
        Assert.Equal(2, root.GetProperty("labels").EnumerateObject().Count());
    }

    [Fact]
    public async Task A_malformed_file_is_refused_with_every_error_by_line_and_no_report()
    {
        var file = WriteFile("bad.jsonl", TwoAnnotators, """{"text": 5}""", "not json",
            """{"text": "Short.", "annotators": ["ana"], "annotations": [{"annotator": "ana", "start": 2, "end": 60, "label": "actor"}]}""");

        var run = await RunAsync("agreement", "--input", file);

        Assert.Equal((1, ""), (run.ExitCode, run.Out));
        var errors = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, errors.Length);
        Assert.StartsWith($"error: {file}: line 2, text: must be a string", errors[0], StringComparison.Ordinal);
        Assert.StartsWith($"error: {file}: line 3: not valid JSON", errors[1], StringComparison.Ordinal);
        Assert.StartsWith($"error: {file}: line 4, annotations[0].end: 60 is past the end of the text", errors[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_report_goes_to_the_output_file_when_asked()
    {
        var file = WriteFile("corpus.jsonl", TwoAnnotators);
        var output = Path.Combine(Folder, "report.json");

        var run = await RunAsync("agreement", "--input", file, "--output", output, "--no-documents");

        Assert.Equal((0, $"Agreement of 1 documents in {file} written to {output}.\n"), (run.ExitCode, run.Out));
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("per_document").ValueKind);
    }

    [Fact]
    public async Task Values_in_a_file_are_measured_with_inferred_metrics_in_the_json_and_the_text_summary()
    {
        static string Span(string who, int start, int end, string label, string attributes) =>
            $$$"""{"annotator": "{{{who}}}", "start": {{{start}}}, "end": {{{end}}}, "label": "{{{label}}}", "attributes": {{{{attributes}}}}}""";
        // "ten" (50-53) twice: counts 10 and 12, status injured both; "ten soldiers" (50-62) twice: 5 and 5, killed and injured.
        var spans = string.Join(", ",
            Span("ana", 50, 53, "casualty figure", "\"count\": \"10\", \"status\": \"injured\", \"note\": \"check\""),
            Span("ben", 50, 53, "casualty figure", "\"count\": \"12\", \"status\": \"injured\""),
            Span("ana", 50, 62, "casualty figure", "\"count\": \"5\", \"status\": \"killed\""),
            Span("ben", 50, 62, "casualty figure", "\"count\": \"5\", \"status\": \"injured\""));
        var file = WriteFile("values.jsonl",
            $$"""{"id": "1", "text": "{{Text}}", "meta": {}, "annotators": ["ana", "ben"], "annotations": [{{spans}}]}""");

        var run = await RunAsync("agreement", "--input", file);

        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        using var json = JsonDocument.Parse(run.Out);
        var rows = json.RootElement.GetProperty("attributes").EnumerateArray().ToList();
        Assert.Equal(["count", "status"], rows.Select(r => r.GetProperty("attribute").GetString())); // never "note"
        Assert.Equal(("interval", JsonValueKind.Null, 2, 4), (rows[0].GetProperty("metric").GetString(), rows[0].GetProperty("kind").ValueKind,
            rows[0].GetProperty("units").GetInt32(), rows[0].GetProperty("values").GetInt32()));
        // Values 10, 12, 5, 5: D_o = 8 / 4 = 2; sum over ordered pairs 2*4*294 - 2*32^2 = 304, D_e = 304 / 12; alpha = 1 - 24/304.
        Assert.Equal(1 - 24.0 / 304, rows[0].GetProperty("alpha").GetDouble(), 1e-9);
        // injured, injured, killed, injured: D_o = 2 / 4; 16 - (9 + 1) = 6, D_e = 6 / 12; alpha = 0.
        Assert.Equal(("nominal", 0.0), (rows[1].GetProperty("metric").GetString(), rows[1].GetProperty("alpha").GetDouble()));

        var output = Path.Combine(Folder, "values.json");
        var summary = await RunAsync("agreement", "--input", file, "--output", output);
        Assert.Equal(0, summary.ExitCode);
        var lines = summary.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"Agreement of 1 documents in {file} written to {output}.", lines[0]);
        Assert.StartsWith("What the spans say", lines[1], StringComparison.Ordinal);
        Assert.Equal(["label", "attribute", "metric", "units", "values", "alpha"], lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["casualty", "figure", "count", "interval", "(inferred)", "2", "4", "0.921"], lines[3].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["casualty", "figure", "status", "nominal", "(inferred)", "2", "4", "0.000"], lines[4].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Input_and_project_are_one_or_the_other()
    {
        Assert.Equal(2, (await RunAsync("agreement")).ExitCode);
        Assert.Equal(2, (await RunAsync("agreement", "--input", "a.jsonl", "--project", "x")).ExitCode);
        Assert.Equal(1, (await RunAsync("agreement", "--input", Path.Combine(Folder, "missing.jsonl"))).ExitCode);
    }

    [Fact]
    public async Task Agreement_of_a_project_counts_only_the_annotators_who_marked_a_document_done()
    {
        foreach (var name in new[] { "ana", "ben", "cy" }) Assert.Equal(0, (await RunAsync("users", "add", name, "--password", "Annotator-pw-1234")).ExitCode);
        await using (var db = CreateDbContext())
        {
            var ids = await db.Users.ToDictionaryAsync(u => u.UserName!, u => u.Id);
            var project = new Project { Name = "Base attacks", OwnerId = ids["ana"], CreatedAt = DateTime.UtcNow };
            var actor = new LabelDefinition { Name = "actor", Color = "#123456" };
            project.Labels.Add(actor);
            var document = new Document { Title = "One", Text = Text, Length = Text.Length, ContentHash = "h1", CreatedAt = DateTime.UtcNow };
            project.Documents.Add(document);
            db.Projects.Add(project);
            await db.SaveChangesAsync();
            void Span(string who, int start, int end) => db.Annotations.Add(new Annotation
            {
                DocumentId = document.Id, AnnotatorId = ids[who], Start = start, End = end, LabelId = actor.Id, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow, Version = 1,
            });
            Span("ana", 0, 7);
            Span("ben", 0, 7);
            Span("cy", 35, 44);
            foreach (var (who, state) in new[] { ("ana", AssignmentState.Done), ("ben", AssignmentState.Done), ("cy", AssignmentState.InProgress) })
                db.Assignments.Add(new Assignment { DocumentId = document.Id, ProjectId = project.Id, UserId = ids[who], State = state, AssignedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        var run = await RunAsync("agreement", "--project", "Base attacks");
        var unknown = await RunAsync("agreement", "--project", "Nope");

        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        using var json = JsonDocument.Parse(run.Out);
        var pair = json.RootElement.GetProperty("pairs").EnumerateArray().Single();
        Assert.Equal(("ana", "ben"), (pair.GetProperty("a").GetString(), pair.GetProperty("b").GetString()));
        Assert.Equal(1.0, pair.GetProperty("cohen_kappa").GetDouble(), 12);
        Assert.Equal(1.0, pair.GetProperty("span_f1_exact").GetDouble(), 12);
        Assert.Equal(2, json.RootElement.GetProperty("labels").GetProperty("actor").GetProperty("spans").GetInt32());
        Assert.Equal((1, "error: There is no project named \"Nope\" (see: projects list).\n"), (unknown.ExitCode, unknown.Error));
    }
}
