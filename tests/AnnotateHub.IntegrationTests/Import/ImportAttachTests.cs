using System.Text;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Import;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests.Import;

/// <summary>Spans for documents the project already has attach to them; duplicate ids in one file are refused by line.</summary>
public sealed class ImportAttachTests(AppServer server) : IClassFixture<AppServer>
{
    private static MemoryStream Utf8(string text) => new(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task Suggestions_for_documents_the_project_has_attach_to_them_and_are_reported()
    {
        var u = Guid.NewGuid().ToString("N")[..8];
        var admin = await server.AdminIdAsync();
        var import = server.Get<ImportService>();
        var first = await import.ImportAsync(Utf8($$"""
            {"id": "a", "text": "Rockets hit the base. {{u}}", "annotations": [{"annotator": "ana-{{u}}", "start": 0, "end": 7, "label": "actor"}]}
            {"id": "b", "text": "Two were hurt. {{u}}"}
            """), "docs.jsonl", new ImportOptions(admin, ProjectName: "Attach " + u));
        Assert.True(first.Succeeded, string.Join("\n", first.Describe()));

        var again = await import.ImportAsync(Utf8($$"""
            {"id": "a", "text": "Rockets hit the base. {{u}}", "annotations": [{"annotator": "model", "start": 0, "end": 7, "label": "actor"}, {"annotator": "model", "start": 8, "end": 11, "label": "actor"}]}
            {"text": "Two were hurt. {{u}}", "annotations": [{"annotator": "model", "start": 0, "end": 3, "label": "actor"}]}
            """), "model.jsonl", new ImportOptions(admin, ProjectName: "Attach " + u, Spans: ImportedSpans.Suggestions));

        Assert.True(again.Succeeded, string.Join("\n", again.Describe()));
        Assert.Equal((0, 0, 3, 2), (again.Documents, again.Suggestions, again.AttachedSuggestions, again.SuggestedExisting));
        Assert.Contains("3 suggestions attached to 2 existing documents", again.Describe().First());
        await using var db = await server.Get<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContextAsync();
        var project = await db.Projects.SingleAsync(p => p.Name == "Attach " + u);
        var counts = await db.Documents.Where(d => d.ProjectId == project.Id).OrderBy(d => d.Id)
            .Select(d => db.Suggestions.Count(s => s.DocumentId == d.Id)).ToListAsync();
        Assert.Equal([2, 1], counts);
        Assert.Equal(0, await db.ImportBatches.CountAsync());
        Assert.Equal(0, await db.Projects.IgnoreQueryFilters().CountAsync(p => p.ImportPending));

        // The same file again adds nothing: every suggestion is already there.
        var repeat = await import.ImportAsync(Utf8($$"""{"id": "a", "text": "Rockets hit the base. {{u}}", "annotations": [{"annotator": "model", "start": 0, "end": 7, "label": "actor"}]}"""),
            "model.jsonl", new ImportOptions(admin, ProjectName: "Attach " + u, Spans: ImportedSpans.Suggestions));
        Assert.Equal((0, 1), (repeat.AttachedSuggestions, repeat.AlreadyThere));
    }

    [Fact]
    public async Task A_new_annotators_spans_and_document_labels_attach_to_a_document_the_project_has_even_when_they_did_not_finish_it()
    {
        var u = Guid.NewGuid().ToString("N")[..8];
        var admin = await server.AdminIdAsync();
        var import = server.Get<ImportService>();
        var first = await import.ImportAsync(Utf8($$$"""
            {"id": "a", "text": "Rockets hit the base. {{{u}}}", "annotators": ["ana-{{{u}}}"], "annotations": [{"annotator": "ana-{{{u}}}", "start": 0, "end": 7, "label": "actor"}],
             "document_labels": [{"annotator": "ana-{{{u}}}", "attributes": {"event date": "2024-01-05"}}]}
            """.Replace("\n ", " ", StringComparison.Ordinal)), "docs.jsonl", new ImportOptions(admin, ProjectName: "Attach new annotator " + u));
        Assert.True(first.Succeeded, string.Join("\n", first.Describe()));

        // zed is new to the project and not among the file's "annotators" (still working); ana said something else already.
        var again = await import.ImportAsync(Utf8($$$"""
            {"id": "a", "text": "Rockets hit the base. {{{u}}}", "annotations": [{"annotator": "zed-{{{u}}}", "start": 12, "end": 20, "label": "actor"}],
             "document_labels": [{"annotator": "zed-{{{u}}}", "attributes": {"event date": "2024-01-06"}}, {"annotator": "ana-{{{u}}}", "attributes": {"event date": "2024-02-01"}}]}
            """.Replace("\n ", " ", StringComparison.Ordinal)), "zed.jsonl", new ImportOptions(admin, ProjectId: first.ProjectId));

        Assert.True(again.Succeeded, string.Join("\n", again.Describe()));
        Assert.Equal((1, 1, 1), (again.AttachedAnnotations, again.DocumentLabels, again.DocumentLabelsKept));
        Assert.Contains(again.KeptDetails, k => k.Contains($"ana-{u}'s document labels not applied", StringComparison.Ordinal));
        await using var db = await server.Get<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContextAsync();
        var document = await db.Documents.SingleAsync(d => d.ProjectId == first.ProjectId);
        var labels = await (from l in db.DocumentLabels join w in db.Users on l.AnnotatorId equals w.Id where l.DocumentId == document.Id
                            orderby w.UserName select new { w.UserName, l.Values }).ToListAsync();
        Assert.Equal([($"ana-{u}", """{"event date":"2024-01-05"}"""), ($"zed-{u}", """{"event date":"2024-01-06"}""")], labels.Select(l => (l.UserName!, l.Values)));
        var zed = await db.Users.SingleAsync(w => w.UserName == $"zed-{u}");
        Assert.Equal(Core.Projects.AssignmentState.InProgress, (await db.Assignments.SingleAsync(a => a.DocumentId == document.Id && a.UserId == zed.Id)).State);
    }

    [Fact]
    public async Task A_curated_line_without_gold_marks_a_document_the_project_has_curated_instead_of_being_skipped()
    {
        // A curator may reject everything in a document: its export is curated with no gold, and reads back as that.
        var u = Guid.NewGuid().ToString("N")[..8];
        var admin = await server.AdminIdAsync();
        var import = server.Get<ImportService>();
        var first = await import.ImportAsync(Utf8($$"""{"id": "n", "text": "Nothing to tag. {{u}}"}"""), "n.jsonl", new ImportOptions(admin, ProjectName: "Curated only " + u));
        Assert.True(first.Succeeded, string.Join("\n", first.Describe()));

        var report = await import.ImportAsync(Utf8($$"""{"id": "n", "text": "Nothing to tag. {{u}}", "label": [], "curated": true}"""), "n.jsonl",
            new ImportOptions(admin, ProjectId: first.ProjectId));

        Assert.True(report.Succeeded, string.Join("\n", report.Describe()));
        Assert.Equal((0, 1, 0), (report.Duplicates, report.CuratedExisting, report.CuratedKept));
        Assert.Equal("No new documents in \"Curated only " + u + "\": 1 existing document marked curated.", report.Describe().First());
        await using var db = await server.Get<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContextAsync();
        var document = await db.Documents.SingleAsync(d => d.ProjectId == first.ProjectId);
        Assert.NotNull(document.CuratedAt);
        Assert.Equal(admin, document.CuratedById);
    }

    [Fact]
    public async Task A_document_id_used_twice_in_a_file_is_refused_by_line_and_nothing_is_imported()
    {
        var u = Guid.NewGuid().ToString("N")[..8];
        var report = await server.Get<ImportService>().ImportAsync(Utf8($$"""
            {"id": "same", "text": "First text. {{u}}"}
            {"id": "same", "text": "Second text. {{u}}"}
            """), "dup.jsonl", new ImportOptions(await server.AdminIdAsync(), ProjectName: "Dup " + u));

        Assert.False(report.Succeeded);
        var error = Assert.Single(report.Errors);
        Assert.Equal((2, "id"), (error.Line, error.Field));
        Assert.Contains("already used by line 1", error.Message);
        await using var db = await server.Get<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContextAsync();
        Assert.False(await db.Projects.IgnoreQueryFilters().AnyAsync(p => p.Name == "Dup " + u));
        Assert.Equal(0, await db.ImportBatches.CountAsync());
    }

    [Fact]
    public async Task Text_that_differs_for_a_known_id_is_refused_by_line()
    {
        var u = Guid.NewGuid().ToString("N")[..8];
        var admin = await server.AdminIdAsync();
        var import = server.Get<ImportService>();
        Assert.True((await import.ImportAsync(Utf8($$"""{"id": "x", "text": "Original. {{u}}"}"""), "x.jsonl", new ImportOptions(admin, ProjectName: "Changed " + u))).Succeeded);
        var report = await import.ImportAsync(Utf8($$"""{"id": "x", "text": "Edited. {{u}}", "annotations": [{"annotator": "m", "start": 0, "end": 6, "label": "actor"}]}"""),
            "x.jsonl", new ImportOptions(admin, ProjectName: "Changed " + u, Spans: ImportedSpans.Suggestions));
        Assert.False(report.Succeeded);
        Assert.Equal((1, "text"), (report.Errors[0].Line, report.Errors[0].Field));
    }
}
