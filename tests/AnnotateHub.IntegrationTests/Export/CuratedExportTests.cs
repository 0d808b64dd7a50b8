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

    [Fact]
    public async Task Gold_provenance_for_a_document_the_project_has_is_not_dropped_silently()
    {
        // Into the same project, where c-2 is already: the gold is added to it, but its provenance is not kept, and
        // the report says so (and that the curator named has no account).
        var line = $$"""{"id": "c-2", "text": "Rockets again. {{_u}}", "label": [[8, 13, "place"]], "gold_provenance": [{"origin": "adjudicated", "curator": "nobody-{{_u}}"}]}""";
        var report = await server.Get<ImportService>().ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes(line)), "more.jsonl",
            new ImportOptions(await server.AdminIdAsync(), ProjectId: _projectId));

        Assert.True(report.Succeeded, string.Join("\n", report.Describe()));
        Assert.Contains(report.Warnings, w => w.Contains("gold provenance", StringComparison.Ordinal) && w.Contains("not imported", StringComparison.Ordinal));
        Assert.Contains(report.Warnings, w => w.Contains($"nobody-{_u}", StringComparison.Ordinal));
    }
}
