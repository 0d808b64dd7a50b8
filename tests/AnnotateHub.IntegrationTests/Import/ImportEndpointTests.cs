using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AnnotateHub.Core.Projects;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests.Import;

/// <summary>POST /api/projects/{id}/import through the real server: a script pushing pre-annotations, and every refusal.</summary>
public sealed class ImportEndpointTests(AppServer server) : IClassFixture<AppServer>
{
    private async Task<HttpClient> ClientAsync(string userName, string password)
    {
        var client = server.CreateHttpClient(allowAutoRedirect: false);
        client.DefaultRequestHeaders.Add("Cookie", await server.SignInCookieAsync(userName, password));
        client.DefaultRequestHeaders.Add("Origin", server.Origin);
        return client;
    }

    private static ByteArrayContent Body(string text, string type = "application/x-ndjson")
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }

    private async Task<int> DocumentsAsync(int projectId)
    {
        await using var db = await server.Get<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContextAsync();
        return await db.Documents.CountAsync(d => d.ProjectId == projectId);
    }

    [Fact]
    public async Task A_supervisor_posts_model_pre_annotations_and_gets_the_report()
    {
        var u = Guid.NewGuid().ToString("N")[..8];
        var projectId = await server.CreateProjectAsync("API import " + u);
        using var client = await ClientAsync(AppServer.AdminUserName, AppServer.AdminPassword);
        var file = $$"""{"id": "m1", "text": "Iran fired missiles at the base. {{u}}", "annotations": [{"annotator": "ner-v2", "start": 0, "end": 4, "label": "actor"}]}""" + "\n";

        using var response = await client.PostAsync($"/api/projects/{projectId}/import?name=model.jsonl&spans=suggestions", Body(file));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(json.RootElement.GetProperty("succeeded").GetBoolean());
        Assert.Equal((1, 1, 0), (json.RootElement.GetProperty("documents").GetInt32(), json.RootElement.GetProperty("suggestions").GetInt32(), json.RootElement.GetProperty("annotations").GetInt32()));
        await using var db = await server.Get<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContextAsync();
        var suggestion = await db.Suggestions.Where(s => s.Source == "ner-v2").Join(db.Documents, s => s.DocumentId, d => d.Id, (s, d) => new { s.Start, s.End, d.ProjectId })
            .SingleAsync(x => x.ProjectId == projectId);
        Assert.Equal((0, 4), (suggestion.Start, suggestion.End));
    }

    [Fact]
    public async Task Suggestions_for_documents_the_project_has_attach_by_id_and_by_text_and_the_response_counts_them()
    {
        var u = Guid.NewGuid().ToString("N")[..8];
        var projectId = await server.CreateProjectAsync("API attach " + u);
        using var client = await ClientAsync(AppServer.AdminUserName, AppServer.AdminPassword);
        using var first = await client.PostAsync($"/api/projects/{projectId}/import?name=corpus.jsonl", Body($$"""
            {"id": "r1", "text": "Rockets hit the base at dawn. {{u}}"}
            {"id": "r2", "text": "Two guards were hurt. {{u}}"}
            """));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        // r1 by its id, the second line (no id) by its text: both are documents the project has.
        using var response = await client.PostAsync($"/api/projects/{projectId}/import?name=model.jsonl&spans=suggestions", Body($$"""
            {"id": "r1", "text": "Rockets hit the base at dawn. {{u}}", "annotations": [{"annotator": "ner-v3", "start": 0, "end": 7, "label": "actor"}, {"annotator": "ner-v3", "start": 16, "end": 20, "label": "actor"}]}
            {"text": "Two guards were hurt. {{u}}", "annotations": [{"annotator": "ner-v3", "start": 4, "end": 10, "label": "casualty figure"}]}
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        int Int(string name) => root.GetProperty(name).GetInt32();
        Assert.Equal((0, 0, 3, 2, 0, 0, 0, 0), (Int("documents"), Int("suggestions"), Int("attachedSuggestions"), Int("suggestedExisting"),
            Int("attachedAnnotations"), Int("attachedGoldSpans"), Int("alreadyThere"), Int("duplicates")));
        Assert.Equal($"No new documents in \"API attach {u}\": 3 suggestions attached to 2 existing documents.",
            root.GetProperty("lines")[0].GetString());
        await using var db = await server.Get<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContextAsync();
        var documents = await db.Documents.Where(d => d.ProjectId == projectId).OrderBy(d => d.Id)
            .Select(d => new { d.ExternalId, Suggestions = db.Suggestions.Where(s => s.DocumentId == d.Id && s.Source == "ner-v3").OrderBy(s => s.Start).Select(s => s.Start).ToList() })
            .ToListAsync();
        Assert.Equal(["r1", "r2"], documents.Select(d => d.ExternalId));
        Assert.Equal([[0, 16], [4]], documents.Select(d => d.Suggestions));

        // The same file again: every suggestion is already there, and the response says so.
        using var again = await client.PostAsync($"/api/projects/{projectId}/import?name=model.jsonl&spans=suggestions", Body(
            $$"""{"id": "r1", "text": "Rockets hit the base at dawn. {{u}}", "annotations": [{"annotator": "ner-v3", "start": 0, "end": 7, "label": "actor"}]}"""));
        using var againJson = JsonDocument.Parse(await again.Content.ReadAsStringAsync());
        Assert.Equal((0, 1), (againJson.RootElement.GetProperty("attachedSuggestions").GetInt32(), againJson.RootElement.GetProperty("alreadyThere").GetInt32()));
        Assert.Equal(2, await DocumentsAsync(projectId));
    }

    [Fact]
    public async Task A_bad_file_is_400_with_every_error_and_changes_nothing()
    {
        var u = Guid.NewGuid().ToString("N")[..8];
        var projectId = await server.CreateProjectAsync("API bad " + u);
        using var client = await ClientAsync(AppServer.AdminUserName, AppServer.AdminPassword);

        using var response = await client.PostAsync($"/api/projects/{projectId}/import?name=bad.jsonl",
            Body($"{{\"text\": \"fine {u}\"}}\n{{\"text\": \"abc\", \"label\": [[2, 1, \"claim\"]]}}\nnot json\n"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(json.RootElement.GetProperty("succeeded").GetBoolean());
        Assert.Equal(2, json.RootElement.GetProperty("errorCount").GetInt32());
        var errors = json.RootElement.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal((2, "label[0]", "start 2 is not before end 1"),
            (errors[0].GetProperty("line").GetInt32(), errors[0].GetProperty("field").GetString(), errors[0].GetProperty("message").GetString()));
        Assert.Equal(3, errors[1].GetProperty("line").GetInt32());
        Assert.Equal(0, await DocumentsAsync(projectId));
    }

    [Fact]
    public async Task Annotators_get_403_outsiders_404_and_an_oversized_body_413()
    {
        var u = Guid.NewGuid().ToString("N")[..8];
        var projectId = await server.CreateProjectAsync("API guarded " + u);
        var annotator = "api-imp-ann-" + u;
        await server.AddMemberAsync(await server.CreateUserAsync(annotator), projectId, ProjectRole.Annotator);
        var outsider = "api-imp-out-" + u;
        await server.CreateUserAsync(outsider);
        var file = Body("{\"text\": \"Nope " + u + "\"}\n");

        using var asAnnotator = await ClientAsync(annotator, AppServer.AnnotatorPassword);
        using var asOutsider = await ClientAsync(outsider, AppServer.AnnotatorPassword);
        using var asAdmin = await ClientAsync(AppServer.AdminUserName, AppServer.AdminPassword);
        using var a = await asAnnotator.PostAsync($"/api/projects/{projectId}/import", file);
        using var o = await asOutsider.PostAsync($"/api/projects/{projectId}/import", file);
        // The size is declared and refused before the body is sent (Expect: 100-continue), as a well-behaved client does.
        using var bigRequest = new HttpRequestMessage(HttpMethod.Post, $"/api/projects/{projectId}/import") { Content = new ByteArrayContent(new byte[65 * 1024 * 1024]) };
        bigRequest.Headers.ExpectContinue = true;
        using var big = await asAdmin.SendAsync(bigRequest);
        using var pdf = await asAdmin.PostAsync($"/api/projects/{projectId}/import?name=paper.pdf", file);

        Assert.Equal([HttpStatusCode.Forbidden, HttpStatusCode.NotFound, HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.BadRequest],
            new[] { a, o, big, pdf }.Select(r => r.StatusCode));
        Assert.Equal(0, await DocumentsAsync(projectId));
    }
}
