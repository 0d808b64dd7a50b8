using System.Collections.Concurrent;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Core.Labels;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Corpus;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;
using AnnotateHub.Web.Realtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace AnnotateHub.IntegrationTests;

/// <summary>
/// The cache rule (decision 0061) where it used to go stale: a label set kept by one instance of the app while another
/// changed it, and the facts of a document read while its import was still staging it in a hidden project.
/// </summary>
public sealed class CacheRuleTests(AppServer server) : IClassFixture<AppServer>
{
    [Fact]
    public async Task A_label_set_changed_by_another_process_reaches_this_ones_cache_and_open_documents()
    {
        var projectId = await server.CreateProjectAsync("Labels elsewhere " + Guid.NewGuid().ToString("N")[..6]);
        var adminId = await server.AdminIdAsync();
        var labels = server.Get<LabelService>();
        var announced = new ConcurrentQueue<LabelsChangedEvent>();
        using var subscription = server.Get<EventBus>().Subscribe<LabelsChangedEvent>(projectId, e => { announced.Enqueue(e); return Task.CompletedTask; });
        // The server keeps the set it read: the three default labels.
        Assert.Equal(3, (await labels.ListAsync(projectId)).Count);
        Assert.NotNull((await labels.ResolveAsync(projectId, "weapon", null)).Error);

        // Another instance of the app: its own label service, bus and origin; only the database joins the two.
        var elsewhere = new LabelService(server.Get<IDbContextFactory<AnnotateHubDbContext>>(), new EventBus(NullLogger<EventBus>.Instance),
            server.Get<ProjectAccess>(), new AccessChangeLog(TimeProvider.System), TimeProvider.System, NullLogger<LabelService>.Instance);
        var added = await elsewhere.AddAsync(projectId, adminId, new LabelSpec("weapon", "#123456", null, null));
        Assert.True(added.Succeeded, string.Join(" ", added.Errors));

        // Well inside LabelService.MaxAge (15 s): only the access-change signal can make this true this soon.
        await Eventually.Until(() => announced.Any(e => e.Labels.Any(l => l.Name == "weapon")), TimeSpan.FromSeconds(5),
            "the server announces the label set with the label the other process added");
        Assert.Equal(added.Label!.Id, (await labels.ResolveAsync(projectId, "weapon", null)).Id);

        var claim = (await labels.ListAsync(projectId)).Single(l => l.Name == "claim");
        Assert.True((await elsewhere.RemoveAsync(claim.Id, adminId)).Succeeded);
        await Eventually.Until(() => announced.Any(e => e.Labels.All(l => l.Name != "claim")), TimeSpan.FromSeconds(5),
            "the server announces the label set without the label the other process removed");
        Assert.NotNull((await labels.ResolveAsync(projectId, "claim", null)).Error);
    }

    [Fact]
    public async Task A_team_change_that_leaves_the_labels_alone_announces_no_label_set()
    {
        var projectId = await server.CreateProjectAsync("Labels unchanged " + Guid.NewGuid().ToString("N")[..6]);
        var labels = server.Get<LabelService>();
        var announced = new ConcurrentQueue<LabelsChangedEvent>();
        using var subscription = server.Get<EventBus>().Subscribe<LabelsChangedEvent>(projectId, e => { announced.Enqueue(e); return Task.CompletedTask; });
        await labels.ListAsync(projectId);
        var userName = "cache-" + Guid.NewGuid().ToString("N")[..6];
        await server.CreateUserAsync(userName);
        var added = await server.Get<TeamService>().SetMemberAsync(projectId, await server.AdminIdAsync(), userName, AnnotateHub.Core.Projects.ProjectRole.Annotator);
        Assert.True(added.Succeeded, added.Error);

        // The team change dropped the kept set; it is read again, found equal, and nothing is announced (the refresh
        // runs on its own: given a moment, which an announcement would have used).
        await Task.Delay(300);
        Assert.Empty(announced);
        Assert.Equal(3, (await labels.ListAsync(projectId)).Count);
    }

    [Fact]
    public async Task A_document_still_being_imported_is_not_remembered_in_its_staging_project()
    {
        var projectId = await server.CreateProjectAsync("Facts " + Guid.NewGuid().ToString("N")[..6]);
        int documentId, stagingId;
        await using (var db = server.CreateDbContext())
        {
            // What an import into an existing project does: documents go into a hidden staging project first.
            var staging = new Project { Name = "staging " + Guid.NewGuid().ToString("N"), OwnerId = await server.AdminIdAsync(), ImportPending = true };
            db.Projects.Add(staging);
            await db.SaveChangesAsync();
            stagingId = staging.Id;
            var document = new Document { ProjectId = stagingId, Title = "Staged", Text = "Staged text.", Length = 12, ContentHash = Guid.NewGuid().ToString("N") };
            db.Documents.Add(document);
            await db.SaveChangesAsync();
            documentId = document.Id;
        }
        var corpus = server.Get<CorpusService>();
        Assert.Null(await corpus.FactsAsync(documentId));

        // The import commits: the document moves into the project and the staging project goes.
        await using (var db = server.CreateDbContext())
        {
            await db.Documents.Where(d => d.Id == documentId).ExecuteUpdateAsync(d => d.SetProperty(x => x.ProjectId, projectId));
            await db.Projects.IgnoreQueryFilters().Where(p => p.Id == stagingId).ExecuteDeleteAsync();
        }
        var facts = await corpus.FactsAsync(documentId);
        Assert.NotNull(facts);
        Assert.Equal(projectId, facts.ProjectId);
        Assert.Equal(12, facts.Length);
        Assert.NotNull(await server.Get<ProjectAccess>().ForDocumentAsync(documentId, await server.AdminIdAsync()));
    }
}
