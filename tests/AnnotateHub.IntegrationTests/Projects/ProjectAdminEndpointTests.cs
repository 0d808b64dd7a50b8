using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Projects;
using AnnotateHub.Web.Features.Tokens;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests.Projects;

/// <summary>Projects and documents created, changed and deleted over REST with API tokens: what each door allows, every bad
/// input refused with nothing changed, and what a deletion takes with it (issue 20).</summary>
public sealed class ProjectAdminEndpointTests(AppServer server) : IClassFixture<AppServer>
{
    [Fact]
    public async Task A_supervisor_creates_renames_archives_and_deletes_an_empty_project()
    {
        using var admin = await ClientAsync(await server.AdminIdAsync());
        var name = Unique("Field notes");

        using var created = await admin.PostAsJsonAsync("/api/projects", new CreateProjectBody(name, "Interviews, spring", "empty", null));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var project = (await created.Content.ReadFromJsonAsync<ProjectDto>())!;
        Assert.Equal((name, "Interviews, spring", "supervisor", false), (project.Name, project.Description, project.Role, project.Archived));
        await using (var db = server.CreateDbContext())
        {
            Assert.Equal(0, await db.Labels.CountAsync(l => l.ProjectId == project.Id));
            Assert.Equal(AnnotateHub.Core.Projects.ProjectRole.Supervisor, (await db.ProjectMembers.SingleAsync(m => m.ProjectId == project.Id)).Role);
        }

        using var renamed = await admin.PatchAsJsonAsync($"/api/projects/{project.Id}", new UpdateProjectBody(name + " 2", "", true));
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var listed = (await admin.GetFromJsonAsync<List<ProjectDto>>("/api/projects"))!.Single(p => p.Id == project.Id);
        Assert.Equal((name + " 2", (string?)null, true), (listed.Name, listed.Description, listed.Archived));

        using var wrong = await admin.DeleteAsync($"/api/projects/{project.Id}?confirm={Uri.EscapeDataString(name)}");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        Assert.Contains($"confirm with its name, \"{name} 2\" exactly", (await wrong.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail, StringComparison.Ordinal);
        using var deleted = await admin.DeleteAsync($"/api/projects/{project.Id}?confirm={Uri.EscapeDataString(name + " 2")}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await using (var db = server.CreateDbContext())
        {
            Assert.False(await db.Projects.AnyAsync(p => p.Id == project.Id));
            Assert.Equal(0, await db.ProjectMembers.CountAsync(m => m.ProjectId == project.Id));
        }
    }

    [Fact]
    public async Task A_new_project_copies_another_ones_labels_with_their_attributes()
    {
        using var admin = await ClientAsync(await server.AdminIdAsync());
        var demo = await server.DemoProjectIdAsync();

        using var news = await admin.PostAsJsonAsync("/api/projects", new CreateProjectBody(Unique("From the template"), null, null, null));
        using var copied = await admin.PostAsJsonAsync("/api/projects", new CreateProjectBody(Unique("Copied"), null, null, demo));

        await using var db = server.CreateDbContext();
        async Task<string> SchemaAsync(int id) => string.Join("\n", (await db.Labels.Where(l => l.ProjectId == id).OrderBy(l => l.SortOrder).ToListAsync())
            .Select(l => $"{l.Name}|{l.Color}|{l.Hotkey}|{l.Description}|{l.Attributes}"))
            + "\n" + await db.Projects.Where(p => p.Id == id).Select(p => p.DocumentAttributes).SingleAsync();
        var demoSchema = await SchemaAsync(demo);
        Assert.Contains("casualty figure", demoSchema, StringComparison.Ordinal);
        Assert.Contains("\"count\"", demoSchema, StringComparison.Ordinal);
        Assert.Equal(demoSchema, await SchemaAsync((await copied.Content.ReadFromJsonAsync<ProjectDto>())!.Id));
        Assert.Equal(demoSchema, await SchemaAsync((await news.Content.ReadFromJsonAsync<ProjectDto>())!.Id));
    }

    [Fact]
    public async Task Bad_project_input_and_callers_without_rights_are_refused_and_change_nothing()
    {
        var adminId = await server.AdminIdAsync();
        using var admin = await ClientAsync(adminId);
        var name = Unique("Kept");
        var projectId = (await (await admin.PostAsJsonAsync("/api/projects", new CreateProjectBody(name, "as it was", null, null))).Content.ReadFromJsonAsync<ProjectDto>())!.Id;
        var annotatorId = await server.CreateUserAsync(UserName("annotator"));
        await server.AddMemberAsync(annotatorId, projectId);
        using var annotator = await ClientAsync(annotatorId);
        using var stranger = await ClientAsync(await server.CreateUserAsync(UserName("stranger")));
        var before = await StateAsync();

        var refusals = new List<(HttpResponseMessage Response, HttpStatusCode Expected, string Detail)>();
        async Task Expect(Task<HttpResponseMessage> request, HttpStatusCode status, string detail) => refusals.Add((await request, status, detail));
        await Expect(admin.PostAsJsonAsync("/api/projects", new CreateProjectBody("  ", null, null, null)), HttpStatusCode.UnprocessableEntity, "A project needs a name.");
        await Expect(admin.PostAsJsonAsync("/api/projects", new CreateProjectBody(name.ToUpperInvariant(), null, null, null)), HttpStatusCode.UnprocessableEntity, "There is already a project named");
        await Expect(admin.PostAsJsonAsync("/api/projects", new CreateProjectBody(new string('x', 201), null, null, null)), HttpStatusCode.UnprocessableEntity, "at most 200 characters");
        await Expect(admin.PostAsJsonAsync("/api/projects", new CreateProjectBody("Line\nbreak", null, null, null)), HttpStatusCode.UnprocessableEntity, "line breaks");
        await Expect(admin.PostAsJsonAsync("/api/projects", new CreateProjectBody(Unique("x"), null, "medical", null)), HttpStatusCode.BadRequest, "template must be news or empty");
        await Expect(admin.PostAsJsonAsync("/api/projects", new CreateProjectBody(Unique("x"), null, null, 999_999)), HttpStatusCode.UnprocessableEntity, "no project 999999 to copy");
        await Expect(admin.PatchAsJsonAsync($"/api/projects/{projectId}", new UpdateProjectBody("", null, null)), HttpStatusCode.UnprocessableEntity, "A project needs a name.");
        await Expect(admin.PatchAsJsonAsync($"/api/projects/{projectId}", new UpdateProjectBody(AppServer.DemoProjectName, null, null)), HttpStatusCode.UnprocessableEntity, "There is already a project named");
        await Expect(admin.PatchAsJsonAsync($"/api/projects/{projectId}", new UpdateProjectBody(null, new string('d', 2001), null)), HttpStatusCode.UnprocessableEntity, "at most 2000 characters");
        await Expect(admin.DeleteAsync($"/api/projects/{projectId}"), HttpStatusCode.UnprocessableEntity, "confirm with its name");
        await Expect(admin.DeleteAsync($"/api/projects/{projectId}?confirm={Uri.EscapeDataString(name.ToLowerInvariant())}"), HttpStatusCode.UnprocessableEntity, "confirm with its name");
        await Expect(annotator.PostAsJsonAsync("/api/projects", new CreateProjectBody(Unique("Mine"), null, null, null)), HttpStatusCode.Forbidden, "Only admins and project supervisors");
        await Expect(annotator.PatchAsJsonAsync($"/api/projects/{projectId}", new UpdateProjectBody("Taken over", null, null)), HttpStatusCode.Forbidden, "Only the project's supervisors");
        await Expect(annotator.DeleteAsync($"/api/projects/{projectId}?confirm={Uri.EscapeDataString(name)}"), HttpStatusCode.Forbidden, "Only the project's supervisors");
        await Expect(stranger.PatchAsJsonAsync($"/api/projects/{projectId}", new UpdateProjectBody("Taken over", null, true)), HttpStatusCode.NotFound, "does not exist");
        await Expect(stranger.DeleteAsync($"/api/projects/{projectId}?confirm={Uri.EscapeDataString(name)}"), HttpStatusCode.NotFound, "does not exist");
        await Expect(stranger.PostAsJsonAsync("/api/projects", new CreateProjectBody(Unique("Copy"), null, null, projectId)), HttpStatusCode.Forbidden, "Only admins and project supervisors");

        foreach (var (response, expected, detail) in refusals)
        {
            var problem = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == expected, $"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri}: {response.StatusCode} {problem}");
            Assert.Contains(detail, problem, StringComparison.Ordinal);
            response.Dispose();
        }
        Assert.Equal(before, await StateAsync());
    }

    [Fact]
    public async Task A_document_with_spans_is_deleted_only_when_confirmed_and_takes_everything_that_hangs_on_it()
    {
        var adminId = await server.AdminIdAsync();
        using var admin = await ClientAsync(adminId);
        var projectId = (await (await admin.PostAsJsonAsync("/api/projects", new CreateProjectBody(Unique("Doomed doc"), null, null, null))).Content.ReadFromJsonAsync<ProjectDto>())!.Id;
        var doomed = await server.ImportDocumentAsync(projectId, "Doomed report\n\nThree soldiers were injured, officials said.");
        var kept = await server.ImportDocumentAsync(projectId, "Kept report\n\nNobody was hurt, the spokesman said.");
        var annotatorId = await server.CreateUserAsync(UserName("ana"));
        await server.AddMemberAsync(annotatorId, projectId);
        await HangEverythingOnAsync(doomed, annotatorId, adminId);
        await HangEverythingOnAsync(kept, annotatorId, adminId);
        using var annotator = await ClientAsync(annotatorId);

        using var byAnnotator = await annotator.DeleteAsync($"/api/documents/{doomed}?confirm=spans");
        using var unconfirmed = await admin.DeleteAsync($"/api/documents/{doomed}");
        using var badConfirm = await admin.DeleteAsync($"/api/documents/{doomed}?confirm=yes");
        Assert.Equal(HttpStatusCode.Forbidden, byAnnotator.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, unconfirmed.StatusCode);
        Assert.Equal("\"Doomed report\" holds 2 annotations by 2 annotators, 1 gold span; they would be lost. Confirm to delete it anyway.",
            (await unconfirmed.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        Assert.Equal(HttpStatusCode.BadRequest, badConfirm.StatusCode);
        Assert.Equal(Dependents(1), await DependentsAsync(doomed));

        using var deleted = await admin.DeleteAsync($"/api/documents/{doomed}?confirm=spans");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(Dependents(0), await DependentsAsync(doomed));
        Assert.Equal(Dependents(1), await DependentsAsync(kept));
        using var gone = await admin.GetAsync($"/api/documents/{doomed}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);

        // The project goes with what is left in it: documents first, then labels, members and assignments.
        string name;
        await using (var names = server.CreateDbContext()) name = await names.Projects.Where(p => p.Id == projectId).Select(p => p.Name).SingleAsync();
        using var projectDeleted = await admin.DeleteAsync($"/api/projects/{projectId}?confirm={Uri.EscapeDataString(name)}");
        Assert.Equal(HttpStatusCode.NoContent, projectDeleted.StatusCode);
        Assert.Equal(Dependents(0), await DependentsAsync(kept));
        await using var db = server.CreateDbContext();
        Assert.Equal((0, 0, 0, 0), (await db.Documents.CountAsync(d => d.ProjectId == projectId), await db.Labels.CountAsync(l => l.ProjectId == projectId),
            await db.ProjectMembers.CountAsync(m => m.ProjectId == projectId), await db.Assignments.CountAsync(a => a.ProjectId == projectId)));
    }

    [Fact]
    public async Task A_documents_title_and_metadata_change_and_bad_values_change_nothing()
    {
        var adminId = await server.AdminIdAsync();
        using var admin = await ClientAsync(adminId);
        var projectId = (await (await admin.PostAsJsonAsync("/api/projects", new CreateProjectBody(Unique("Metadata"), null, null, null))).Content.ReadFromJsonAsync<ProjectDto>())!.Id;
        var documentId = await server.ImportDocumentAsync(projectId, "Old title\n\nSome text about the base.");
        var annotatorId = await server.CreateUserAsync(UserName("ana"));
        await server.AddMemberAsync(annotatorId, projectId);
        using var annotator = await ClientAsync(annotatorId);

        using var patched = await admin.PatchAsJsonAsync($"/api/documents/{documentId}",
            new UpdateDocumentBody("  New title ", "Reuters", "2020-01-08", "https://example.org/a"));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var meta = (await patched.Content.ReadFromJsonAsync<DocumentMetaDto>())!;
        Assert.Equal(("New title", "Reuters", new DateOnly(2020, 1, 8), "https://example.org/a"), (meta.Title, meta.Outlet, meta.PublishedOn, meta.Url));
        var before = await DocumentStateAsync(documentId);

        foreach (var (client, body, status, detail) in new (HttpClient, UpdateDocumentBody, HttpStatusCode, string)[]
        {
            (admin, new(" ", null, null, null), HttpStatusCode.UnprocessableEntity, "A document needs a title."),
            (admin, new(null, null, "8 January 2020", null), HttpStatusCode.UnprocessableEntity, "must look like 2020-01-08"),
            (admin, new(null, null, null, "javascript:alert(1)"), HttpStatusCode.UnprocessableEntity, "http:// or https://"),
            (admin, new("Fine title", new string('o', 201), null, null), HttpStatusCode.UnprocessableEntity, "at most 200 characters"),
            (annotator, new("Mine now", null, null, null), HttpStatusCode.Forbidden, "Only the project's supervisors"),
        })
        {
            using var response = await client.PatchAsJsonAsync($"/api/documents/{documentId}", body);
            Assert.Equal(status, response.StatusCode);
            Assert.Contains(detail, (await response.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail, StringComparison.Ordinal);
        }
        using var missing = await admin.PatchAsJsonAsync("/api/documents/999999", new UpdateDocumentBody("x", null, null, null));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(before, await DocumentStateAsync(documentId));

        using var cleared = await admin.PatchAsJsonAsync($"/api/documents/{documentId}", new UpdateDocumentBody(null, "", "", null));
        meta = (await cleared.Content.ReadFromJsonAsync<DocumentMetaDto>())!;
        Assert.Equal(("New title", (string?)null, (DateOnly?)null, "https://example.org/a"), (meta.Title, meta.Outlet, meta.PublishedOn, meta.Url));
    }

    [Fact]
    public async Task An_archived_project_leaves_the_queues_and_refuses_annotators_new_spans()
    {
        using var admin = await ClientAsync(await server.AdminIdAsync());
        var projectId = (await (await admin.PostAsJsonAsync("/api/projects", new CreateProjectBody(Unique("Finished"), null, null, null))).Content.ReadFromJsonAsync<ProjectDto>())!.Id;
        var documentId = await server.ImportDocumentAsync(projectId, "Finished report\n\nTwo rockets hit the base.");
        var annotatorId = await server.CreateUserAsync(UserName("ana"));
        await server.AddMemberAsync(annotatorId, projectId);
        using var annotator = await ClientAsync(annotatorId);
        var team = server.Get<TeamService>();
        Assert.Contains(await team.QueuesAsync(annotatorId), q => q.ProjectId == projectId);

        using var archived = await admin.PatchAsJsonAsync($"/api/projects/{projectId}", new UpdateProjectBody(null, null, true));
        using var refused = await annotator.PostAsJsonAsync($"/api/documents/{documentId}/annotations", new CreateAnnotationBody(0, 8, "claim", null, null));
        var queues = await team.QueuesAsync(annotatorId);
        using var reopened = await admin.PatchAsJsonAsync($"/api/projects/{projectId}", new UpdateProjectBody(null, null, false));
        using var accepted = await annotator.PostAsJsonAsync($"/api/documents/{documentId}/annotations", new CreateAnnotationBody(0, 8, "claim", null, null));

        Assert.Equal(HttpStatusCode.OK, archived.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(AnnotateHub.Web.Features.Projects.DocumentAccess.ArchivedRefusal, (await refused.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        Assert.DoesNotContain(queues, q => q.ProjectId == projectId);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        await using var db = server.CreateDbContext();
        Assert.Equal(1, await db.Annotations.CountAsync(a => a.DocumentId == documentId));
    }

    [Fact]
    public async Task A_document_deleted_on_the_command_line_is_gone_for_the_running_server_too()
    {
        var adminId = await server.AdminIdAsync();
        var projectId = await server.CreateProjectAsync(Unique("Shell"));
        var documentId = await server.ImportDocumentAsync(projectId, "Shell report\n\nA drone struck the base.");
        var access = server.Get<ProjectAccess>();
        Assert.NotNull(await access.ForDocumentAsync(documentId, adminId)); // the server knows (and keeps) its facts now

        using var output = new StringWriter();
        using var error = new StringWriter();
        var settings = new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{DataServiceExtensions.ConnectionStringName}"] = server.ConnectionString,
            ["Database:Provider"] = AppServer.PostgresServer is null ? DatabaseOptions.SqliteProvider : DatabaseOptions.PostgresProvider,
        };
        var code = await AnnotateHub.Web.CommandLine.CommandLineHost.RunAsync(
            ["documents", "delete", documentId.ToString(System.Globalization.CultureInfo.InvariantCulture)], new StringReader(""), output, error, settings, CancellationToken.None);

        Assert.True(code == 0, $"{output}{error}");
        await Eventually.Until(async () => await access.ForDocumentAsync(documentId, adminId) is null, what: "the server to forget the deleted document");
        using var admin = await ClientAsync(adminId);
        using var write = await admin.PostAsJsonAsync($"/api/documents/{documentId}/annotations", new CreateAnnotationBody(0, 5, "claim", null, null));
        Assert.Equal(HttpStatusCode.NotFound, write.StatusCode);
    }

    private static string Unique(string name) => $"{name} {Guid.NewGuid().ToString("N")[..6]}";

    private static string UserName(string name) => name + Guid.NewGuid().ToString("N")[..6];

    private async Task<HttpClient> ClientAsync(string userId)
    {
        var token = await server.Get<ApiTokenService>().CreateAsync(userId, "projects test");
        var client = server.CreateHttpClient(allowAutoRedirect: false);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Plaintext);
        return client;
    }

    /// <summary>Every project's name, description and archive date, and how many labels and members each has.</summary>
    private async Task<string> StateAsync()
    {
        await using var db = server.CreateDbContext();
        var rows = await db.Projects.OrderBy(p => p.Id)
            .Select(p => new { p.Id, p.Name, p.Description, p.ArchivedAt, Labels = p.Labels.Count, Members = db.ProjectMembers.Count(m => m.ProjectId == p.Id) })
            .ToListAsync();
        return string.Join("\n", rows);
    }

    private async Task<string> DocumentStateAsync(int documentId)
    {
        await using var db = server.CreateDbContext();
        var d = await db.Documents.SingleAsync(d => d.Id == documentId);
        return $"{d.Title}|{d.Outlet}|{d.PublishedOn}|{d.Url}";
    }

    /// <summary>A span by the annotator and one by the admin (with their change log), a gold span, a rejection, a curation
    /// change, a suggestion with a decision, a document label and the annotator's assignment.</summary>
    private async Task HangEverythingOnAsync(int documentId, string annotatorId, string adminId)
    {
        var projectId = await server.ProjectOfAsync(documentId);
        int label;
        await using (var labels = server.CreateDbContext()) label = await labels.Labels.Where(l => l.ProjectId == projectId).OrderBy(l => l.SortOrder).Select(l => l.Id).FirstAsync();
        var annotations = server.Get<AnnotationService>();
        Assert.True((await annotations.CreateAsync(documentId, annotatorId, 0, 5, label, null)).Succeeded);
        Assert.True((await annotations.CreateAsync(documentId, adminId, 0, 5, label, null)).Succeeded);
        await using var db = server.CreateDbContext();
        var now = DateTime.UtcNow;
        db.GoldAnnotations.Add(new GoldAnnotation { DocumentId = documentId, Start = 0, End = 5, LabelId = label, CreatedAt = now, CuratorId = adminId });
        db.GoldRejections.Add(new GoldRejection { DocumentId = documentId, Start = 6, End = 8, CuratorId = adminId, At = now });
        db.CurationChanges.Add(new CurationChange { DocumentId = documentId, Kind = CurationChangeKind.Rejected, UserId = adminId, At = now, ActionId = Guid.NewGuid().ToString("N") });
        var suggestion = new Suggestion { DocumentId = documentId, Source = "model", Start = 1, End = 4, LabelId = label, CreatedAt = now };
        db.Suggestions.Add(suggestion);
        db.DocumentLabels.Add(new DocumentLabel { DocumentId = documentId, AnnotatorId = annotatorId, Values = "{}", UpdatedAt = now, Version = 1 });
        await db.SaveChangesAsync();
        db.SuggestionDecisions.Add(new SuggestionDecision { SuggestionId = suggestion.Id, UserId = annotatorId, Verdict = SuggestionVerdict.Rejected, DecidedAt = now });
        await db.SaveChangesAsync();
    }

    /// <summary>What hangs on one document, as <see cref="HangEverythingOnAsync"/> made it: n of each (2n annotations and changes).</summary>
    private static string Dependents(int n) => $"doc {n}, annotations {2 * n}, changes {2 * n}, gold {n}, rejections {n}, curation {n}, suggestions {n}, decisions {n}, labels {n}, assignments {n}";

    private async Task<string> DependentsAsync(int documentId)
    {
        await using var db = server.CreateDbContext();
        var suggestions = db.Suggestions.Where(s => s.DocumentId == documentId).Select(s => s.Id);
        return $"doc {await db.Documents.CountAsync(d => d.Id == documentId)}, annotations {await db.Annotations.CountAsync(a => a.DocumentId == documentId)}, "
            + $"changes {await db.DocumentChanges.CountAsync(c => c.DocumentId == documentId)}, gold {await db.GoldAnnotations.CountAsync(g => g.DocumentId == documentId)}, "
            + $"rejections {await db.GoldRejections.CountAsync(r => r.DocumentId == documentId)}, curation {await db.CurationChanges.CountAsync(c => c.DocumentId == documentId)}, "
            + $"suggestions {await suggestions.CountAsync()}, decisions {await db.SuggestionDecisions.CountAsync(d => suggestions.Contains(d.SuggestionId))}, "
            + $"labels {await db.DocumentLabels.CountAsync(l => l.DocumentId == documentId)}, assignments {await db.Assignments.CountAsync(a => a.DocumentId == documentId)}";
    }
}
