using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using AnnotateHub.Core.Formats;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Export;
using AnnotateHub.Web.Features.Import;

namespace AnnotateHub.IntegrationTests.Export;

/// <summary>
/// GET /api/projects/{id}/export in every format through the real server, on a project imported from a file with
/// emoji, combining marks, CJK and Arabic: each span's text is the code-point slice; bad options are 400s.
/// </summary>
public sealed class ExportEndpointTests(AppServer server) : IClassFixture<AppServer>, IAsyncLifetime
{
    private int _projectId;
    private string _u = "";
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _u = Guid.NewGuid().ToString("N")[..8];
        var file =
            $$$"""
            {"id": "e-1", "text": "👍🏽 Café\u0301 in 東京 said 11 hurt. {{{_u}}}", "meta": {"outlet": "Wire", "published": "2020-01-08"}, "annotators": ["ex-ana-{{{_u}}}", "ex-ben-{{{_u}}}"], "annotations": [{"annotator": "ex-ana-{{{_u}}}", "start": 3, "end": 8, "label": "actor"}, {"annotator": "ex-ben-{{{_u}}}", "start": 3, "end": 8, "label": "actor"}, {"annotator": "ex-ben-{{{_u}}}", "start": 20, "end": 22, "label": "casualty figure"}], "label": [[3, 8, "actor"]]}
            {"id": "e-2", "text": "قاعدة عين الأسد =cmd| 👨‍👩‍👧 {{{_u}}}", "meta": {"outlet": "Other"}, "annotators": ["ex-ana-{{{_u}}}"], "annotations": [{"annotator": "ex-ana-{{{_u}}}", "start": 6, "end": 15, "label": "actor"}, {"annotator": "ex-ana-{{{_u}}}", "start": 16, "end": 21, "label": "claim"}]}
            """;
        var report = await server.Get<ImportService>().ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes(file)), "e.jsonl",
            new ImportOptions(await server.AdminIdAsync(), ProjectName: "Export " + _u));
        Assert.True(report.Succeeded, string.Join("\n", report.Describe()));
        _projectId = report.ProjectId!.Value;
        _client = server.CreateHttpClient(allowAutoRedirect: false);
        _client.DefaultRequestHeaders.Add("Cookie", await server.SignInCookieAsync(AppServer.AdminUserName, AppServer.AdminPassword));
    }

    public Task DisposeAsync()
    {
        _client.Dispose();
        return Task.CompletedTask;
    }

    private static string Slice(string text, int start, int end) => string.Concat(text.EnumerateRunes().Skip(start).Take(end - start));

    private async Task<(HttpResponseMessage Response, byte[] Body)> GetAsync(string query)
    {
        var response = await _client.GetAsync($"/api/projects/{_projectId}/export?{query}");
        return (response, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Spacy_spans_are_code_point_slices_of_the_text()
    {
        var (response, body) = await GetAsync("format=spacy&layer=all");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"attachment; filename=\"project-{_projectId}.jsonl\"", response.Content.Headers.ContentDisposition!.ToString());
        var lines = Encoding.UTF8.GetString(body).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var slices = lines.SelectMany(l => l.GetProperty("spans").EnumerateArray().Select(s =>
            Slice(l.GetProperty("text").GetString()!, s.GetProperty("start").GetInt32(), s.GetProperty("end").GetInt32()))).ToList();
        Assert.Equal(["Café\u0301", "Café\u0301", "11", "عين الأسد", "=cmd|"], slices);
    }

    [Fact]
    public async Task Majority_conll_tags_the_span_both_annotators_agree_on()
    {
        var (response, body) = await GetAsync("format=conll&layer=majority&scheme=bio");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = Encoding.UTF8.GetString(body);
        Assert.Contains("Café\u0301 -X- -X- B-actor", text, StringComparison.Ordinal);
        // Only ben tagged "11": one of two annotators is no majority.
        Assert.Contains("11 -X- -X- O", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_cells_cannot_start_a_formula()
    {
        var (_, body) = await GetAsync("format=csv&layer=all");
        var text = Encoding.UTF8.GetString(body);
        Assert.Contains(",'=cmd|", text, StringComparison.Ordinal);
        Assert.DoesNotContain(",=cmd", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Brat_w3c_and_parquet_are_served_with_their_types()
    {
        var brat = await GetAsync("format=brat&layer=gold");
        var w3c = await GetAsync("format=w3c&layer=all");
        var parquet = await GetAsync("format=parquet&layer=all&split=50/0/50&seed=3&group-by=outlet");

        Assert.Equal("application/zip", brat.Response.Content.Headers.ContentType!.MediaType);
        using (var zip = new ZipArchive(new MemoryStream(brat.Body)))
        {
            Assert.Contains(zip.Entries, e => e.FullName.EndsWith("annotation.conf", StringComparison.Ordinal));
            var ann = zip.Entries.First(e => e.FullName.EndsWith("e-1.ann", StringComparison.Ordinal));
            using var reader = new StreamReader(ann.Open());
            Assert.Equal("T1\tactor 3 8\tCafé\u0301", (await reader.ReadToEndAsync()).Split('\n')[0]);
        }
        using (var json = JsonDocument.Parse(w3c.Body))
        {
            var first = json.RootElement.GetProperty("items")[0];
            var selectors = first.GetProperty("target").GetProperty("selector").EnumerateArray().ToList();
            Assert.Contains(selectors, s => s.GetProperty("type").GetString() == "TextQuoteSelector" && s.GetProperty("exact").GetString() == "Café\u0301");
        }
        Assert.Equal(HttpStatusCode.OK, parquet.Response.StatusCode);
        Assert.Equal("PAR1", Encoding.ASCII.GetString(parquet.Body, 0, 4));
    }

    [Theory]
    [InlineData("format=xml", "Unknown format \"xml\"")]
    [InlineData("format=conll&layer=all", "CoNLL holds one tag per token")]
    [InlineData("layer=annotator:nobody", "\"nobody\" is not a member of this project.")]
    [InlineData("format=jsonl&split=90/5/5/0", "split")]
    [InlineData("seed=4", "give the split too")]
    public async Task Bad_options_are_400_with_the_reason(string query, string reason)
    {
        var (response, body) = await GetAsync(query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(body);
        Assert.Contains(reason, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_brat_export_imported_into_a_new_project_gives_the_same_documents_and_spans()
    {
        var (_, zip) = await GetAsync("format=brat&layer=all");
        var report = await server.Get<ImportService>().ImportAsync(new MemoryStream(zip), "export.zip",
            new ImportOptions(await server.AdminIdAsync(), ProjectName: "Brat back " + _u));
        Assert.True(report.Succeeded, string.Join("\n", report.Describe()));

        var before = await DocumentsAsync(_projectId);
        var after = await DocumentsAsync(report.ProjectId!.Value);
        Assert.Equal(before.Select(d => (d.Id, d.Text)), after.Select(d => (d.Id, d.Text)));
        // Layer "all" carries every annotator's spans (the gold layer is an export of its own).
        Assert.Equal(before.Select(Spans), after.Select(Spans));
    }

    private static string Spans(InterchangeDocument d) =>
        string.Join(";", d.Annotations.OrderBy(s => s.Start).ThenBy(s => s.Annotator, StringComparer.Ordinal).Select(s => $"{s.Annotator}:{s.Start}-{s.End}:{s.Label}"));

    private async Task<List<InterchangeDocument>> DocumentsAsync(int projectId)
    {
        var list = new List<InterchangeDocument>();
        await foreach (var d in server.Get<ExportService>().DocumentsAsync(projectId, null)) list.Add(d);
        return list;
    }
}
