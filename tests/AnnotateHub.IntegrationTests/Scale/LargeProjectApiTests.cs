using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Projects;

namespace AnnotateHub.IntegrationTests.Scale;

/// <summary>The REST doors of a 33,000-document project: the document list pages, the export streams every document.</summary>
[Collection(LargeProjectCollection.Name)]
[Trait("Database", "SqliteOnly")] // the 33,000-document fixture is written straight into SQLite
public sealed class LargeProjectApiTests(LargeProjectFixture fixture)
{
    private const int Total = LargeProjectFixture.Documents;

    private Task<HttpClient> AdminAsync() => fixture.ClientAsync(AppServer.AdminUserName, AppServer.AdminPassword);

    [Fact]
    public async Task Document_list_answers_a_bounded_first_page_with_the_total_and_the_next_page()
    {
        using var client = await AdminAsync();

        using var response = await client.GetAsync($"/api/projects/{fixture.ProjectId}/documents");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = (await response.Content.ReadFromJsonAsync<List<DocumentListItemDto>>())!;
        Assert.Equal(1000, items.Count);
        Assert.Equal(Total.ToString(), response.Headers.GetValues("X-Total-Count").Single());
        Assert.Equal("0", response.Headers.GetValues("X-Offset").Single());
        Assert.Equal("1000", response.Headers.GetValues("X-Limit").Single());
        Assert.Equal($"</api/projects/{fixture.ProjectId}/documents?offset=1000&limit=1000>; rel=\"next\"", response.Headers.GetValues("Link").Single());
        Assert.Equal(LargeProjectFixture.DefaultOrder.Take(1000).Select(LargeCorpus.TitleOf), items.Select(i => i.Title));
        Assert.All(items, i => Assert.Null(i.Assignment)); // the admin has no assignments
    }

    [Fact]
    public async Task Paging_through_offset_and_limit_reaches_the_last_document_without_a_next_link()
    {
        using var client = await AdminAsync();

        using var middle = await client.GetAsync($"/api/projects/{fixture.ProjectId}/documents?offset=16000&limit=25");
        using var last = await client.GetAsync($"/api/projects/{fixture.ProjectId}/documents?offset={Total - 10}&limit=50");
        using var beyond = await client.GetAsync($"/api/projects/{fixture.ProjectId}/documents?offset={Total}");

        var middleItems = (await middle.Content.ReadFromJsonAsync<List<DocumentListItemDto>>())!;
        Assert.Equal(LargeProjectFixture.DefaultOrder.Skip(16000).Take(25).Select(LargeCorpus.TitleOf), middleItems.Select(i => i.Title));
        Assert.Contains("offset=16025&limit=25", middle.Headers.GetValues("Link").Single(), StringComparison.Ordinal);
        var lastItems = (await last.Content.ReadFromJsonAsync<List<DocumentListItemDto>>())!;
        Assert.Equal(LargeProjectFixture.DefaultOrder.Skip(Total - 10).Select(LargeCorpus.TitleOf), lastItems.Select(i => i.Title));
        Assert.False(last.Headers.Contains("Link"));
        Assert.Equal(HttpStatusCode.OK, beyond.StatusCode);
        Assert.Empty((await beyond.Content.ReadFromJsonAsync<List<DocumentListItemDto>>())!);
        Assert.Equal(Total.ToString(), beyond.Headers.GetValues("X-Total-Count").Single());
    }

    [Fact]
    public async Task Search_and_sort_run_on_the_server()
    {
        using var client = await AdminAsync();

        using var search = await client.GetAsync($"/api/projects/{fixture.ProjectId}/documents?search=document%2032999.");
        using var sorted = await client.GetAsync($"/api/projects/{fixture.ProjectId}/documents?sort=title&order=desc&limit=3");

        var found = (await search.Content.ReadFromJsonAsync<List<DocumentListItemDto>>())!;
        Assert.Equal([LargeCorpus.TitleOf(32999)], found.Select(f => f.Title));
        Assert.Equal("1", search.Headers.GetValues("X-Total-Count").Single());
        var titles = (await sorted.Content.ReadFromJsonAsync<List<DocumentListItemDto>>())!.Select(i => i.Title);
        Assert.Equal([LargeCorpus.TitleOf(32999), LargeCorpus.TitleOf(32998), LargeCorpus.TitleOf(32997)], titles);
    }

    [Fact]
    public async Task An_annotator_pages_through_their_assigned_documents_with_their_state()
    {
        using var client = await fixture.ClientAsync(LargeProjectFixture.AnnotatorNames[1], AppServer.AnnotatorPassword);

        using var response = await client.GetAsync($"/api/projects/{fixture.ProjectId}/documents?offset=32000&limit=1000");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = (await response.Content.ReadFromJsonAsync<List<DocumentListItemDto>>())!;
        Assert.Equal(Total - 32000, items.Count);
        Assert.All(items, i => Assert.Equal("done", i.Assignment));
        Assert.Equal(Total.ToString(), response.Headers.GetValues("X-Total-Count").Single());
    }

    [Theory]
    [InlineData("limit=0", "limit must be between 1 and 1000.")]
    [InlineData("limit=1001", "limit must be between 1 and 1000.")]
    [InlineData("offset=-1", "offset must be a whole number")]
    [InlineData("offset=ten", "offset must be a whole number")]
    [InlineData("sort=length", "sort must be published, title, outlet, spans or status.")]
    [InlineData("sort=2", "sort must be published, title, outlet, spans or status.")]
    [InlineData("order=up", "order must be asc or desc.")]
    public async Task Bad_paging_is_400_with_the_reason(string query, string reason)
    {
        using var client = await AdminAsync();

        using var response = await client.GetAsync($"/api/projects/{fixture.ProjectId}/documents?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(reason, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jsonl_export_streams_every_document_with_its_spans_in_id_order()
    {
        using var client = await AdminAsync();

        using var response = await client.GetAsync($"/api/projects/{fixture.ProjectId}/export?format=jsonl&layer=all", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);
        var n = 0;
        long spans = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0) continue;
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            Assert.Equal("bulk-" + n, root.GetProperty("id").GetString());
            Assert.Equal(LargeCorpus.TextOf(n), root.GetProperty("text").GetString());
            Assert.Equal(LargeProjectFixture.AnnotatorNames, root.GetProperty("annotators").EnumerateArray().Select(a => a.GetString()!).Order(StringComparer.Ordinal));
            spans += root.GetProperty("annotations").GetArrayLength();
            n++;
        }
        Assert.Equal(Total, n);
        Assert.Equal((long)Total * LargeProjectFixture.SpansPerDocument, spans);
    }

    [Fact]
    public async Task Csv_and_brat_exports_hold_every_span_and_every_document()
    {
        using var client = await AdminAsync();

        var csv = await client.GetStringAsync($"/api/projects/{fixture.ProjectId}/export?format=csv&layer=all");
        var brat = await client.GetByteArrayAsync($"/api/projects/{fixture.ProjectId}/export?format=brat&layer=all");

        // A span's text may hold line breaks (inside a quoted cell): count the lines that start a row.
        var rows = csv.Split('\n').Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, "^bulk-[0-9]+,,bulk-")).ToList();
        Assert.StartsWith("document_id,split,annotator,start,end,label,text", csv.TrimStart('\uFEFF'), StringComparison.Ordinal);
        Assert.Equal(Total * LargeProjectFixture.SpansPerDocument, rows.Count);
        Assert.Equal(LargeProjectFixture.SpansPerDocument, rows.Count(r => r.StartsWith("bulk-32999,", StringComparison.Ordinal)));
        using var zip = new ZipArchive(new MemoryStream(brat));
        Assert.Equal(Total * 2 + 2, zip.Entries.Count);
        Assert.Equal(Total, zip.Entries.Select(e => e.FullName).Where(e => e.EndsWith(".txt", StringComparison.Ordinal)).Distinct().Count());
        using var text = new StreamReader(zip.GetEntry("bulk-32999.txt")!.Open());
        Assert.Equal(LargeCorpus.TextOf(32999), await text.ReadToEndAsync());
        using var ann = new StreamReader(zip.GetEntry("bulk-32999.ann")!.Open());
        Assert.Equal(LargeProjectFixture.SpansPerDocument, (await ann.ReadToEndAsync()).Split('\n').Count(l => l.StartsWith('T')));
    }

    [Fact]
    public async Task Agreement_report_counts_every_done_document()
    {
        using var client = await AdminAsync();

        using var response = await client.GetAsync($"/api/projects/{fixture.ProjectId}/agreement?documents=false");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(Total, report.RootElement.GetProperty("documents").GetInt32());
    }

    [Fact]
    public async Task Home_queue_of_33000_documents_counts_them_all_and_lists_a_few()
    {
        var queues = await fixture.Server.Get<TeamService>().QueuesAsync(fixture.AnnotatorIds[0]);

        var queue = Assert.Single(queues, q => q.ProjectId == fixture.ProjectId);
        Assert.Equal(Total, queue.Total);
        Assert.Equal(Total, queue.DoneCount);
        Assert.Null(queue.Next);
        Assert.Equal(LargeProjectFixture.DefaultOrder.Take(20).Select(LargeCorpus.TitleOf), queue.Items.Select(i => i.Title));
        Assert.Equal(Total - 20, queue.Hidden);
    }
}
