using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Labels;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests;

/// <summary>Every door refuses an edit made against a version that changed meanwhile, for one user's two clients as for
/// anyone: the hub, REST and the label set (issue 13).</summary>
public sealed class StaleVersionTests(AppServer server) : IClassFixture<AppServer>
{
    private const string Text = "Rockets struck the air base on Monday evening, officials said.";

    [Fact]
    public async Task Stale_relabel_through_the_hub_from_the_same_users_second_connection_is_refused_with_the_current_span()
    {
        var (documentId, labels) = await NewDocumentAsync();
        await using var first = await server.ConnectToHubAsync();
        await using var second = await server.ConnectToHubAsync();
        var created = await first.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, 0, 7, "claim", null, null));
        var id = created.Change!.Annotation.Id;

        var won = await first.InvokeAsync<MutationResult>("UpdateAnnotation", new UpdateAnnotationRequest(id, 1, "actor", null, null));
        var stale = await second.InvokeAsync<MutationResult>("UpdateAnnotation", new UpdateAnnotationRequest(id, 1, "casualty figure", null, "later"));
        var staleDelete = await second.InvokeAsync<MutationResult>("DeleteAnnotation", id, 1);

        Assert.True(won.Ok);
        Assert.Equal(("conflict", "actor", 2), (stale.Code, stale.Current!.Label, stale.Current.Version));
        Assert.Equal("conflict", staleDelete.Code);
        var stored = await StoredAsync(id);
        Assert.Equal((labels["actor"], 2, (string?)null), (stored!.LabelId, stored.Version, stored.Note));
    }

    [Fact]
    public async Task Stale_update_and_delete_over_REST_answer_409_with_the_current_span_and_change_nothing()
    {
        var (documentId, labels) = await NewDocumentAsync();
        var created = await server.Get<AnnotationService>().CreateAsync(documentId, await server.AdminIdAsync(), 0, 7, labels["claim"], null);
        var id = created.Annotation!.Id;
        using var client = server.CreateHttpClient(allowAutoRedirect: false);
        client.DefaultRequestHeaders.Add("Cookie", await server.SignInCookieAsync(AppServer.AdminUserName, AppServer.AdminPassword));
        client.DefaultRequestHeaders.Add("Origin", server.Origin);

        using var won = await client.PutAsJsonAsync($"/api/annotations/{id}", new { expectedVersion = 1, label = "actor" });
        using var stale = await client.PutAsJsonAsync($"/api/annotations/{id}", new { expectedVersion = 1, label = "casualty figure" });
        using var staleDelete = await client.DeleteAsync($"/api/annotations/{id}?expectedVersion=1");

        Assert.Equal(HttpStatusCode.OK, won.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, staleDelete.StatusCode);
        using var problem = JsonDocument.Parse(await stale.Content.ReadAsStringAsync());
        var current = problem.RootElement.GetProperty("current");
        Assert.Equal(("actor", 2), (current.GetProperty("label").GetString(), current.GetProperty("version").GetInt32()));
        var stored = await StoredAsync(id);
        Assert.Equal((labels["actor"], 2), (stored!.LabelId, stored.Version));
    }

    [Fact]
    public async Task A_label_edit_made_against_a_label_changed_since_is_refused_and_keeps_the_first_edit()
    {
        var (_, labels) = await NewDocumentAsync();
        var service = server.Get<LabelService>();
        var adminId = await server.AdminIdAsync();
        var read = (await service.ListAsync((await LabelAsync(labels["actor"])).ProjectId)).Single(l => l.Id == labels["actor"]).ToSpec();

        var first = await service.UpdateAsync(labels["actor"], adminId, read with { Name = "party" }, expected: read);
        var second = await service.UpdateAsync(labels["actor"], adminId, read with { Name = "group" }, expected: read);
        var staleRemove = await service.RemoveAsync(labels["actor"], adminId, expected: read);

        Assert.True(first.Succeeded);
        Assert.True(second.Conflict);
        Assert.StartsWith("Not saved: someone changed this label first (it is now \"party\"", Assert.Single(second.Errors), StringComparison.Ordinal);
        Assert.True(staleRemove.Conflict);
        Assert.Equal("party", (await LabelAsync(labels["actor"])).Name);
    }

    private async Task<(int DocumentId, Dictionary<string, int> Labels)> NewDocumentAsync()
    {
        var projectId = await server.CreateProjectAsync("versions " + Guid.NewGuid().ToString("N")[..8]);
        var documentId = await server.ImportDocumentAsync(projectId, Text);
        var labels = (await server.Get<LabelService>().ListAsync(projectId)).ToDictionary(l => l.Name, l => l.Id);
        return (documentId, labels);
    }

    private async Task<Web.Data.Annotation?> StoredAsync(long id)
    {
        await using var db = server.CreateDbContext();
        return await db.Annotations.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id);
    }

    private async Task<Web.Data.LabelDefinition> LabelAsync(int id)
    {
        await using var db = server.CreateDbContext();
        return await db.Labels.AsNoTracking().SingleAsync(l => l.Id == id);
    }
}
