using System.Net;
using System.Text;
using System.Text.Json;
using AnnotateHub.Core.Curation;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Curation;
using AnnotateHub.Web.Features.Import;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests.Export;

/// <summary>
/// Gold made by curation (a merge, a curator's decision, finish) goes out with its provenance, and the default layer is
/// gold for the curated document and every annotator's spans for the other; the export imports back with it.
/// </summary>
public sealed class CuratedExportTests(AppServer server) : IClassFixture<AppServer>, IAsyncLifetime
{
    private const string Rule = "vote:1:0.5";
    private string _u = "";
    private int _projectId;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _u = Guid.NewGuid().ToString("N")[..8];
        // c-1: both annotators tag "Rockets", only ana tags "Erbil", and they disagree on the label of "two".
        // c-2: both tag "Rockets"; it is merged but never finished.
        var file =
            $$$"""
            {"id": "c-1", "text": "Rockets hit Erbil base; two hurt. {{{_u}}}", "annotators": ["cx-ana-{{{_u}}}", "cx-ben-{{{_u}}}"], "annotations": [{"annotator": "cx-ana-{{{_u}}}", "start": 0, "end": 7, "label": "actor"}, {"annotator": "cx-ben-{{{_u}}}", "start": 0, "end": 7, "label": "actor"}, {"annotator": "cx-ana-{{{_u}}}", "start": 12, "end": 17, "label": "place"}, {"annotator": "cx-ana-{{{_u}}}", "start": 24, "end": 27, "label": "casualty figure"}, {"annotator": "cx-ben-{{{_u}}}", "start": 24, "end": 27, "label": "actor"}]}
            {"id": "c-2", "text": "Rockets again. {{{_u}}}", "annotators": ["cx-ana-{{{_u}}}", "cx-ben-{{{_u}}}"], "annotations": [{"annotator": "cx-ana-{{{_u}}}", "start": 0, "end": 7, "label": "actor"}, {"annotator": "cx-ben-{{{_u}}}", "start": 0, "end": 7, "label": "actor"}]}
            """;
        var admin = await server.AdminIdAsync();
        var report = await server.Get<ImportService>().ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes(file)), "c.jsonl",
            new ImportOptions(admin, ProjectName: "Curated export " + _u));
        Assert.True(report.Succeeded, string.Join("\n", report.Describe()));
        _projectId = report.ProjectId!.Value;

        int curated, open;
        string ana;
        await using (var db = server.CreateDbContext())
        {
            curated = await db.Documents.Where(d => d.ProjectId == _projectId && d.ExternalId == "c-1").Select(d => d.Id).SingleAsync();
            open = await db.Documents.Where(d => d.ProjectId == _projectId && d.ExternalId == "c-2").Select(d => d.Id).SingleAsync();
            ana = await db.Users.Where(u => u.UserName == $"cx-ana-{_u}").Select(u => u.Id).SingleAsync();
        }
        var curation = server.Get<CurationService>();
        var rule = MergeRule.Parse(Rule).Rule!;
        Assert.True((await curation.MergeAsync(curated, admin, rule)).Succeeded);
        var accepted = await curation.AcceptAsync(curated, admin, ana, 24, 27, "ana's label");
        Assert.True(accepted.Succeeded, accepted.Error);
        var finished = await curation.FinishAsync(curated, admin);
        Assert.True(finished.Succeeded, finished.Error);
        Assert.True((await curation.MergeAsync(open, admin, rule)).Succeeded);

        _client = server.CreateHttpClient(allowAutoRedirect: false);
        _client.DefaultRequestHeaders.Add("Cookie", await server.SignInCookieAsync(AppServer.AdminUserName, AppServer.AdminPassword));
    }

    public Task DisposeAsync()
    {
        _client.Dispose();
        return Task.CompletedTask;
    }

    private async Task<byte[]> ExportAsync(string query)
    {
        using var response = await _client.GetAsync($"/api/projects/{_projectId}/export?{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static List<JsonElement> Lines(byte[] body) =>
        Encoding.UTF8.GetString(body).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    private static string Provenance(JsonElement p) =>
        $"{p.GetProperty("origin").GetString()}|{p.GetProperty("rule").GetString()}|{p.GetProperty("curator").GetString()}|"
        + $"{string.Join(",", p.GetProperty("sources").EnumerateArray().Select(s => s.GetString()))}|{p.GetProperty("note").GetString()}";

    [Fact]
    public async Task The_default_jsonl_export_is_gold_with_provenance_for_the_curated_document_and_every_span_for_the_other()
    {
        var lines = Lines(await ExportAsync("format=jsonl"));

        var curated = lines.Single(l => l.GetProperty("id").GetString() == "c-1");
        Assert.True(curated.GetProperty("curated").GetBoolean());
        Assert.Equal(0, curated.GetProperty("annotations").GetArrayLength());
        Assert.Equal("[[0,7,\"actor\"],[12,17,\"place\"],[24,27,\"casualty figure\"]]", curated.GetProperty("label").GetRawText());
        string ana = $"cx-ana-{_u}", ben = $"cx-ben-{_u}";
        Assert.Equal(
        [
            $"unanimous|{Rule}||{ana},{ben}|",
            $"merged|{Rule}||{ana}|",
            $"adjudicated||{AppServer.AdminUserName}|{ana}|ana's label",
        ], curated.GetProperty("gold_provenance").EnumerateArray().Select(Provenance));
        Assert.Equal("at least 1 annotator and 50% of the votes", curated.GetProperty("gold_provenance")[0].GetProperty("rule_text").GetString());

        var open = lines.Single(l => l.GetProperty("id").GetString() == "c-2");
        Assert.False(open.TryGetProperty("curated", out _));
        Assert.Equal([ana, ben], open.GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("annotator").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Explicit_layers_behave_as_before_and_conll_defaults_to_gold_where_curated_and_majority_elsewhere()
    {
        var all = Lines(await ExportAsync("format=jsonl&layer=all"));
        Assert.Equal(5, all.Single(l => l.GetProperty("id").GetString() == "c-1").GetProperty("annotations").GetArrayLength());

        var conll = Encoding.UTF8.GetString(await ExportAsync("format=conll"));
        var documents = conll.Split("-DOCSTART- -X- -X- O\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("two -X- -X- B-casualty_figure", documents[0], StringComparison.Ordinal); // the curator's gold
        Assert.Contains("Rockets -X- -X- B-actor", documents[1], StringComparison.Ordinal); // 2 of 2: the majority

        var csv = Encoding.UTF8.GetString(await ExportAsync("format=csv"));
        Assert.Contains($"c-1,,,24,27,casualty figure,two,adjudicated,,{AppServer.AdminUserName},cx-ana-{_u}\r\n", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_export_imports_back_with_its_provenance_and_curated_state()
    {
        var body = await ExportAsync("format=jsonl&layer=all");
        var report = await server.Get<ImportService>().ImportAsync(new MemoryStream(body), "curated.jsonl",
            new ImportOptions(await server.AdminIdAsync(), ProjectName: "Curated back " + _u));
        Assert.True(report.Succeeded, string.Join("\n", report.Describe()));

        await using var db = server.CreateDbContext();
        var admin = await server.AdminIdAsync();
        var document = await db.Documents.SingleAsync(d => d.ProjectId == report.ProjectId && d.ExternalId == "c-1");
        Assert.NotNull(document.CuratedAt);
        Assert.Null((await db.Documents.SingleAsync(d => d.ProjectId == report.ProjectId && d.ExternalId == "c-2")).CuratedAt);
        var gold = await db.GoldAnnotations.Where(g => g.DocumentId == document.Id).OrderBy(g => g.Start)
            .Select(g => new { g.Start, g.Origin, g.Rule, g.CuratorId, g.Sources, g.Note }).ToListAsync();
        Assert.Equal(
        [
            (0, GoldOrigin.Unanimous, Rule, null, $"cx-ana-{_u},cx-ben-{_u}", null),
            (12, GoldOrigin.Merged, Rule, null, $"cx-ana-{_u}", null),
            (24, GoldOrigin.Adjudicated, null, admin, $"cx-ana-{_u}", "ana's label"),
        ], gold.Select(g => (g.Start, g.Origin, g.Rule, g.CuratorId, g.Sources, g.Note)));
    }

    private async Task<ImportReport> ImportIntoProjectAsync(byte[] body, string actorId)
    {
        var report = await server.Get<ImportService>().ImportAsync(new MemoryStream(body), "again.jsonl", new ImportOptions(actorId, ProjectId: _projectId));
        Assert.True(report.Succeeded, string.Join("\n", report.Describe()));
        return report;
    }

    private async Task<int> DocumentAsync(string externalId)
    {
        await using var db = server.CreateDbContext();
        return await db.Documents.Where(d => d.ProjectId == _projectId && d.ExternalId == externalId).Select(d => d.Id).SingleAsync();
    }

    private async Task<List<(int Start, int End, string Label, GoldOrigin Origin, string? Rule, string? CuratorId, string? Sources, string? Note)>> GoldAsync(int documentId)
    {
        await using var db = server.CreateDbContext();
        return (await db.GoldAnnotations.Where(g => g.DocumentId == documentId).OrderBy(g => g.Start).ThenBy(g => g.End)
                .Select(g => new { g.Start, g.End, Label = g.Label!.Name, g.Origin, g.Rule, g.CuratorId, g.Sources, g.Note }).ToListAsync())
            .Select(g => (g.Start, g.End, g.Label, g.Origin, g.Rule, g.CuratorId, g.Sources, g.Note)).ToList();
    }

    [Fact]
    public async Task The_export_imported_back_onto_the_projects_own_documents_restores_gold_with_its_provenance_and_curated_state()
    {
        var body = await ExportAsync("format=jsonl");
        var admin = await server.AdminIdAsync();
        var c1 = await DocumentAsync("c-1");
        var expected = await GoldAsync(c1);
        Assert.Equal(
        [
            (0, 7, "actor", GoldOrigin.Unanimous, Rule, null, $"cx-ana-{_u},cx-ben-{_u}", null),
            (12, 17, "place", GoldOrigin.Merged, Rule, null, $"cx-ana-{_u}", null),
            (24, 27, "casualty figure", GoldOrigin.Adjudicated, null, admin, $"cx-ana-{_u}", "ana's label"),
        ], expected);
        // The project loses c-1's curation (its gold gone, no longer curated); a supervisor brings the export back.
        await using (var db = server.CreateDbContext())
        {
            await db.GoldAnnotations.Where(g => g.DocumentId == c1).ExecuteDeleteAsync();
            await db.Documents.Where(d => d.Id == c1).ExecuteUpdateAsync(d => d.SetProperty(x => x.CuratedAt, (DateTime?)null).SetProperty(x => x.CuratedById, (string?)null));
        }
        var supervisor = await server.CreateUserAsync($"cx-sup-{_u}");
        await server.AddMemberAsync(supervisor, _projectId, Core.Projects.ProjectRole.Supervisor, assignAll: false);

        var report = await ImportIntoProjectAsync(body, supervisor);

        Assert.Equal((0, 3, 1, 1), (report.Documents, report.AttachedGoldSpans, report.GoldExisting, report.CuratedExisting));
        Assert.Equal((0, 0), (report.GoldKept, report.CuratedKept));
        Assert.DoesNotContain(report.Warnings, w => w.Contains("provenance", StringComparison.Ordinal) || w.Contains("curated", StringComparison.Ordinal));
        Assert.Contains("3 gold spans attached to 1 existing document; 1 existing document marked curated", report.Describe().First());
        // Origin, rule, curator (the user of that name), sources and note as the curation made them.
        Assert.Equal(expected, await GoldAsync(c1));
        await using (var db = server.CreateDbContext())
        {
            var document = await db.Documents.AsNoTracking().SingleAsync(d => d.Id == c1);
            Assert.NotNull(document.CuratedAt);
            Assert.Equal(supervisor, document.CuratedById); // the importer, as for a new document
            Assert.Null(await db.Documents.Where(d => d.ProjectId == _projectId && d.ExternalId == "c-2").Select(d => d.CuratedAt).SingleAsync());
            Assert.Equal(0, await db.ImportStagedSpans.CountAsync(s => s.DocumentId == c1));
        }

        // The same file again changes nothing: every gold span is there with the same provenance, and c-1 is curated.
        var again = await ImportIntoProjectAsync(body, supervisor);
        Assert.Equal((0, 0, 0, 0), (again.AttachedGoldSpans, again.CuratedExisting, again.GoldKept, again.CuratedKept));
        Assert.True(again.AlreadyThere >= 3);
        Assert.Equal(expected, await GoldAsync(c1));
    }

    [Fact]
    public async Task Gold_that_conflicts_with_a_curators_work_is_not_attached_and_the_report_says_why()
    {
        var admin = await server.AdminIdAsync();
        var (c1, c2) = (await DocumentAsync("c-1"), await DocumentAsync("c-2"));
        var curated = await GoldAsync(c1);
        // c-1 is curated: nothing is added to it, and it stays curated by its curator.
        var file = $$"""
            {"id": "c-1", "text": "Rockets hit Erbil base; two hurt. {{_u}}", "label": [[24, 27, "actor"], [28, 32, "casualty figure"]], "curated": true}
            """;
        var report = await ImportIntoProjectAsync(Encoding.UTF8.GetBytes(file), admin);
        Assert.Equal((0, 2, 0), (report.AttachedGoldSpans, report.GoldKept, report.CuratedKept));
        Assert.All(report.KeptDetails, d => Assert.Contains($"was curated by {AppServer.AdminUserName}", d, StringComparison.Ordinal));
        Assert.Contains(report.Describe(), l => l.StartsWith("Kept the project's curation: 2 gold spans of the file not applied", StringComparison.Ordinal));
        Assert.Equal(curated, await GoldAsync(c1));

        // Reopened, c-1 keeps the curator's decision over 24..27 and the merge's provenance of 0..7; a span elsewhere is
        // added, but "curated" is not applied over the curator's work.
        var curation = server.Get<CurationService>();
        Assert.True((await curation.ReopenAsync(c1, admin)).Succeeded);
        Assert.True((await curation.RejectAsync(c2, admin, 8, 13, "no place here")).Succeeded);
        file = $$"""
            {"id": "c-1", "text": "Rockets hit Erbil base; two hurt. {{_u}}", "label": [[0, 7, "actor"], [24, 27, "actor"], [28, 32, "casualty figure"]], "gold_provenance": [{"origin": "adjudicated", "curator": "{{AppServer.AdminUserName}}", "sources": [], "note": "mine"}, {"origin": "adjudicated", "curator": "{{AppServer.AdminUserName}}", "sources": ["cx-ben-{{_u}}"], "note": null}, {"origin": "adjudicated", "curator": "{{AppServer.AdminUserName}}", "sources": [], "note": "hurt"}], "curated": true}
            {"id": "c-2", "text": "Rockets again. {{_u}}", "label": [[8, 13, "place"]]}
            """;
        report = await ImportIntoProjectAsync(Encoding.UTF8.GetBytes(file), admin);

        Assert.Equal((1, 1, 3, 1, 0), (report.AttachedGoldSpans, report.GoldExisting, report.GoldKept, report.CuratedKept, report.CuratedExisting));
        Assert.Equal(4, report.KeptDetails.Count);
        Assert.Contains(report.KeptDetails, d => d.StartsWith("line 1 (id c-1): gold [0, 7) actor is on", StringComparison.Ordinal)
                                                 && d.Contains($"already as unanimous ({Rule}) from cx-ana-{_u},cx-ben-{_u}; the file says adjudicated by {AppServer.AdminUserName}, note \"mine\": kept the project's", StringComparison.Ordinal));
        Assert.Contains(report.KeptDetails, d => d.StartsWith("line 1 (id c-1): gold [24, 27) actor not added: it overlaps", StringComparison.Ordinal)
                                                 && d.Contains($"{AppServer.AdminUserName}'s gold [24, 27) casualty figure", StringComparison.Ordinal));
        Assert.Contains(report.KeptDetails, d => d.StartsWith("line 1 (id c-1): \"curated\" not applied", StringComparison.Ordinal));
        Assert.Contains(report.KeptDetails, d => d.StartsWith("line 2 (id c-2): gold [8, 13) place not added", StringComparison.Ordinal)
                                                 && d.Contains("holds no gold: kept the curator's", StringComparison.Ordinal));
        // The curator's gold and rejection are as they were; the span no one had decided came in with its provenance.
        Assert.Equal([.. curated, (28, 32, "casualty figure", GoldOrigin.Adjudicated, null, admin, null, "hurt")], await GoldAsync(c1));
        await using var db = server.CreateDbContext();
        Assert.Null(await db.Documents.Where(d => d.Id == c1).Select(d => d.CuratedAt).SingleAsync());
        Assert.Equal(1, await db.GoldRejections.CountAsync(r => r.DocumentId == c2 && r.Start == 8 && r.End == 13));
        Assert.DoesNotContain(await GoldAsync(c2), g => g.Start == 8);
    }

    [Fact]
    public async Task Gold_provenance_for_a_document_the_project_has_is_kept_and_curated_is_not_applied_over_other_gold()
    {
        // Into the same project, where c-2 is already, with the merge's span at 0..7: the gold is added with its
        // provenance (the curator named has no account: the span keeps its origin without one, and the report says
        // so), and c-2 is not marked curated, since it has gold the file does not.
        var line = $$"""{"id": "c-2", "text": "Rockets again. {{_u}}", "label": [[8, 13, "place"]], "gold_provenance": [{"origin": "adjudicated", "curator": "nobody-{{_u}}", "sources": ["cx-ben-{{_u}}", "cx-ana-{{_u}}"], "note": "a place"}], "curated": true}""";
        var report = await ImportIntoProjectAsync(Encoding.UTF8.GetBytes(line), await server.AdminIdAsync());

        Assert.Equal((1, 0, 1), (report.AttachedGoldSpans, report.GoldKept, report.CuratedKept));
        Assert.DoesNotContain(report.Warnings, w => w.Contains("not imported", StringComparison.Ordinal));
        Assert.Contains(report.Warnings, w => w.Contains($"nobody-{_u}", StringComparison.Ordinal));
        var kept = Assert.Single(report.KeptDetails);
        Assert.StartsWith("line 1 (id c-2): \"curated\" not applied to \"", kept, StringComparison.Ordinal);
        Assert.EndsWith("\": it has 1 gold span the file does not; a curator finishes it", kept, StringComparison.Ordinal);
        var c2 = await DocumentAsync("c-2");
        Assert.Equal((8, 13, "place", GoldOrigin.Adjudicated, (string?)null, (string?)null, $"cx-ana-{_u},cx-ben-{_u}", "a place"), (await GoldAsync(c2)).Single(g => g.Start == 8));
        await using var db = server.CreateDbContext();
        Assert.Null(await db.Documents.Where(d => d.Id == c2).Select(d => d.CuratedAt).SingleAsync());
    }
}
