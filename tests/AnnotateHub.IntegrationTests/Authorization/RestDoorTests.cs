using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AnnotateHub.Core.Projects;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Projects;

namespace AnnotateHub.IntegrationTests.Authorization;

/// <summary>The REST API and the export, tried as the wrong user: each forbidden action is refused and changes nothing.</summary>
public sealed class RestDoorTests(BlindProjectFixture fixture) : IClassFixture<BlindProjectFixture>
{
    private BlindProjectFixture.Team T => fixture.Blind;

    [Fact]
    public async Task Anonymous_requests_get_401()
    {
        using var client = fixture.Server.CreateHttpClient(allowAutoRedirect: false);

        foreach (var path in new[] { "/api/projects", $"/api/projects/{T.ProjectId}/documents", $"/api/documents/{T.One}", $"/api/projects/{T.ProjectId}/export?format=jsonl" })
        {
            using var response = await client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{path}: {response.StatusCode}");
        }
        var before = await fixture.StateOfAsync(T.One);
        using var post = await client.PostAsJsonAsync($"/api/documents/{T.One}/annotations", new CreateAnnotationBody(0, 7, "claim", null, null));
        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
        Assert.Equal(before, await fixture.StateOfAsync(T.One));
    }

    [Fact]
    public async Task A_non_member_sees_no_trace_of_the_project()
    {
        using var client = await fixture.ClientAsync(T.Out);
        var before = await fixture.StateOfAsync(T.One);

        var projects = await client.GetFromJsonAsync<List<ProjectDto>>("/api/projects");
        using var documents = await client.GetAsync($"/api/projects/{T.ProjectId}/documents");
        using var document = await client.GetAsync($"/api/documents/{T.One}");
        using var export = await client.GetAsync($"/api/projects/{T.ProjectId}/export?format=jsonl");
        using var create = await client.PostAsJsonAsync($"/api/documents/{T.One}/annotations", new CreateAnnotationBody(0, 7, "claim", null, null));
        using var update = await client.PutAsJsonAsync($"/api/annotations/{T.AnaSpan}", new UpdateAnnotationBody(1, "actor", null, null));
        using var delete = await client.DeleteAsync($"/api/annotations/{T.AnaSpan}?expectedVersion=1");

        Assert.DoesNotContain(projects!, p => p.Id == T.ProjectId);
        Assert.Equal(
            [HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound],
            new[] { documents, document, export, create, update, delete }.Select(r => r.StatusCode));
        // Not even the label names leak through an error message.
        Assert.DoesNotContain("casualty", await create.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await fixture.StateOfAsync(T.One));
    }

    [Fact]
    public async Task A_blind_annotator_reads_only_their_own_spans()
    {
        using var client = await fixture.ClientAsync(T.Ana);

        var document = await client.GetFromJsonAsync<DocumentDto>($"/api/documents/{T.One}");

        Assert.Equal([T.AnaSpan], document!.Annotations.Select(a => a.Id));
        Assert.True(document.Sequence >= 2, "the sequence is the document's, so a client can follow the stream");
    }

    [Fact]
    public async Task A_supervisor_reads_every_annotators_spans()
    {
        using var client = await fixture.ClientAsync(T.Sup);

        var document = await client.GetFromJsonAsync<DocumentDto>($"/api/documents/{T.One}");

        Assert.Equal([T.AnaSpan, T.BenSpan], document!.Annotations.Select(a => a.Id).Order());
    }

    [Fact]
    public async Task An_annotator_cannot_open_or_annotate_a_document_not_assigned_to_them()
    {
        using var client = await fixture.ClientAsync(T.Ben);
        var before = await fixture.StateOfAsync(T.Two);

        using var read = await client.GetAsync($"/api/documents/{T.Two}");
        using var create = await client.PostAsJsonAsync($"/api/documents/{T.Two}/annotations", new CreateAnnotationBody(0, 7, "claim", null, null));

        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal("This document is not assigned to you.", await DetailOf(create));
        Assert.Equal(before, await fixture.StateOfAsync(T.Two));
    }

    [Fact]
    public async Task A_blind_annotator_cannot_change_or_delete_another_annotators_span_nor_learn_it_exists()
    {
        using var client = await fixture.ClientAsync(T.Ana);
        var before = await fixture.StateOfAsync(T.One);

        using var update = await client.PutAsJsonAsync($"/api/annotations/{T.BenSpan}", new UpdateAnnotationBody(1, "actor", null, "ana was here"));
        using var delete = await client.DeleteAsync($"/api/annotations/{T.BenSpan}?expectedVersion=1");

        Assert.Equal(HttpStatusCode.NotFound, update.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.DoesNotContain("secret", await update.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await fixture.StateOfAsync(T.One));
    }

    [Fact]
    public async Task In_an_open_project_an_annotator_sees_but_cannot_change_another_annotators_span()
    {
        var open = await fixture.NewProjectAsync(ProjectMode.Open);
        using var client = await fixture.ClientAsync(open.Ana);
        var before = await fixture.StateOfAsync(open.One);

        var document = await client.GetFromJsonAsync<DocumentDto>($"/api/documents/{open.One}");
        using var update = await client.PutAsJsonAsync($"/api/annotations/{open.BenSpan}", new UpdateAnnotationBody(1, "actor", null, null));
        using var delete = await client.DeleteAsync($"/api/annotations/{open.BenSpan}?expectedVersion=1");

        Assert.Equal([open.AnaSpan, open.BenSpan], document!.Annotations.Select(a => a.Id).Order());
        Assert.Equal(HttpStatusCode.Forbidden, update.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        Assert.Equal("Only the annotator who made a span can change it.", await DetailOf(update));
        Assert.Equal(before, await fixture.StateOfAsync(open.One));
    }

    [Fact]
    public async Task An_annotator_cannot_export()
    {
        using var client = await fixture.ClientAsync(T.Ana);

        using var response = await client.GetAsync($"/api/projects/{T.ProjectId}/export?format=jsonl");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("Only the project's supervisors can export it.", await DetailOf(response));
    }

    [Fact]
    public async Task A_supervisor_exports_every_annotators_spans_as_jsonl_with_code_point_offsets()
    {
        using var client = await fixture.ClientAsync(T.Sup);

        using var response = await client.GetAsync($"/api/projects/{T.ProjectId}/export?format=jsonl&layer=all");
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        var root = first.RootElement;
        Assert.Equal(T.One.ToString(), root.GetProperty("id").GetString());
        var text = root.GetProperty("text").GetString()!;
        var spans = root.GetProperty("annotations").EnumerateArray()
            .Select(a => (a.GetProperty("annotator").GetString()!, text[a.GetProperty("start").GetInt32()..a.GetProperty("end").GetInt32()], a.GetProperty("label").GetString()))
            .ToList();
        var ana = await fixture.UserNameAsync(T.Ana);
        var ben = await fixture.UserNameAsync(T.Ben);
        Assert.Equal([(ana, "Rockets", "claim"), (ben, "Officials", "claim")], spans);
        Assert.Equal(0, root.GetProperty("label").GetArrayLength());
    }

    [Fact]
    public async Task Export_of_one_annotators_layer_holds_only_their_spans_and_unknown_layers_or_formats_are_refused()
    {
        using var client = await fixture.ClientAsync(T.Sup);
        var ben = await fixture.UserNameAsync(T.Ben);

        var layer = await client.GetStringAsync($"/api/projects/{T.ProjectId}/export?format=jsonl&layer=annotator:{ben}");
        using var badFormat = await client.GetAsync($"/api/projects/{T.ProjectId}/export?format=xlsx");
        using var badLayer = await client.GetAsync($"/api/projects/{T.ProjectId}/export?format=jsonl&layer=annotator:nobody-here");

        Assert.Contains(ben, layer, StringComparison.Ordinal);
        Assert.DoesNotContain("ana-", layer, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badFormat.StatusCode);
        Assert.StartsWith("Unknown format \"xlsx\"", await DetailOf(badFormat), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badLayer.StatusCode);
        Assert.EndsWith("is not a member of this project.", await DetailOf(badLayer), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_annotator_creates_through_the_api_and_bad_input_is_refused_with_a_reason_and_nothing_written()
    {
        var open = await fixture.NewProjectAsync(ProjectMode.Open);
        using var client = await fixture.ClientAsync(open.Ana);
        var before = await fixture.StateOfAsync(open.Two);

        using var outOfRange = await client.PostAsJsonAsync($"/api/documents/{open.Two}/annotations", new CreateAnnotationBody(0, 100_000, "claim", null, null));
        using var backwards = await client.PostAsJsonAsync($"/api/documents/{open.Two}/annotations", new CreateAnnotationBody(9, 3, "claim", null, null));
        using var unknownLabel = await client.PostAsJsonAsync($"/api/documents/{open.Two}/annotations", new CreateAnnotationBody(0, 7, "weapon", null, null));
        using var malformed = await client.PostAsync($"/api/documents/{open.Two}/annotations", new StringContent("{\"start\": 0, \"end\": ", Encoding.UTF8, "application/json"));
        using var oversized = await client.PostAsync($"/api/documents/{open.Two}/annotations",
            new StringContent(JsonSerializer.Serialize(new CreateAnnotationBody(0, 7, "claim", null, new string('x', 100_000))), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, outOfRange.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, backwards.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownLabel.StatusCode);
        Assert.StartsWith("Unknown label \"weapon\"", await DetailOf(unknownLabel), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.StartsWith("The request body is not valid JSON", await DetailOf(malformed), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.StatusCode);
        Assert.Equal(before, await fixture.StateOfAsync(open.Two));

        using var created = await client.PostAsJsonAsync($"/api/documents/{open.Two}/annotations", new CreateAnnotationBody(0, 7, "Actor", null, "via REST"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var annotation = await created.Content.ReadFromJsonAsync<AnnotationDto>();
        Assert.Equal(("actor", 0, 7, "via REST"), (annotation!.Label, annotation.Start, annotation.End, annotation.Note));
    }

    [Fact]
    public async Task A_document_marked_done_refuses_new_spans_until_reopened()
    {
        var open = await fixture.NewProjectAsync(ProjectMode.Open);
        var team = fixture.Server.Get<TeamService>();
        using var client = await fixture.ClientAsync(open.Ana);
        Assert.True((await team.SetDoneAsync(open.Two, open.Ana, done: true)).Succeeded);
        var before = await fixture.StateOfAsync(open.Two);

        using var refused = await client.PostAsJsonAsync($"/api/documents/{open.Two}/annotations", new CreateAnnotationBody(0, 7, "claim", null, null));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("You marked this document done; reopen it to change your spans.", await DetailOf(refused));
        Assert.Equal(before, await fixture.StateOfAsync(open.Two));
        Assert.True((await team.SetDoneAsync(open.Two, open.Ana, done: false)).Succeeded);
        using var accepted = await client.PostAsJsonAsync($"/api/documents/{open.Two}/annotations", new CreateAnnotationBody(0, 7, "claim", null, null));
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
    }

    /// <summary>The "detail" of a problem-details answer: the sentence the user is shown.</summary>
    private static async Task<string> DetailOf(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("detail").GetString()!;
    }
}
