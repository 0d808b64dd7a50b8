using System.Diagnostics;
using System.Net;
using System.Text.Json;
using AnnotateHub.Core.Projects;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests.Import;

/// <summary>
/// What a killed import leaves (decision 0030): its batch row, its hidden project with the documents of the batches it
/// committed, staged spans for known documents, an account it made. Nobody sees any of it, and the next start removes it.
/// </summary>
public sealed class ImportCrashCleanupTests
{
    private const int DocumentsPerLeftover = 700; // more than one clean-up step (ImportStaging.DeleteBatch)

    /// <summary>The owner string of an import whose process was killed: this machine, a pid that is gone, its start time.</summary>
    private static string KilledOwner()
    {
        using var process = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        var owner = $"{Environment.MachineName}:{process.Id}:{process.StartTime.ToUniversalTime().Ticks}";
        process.Kill();
        process.WaitForExit();
        return owner;
    }

    private static List<Document> Documents(int projectId, string u, string what) =>
        Enumerable.Range(0, DocumentsPerLeftover).Select(i => new Document
        {
            ProjectId = projectId, Title = $"{what} {i} {u}", Text = $"{what} article {i} {u}.", Length = $"{what} article {i} {u}.".Length,
            ContentHash = $"{what}-{i}-{u}", CreatedAt = DateTime.UtcNow,
        }).ToList();

    [Fact]
    public async Task A_killed_imports_hidden_project_is_never_visible_and_is_removed_at_the_next_start()
    {
        var folder = Directory.CreateTempSubdirectory("annotatehub-crash-").FullName;
        var path = Path.Combine(folder, "crash.db");
        var u = Guid.NewGuid().ToString("N")[..8];
        try
        {
            int targetId, knownDocumentId, newProjectId, stagingId, hiddenDocumentId;
            string accountId;
            var first = new AppServer(path);
            await first.InitializeAsync();
            try
            {
                targetId = await first.CreateProjectAsync("Target " + u);
                knownDocumentId = await first.ImportDocumentAsync(targetId, $"Rockets hit the base {u}.");
                var admin = await first.AdminIdAsync();
                var owner = KilledOwner();
                await using (var db = first.CreateDbContext())
                {
                    // A new project's import killed after some batches: the project itself is hidden, with an account it made.
                    var account = new AppUser { UserName = "made-" + u, NormalizedUserName = ("made-" + u).ToUpperInvariant(), SecurityStamp = Guid.NewGuid().ToString("N") };
                    db.Users.Add(account);
                    var created = new Project { Name = "Killed new " + u, OwnerId = admin, CreatedAt = DateTime.UtcNow, ImportPending = true };
                    // An import into Target killed the same way: a hidden staging project, and a suggestion staged for Target's document.
                    var staging = new Project { Name = $"(import {Guid.NewGuid():N})", OwnerId = admin, CreatedAt = DateTime.UtcNow, ImportPending = true };
                    db.Projects.AddRange(created, staging);
                    await db.SaveChangesAsync();
                    db.ProjectMembers.Add(new ProjectMember { ProjectId = created.Id, UserId = admin, Role = ProjectRole.Supervisor, AddedAt = DateTime.UtcNow });
                    db.Documents.AddRange(Documents(created.Id, u, "new"));
                    db.Documents.AddRange(Documents(staging.Id, u, "staged"));
                    var newBatch = new ImportBatch
                    {
                        TargetProjectId = created.Id, StagingProjectId = created.Id, ActorId = admin, Owner = owner,
                        StartedAt = DateTime.UtcNow, HeartbeatAt = DateTime.UtcNow, CreatedUserIds = JsonSerializer.Serialize(new[] { account.Id }),
                    };
                    var intoTarget = new ImportBatch
                    {
                        TargetProjectId = targetId, StagingProjectId = staging.Id, ActorId = admin, Owner = owner, StartedAt = DateTime.UtcNow, HeartbeatAt = DateTime.UtcNow,
                    };
                    db.ImportBatches.AddRange(newBatch, intoTarget);
                    await db.SaveChangesAsync();
                    var label = await db.Labels.Where(l => l.ProjectId == targetId).Select(l => l.Id).FirstAsync();
                    db.ImportStagedSpans.Add(new ImportStagedSpan { BatchId = intoTarget.Id, DocumentId = knownDocumentId, Kind = StagedSpanKind.Suggestion, Who = "model", Start = 0, End = 7, LabelId = label });
                    await db.SaveChangesAsync();
                    (newProjectId, stagingId, accountId) = (created.Id, staging.Id, account.Id);
                    hiddenDocumentId = await db.Documents.Where(d => d.ProjectId == staging.Id).Select(d => d.Id).FirstAsync();
                }

                // Meanwhile (the server has not restarted and nobody imports): none of it is visible.
                using var client = first.CreateHttpClient(allowAutoRedirect: false);
                client.DefaultRequestHeaders.Add("Cookie", await first.SignInCookieAsync(AppServer.AdminUserName, AppServer.AdminPassword));
                using var projects = JsonDocument.Parse(await client.GetStringAsync("/api/projects"));
                var ids = projects.RootElement.EnumerateArray().Select(p => p.GetProperty("id").GetInt32()).ToList();
                Assert.Contains(targetId, ids);
                Assert.DoesNotContain(newProjectId, ids);
                Assert.DoesNotContain(stagingId, ids);
                using var newDocuments = await client.GetAsync($"/api/projects/{newProjectId}/documents");
                using var stagedDocuments = await client.GetAsync($"/api/projects/{stagingId}/documents");
                using var hiddenDocument = await client.GetAsync($"/api/documents/{hiddenDocumentId}");
                using var targetDocuments = await client.GetAsync($"/api/projects/{targetId}/documents");
                Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.OK],
                    new[] { newDocuments, stagedDocuments, hiddenDocument, targetDocuments }.Select(r => r.StatusCode));
                Assert.Equal("1", targetDocuments.Headers.GetValues("X-Total-Count").Single());
                using var suggestions = JsonDocument.Parse(await client.GetStringAsync($"/api/documents/{knownDocumentId}/suggestions"));
                Assert.Equal(0, suggestions.RootElement.GetArrayLength());
            }
            finally
            {
                await first.DisposeAsync();
            }

            var second = new AppServer(path);
            await second.InitializeAsync();
            try
            {
                // The start-up clean-up (ImportBatchCleaner) ran before the server took requests.
                await using var db = second.CreateDbContext();
                Assert.Equal(0, await db.ImportBatches.CountAsync());
                Assert.Equal(0, await db.ImportStagedSpans.CountAsync());
                Assert.Equal(0, await db.Projects.IgnoreQueryFilters().CountAsync(p => p.ImportPending));
                Assert.Equal(0, await db.Documents.IgnoreQueryFilters().CountAsync(d => d.ProjectId == newProjectId || d.ProjectId == stagingId));
                Assert.False(await db.Users.AnyAsync(x => x.Id == accountId));
                // What was visible is untouched.
                Assert.Equal([knownDocumentId], await db.Documents.Where(d => d.ProjectId == targetId).Select(d => d.Id).ToListAsync());
                Assert.Equal(0, await db.Suggestions.CountAsync(s => s.DocumentId == knownDocumentId));
            }
            finally
            {
                await second.DisposeAsync();
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(folder, recursive: true); }
            catch (IOException) { /* a leftover temp folder is harmless */ }
        }
    }
}
