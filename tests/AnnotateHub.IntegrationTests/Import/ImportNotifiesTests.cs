using System.Net;
using AnnotateHub.IntegrationTests.Authorization;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.CommandLine;
using AnnotateHub.Web.Features.Projects;
using AnnotateHub.Web.Realtime;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace AnnotateHub.IntegrationTests.Import;

/// <summary>
/// An import tells the server about the members and assignments it adds whichever door it came through (issue 15:
/// notify from services, never from components): the REST import publishes the team change in the server's process,
/// and an import from the command line (its own host, caches and notifier) reaches the server through the
/// access-change signal, sooner than <see cref="ProjectAccess.MaxAge"/> would let its cached team go stale.
/// </summary>
public sealed class ImportNotifiesTests(AppServer server, ITestOutputHelper output) : IClassFixture<AppServer>
{
    [Trait("Database", "SqliteOnly")] // the command line, run against a SQLite file
    [Fact]
    public async Task A_command_line_import_that_adds_an_annotator_lets_them_in_at_once()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var userName = "imp-" + suffix;
        await server.CreateUserAsync(userName);
        var projectId = await server.CreateProjectAsync("Notified " + suffix);
        var projectName = "Notified " + suffix;
        using var client = server.CreateHttpClient(allowAutoRedirect: false);
        client.DefaultRequestHeaders.Add("Cookie", await server.SignInCookieAsync(userName, AppServer.AnnotatorPassword));
        // Not a member yet: the server reads (and caches) the project's team and answers as if the project did not exist.
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/projects/{projectId}/documents")).StatusCode);

        var file = Path.Combine(server.Directory, $"notify-{suffix}.jsonl");
        await File.WriteAllTextAsync(file,
            $$"""{"id": "n1", "text": "Officials said two people were hurt.", "annotations": [{"annotator": "{{userName}}", "start": 0, "end": 9, "label": "actor"}]}""" + "\n");
        var run = await RightsEndAtOnceTests.RunCommandAsync(server, "import", "--project", projectName, "--input", file);
        Assert.True(run.ExitCode == ExitCodes.Ok, run.Error);
        Assert.Contains($"Added to the project as annotators: {userName}.", run.Out, StringComparison.Ordinal);

        // Bounded well below ProjectAccess.MaxAge (15 s): without the signal the cached team would still say "not a member".
        var clock = System.Diagnostics.Stopwatch.StartNew();
        HttpStatusCode status;
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            while ((status = (await client.GetAsync($"/api/projects/{projectId}/documents", CancellationToken.None)).StatusCode) != HttpStatusCode.OK
                   && !limit.IsCancellationRequested)
                await Task.Delay(50, CancellationToken.None);
        }
        output.WriteLine($"import (command line) -> the new annotator's document list answers 200: {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Officials said", await client.GetStringAsync($"/api/projects/{projectId}/documents"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rest_import_publishes_the_team_change_in_the_servers_process()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var userName = "rest-" + suffix;
        await server.CreateUserAsync(userName);
        var projectId = await server.CreateProjectAsync("REST notified " + suffix);
        var changes = new List<int>();
        using var subscription = server.Get<EventBus>().Subscribe<TeamChangedEvent>(projectId, changed =>
        {
            lock (changes) changes.Add(changed.ProjectId);
            return Task.CompletedTask;
        });

        using var client = server.CreateHttpClient(allowAutoRedirect: false);
        client.DefaultRequestHeaders.Add("Cookie", await server.SignInCookieAsync(AppServer.AdminUserName, AppServer.AdminPassword));
        client.DefaultRequestHeaders.Add("Origin", server.Origin);
        var body = new StringContent(
            $$"""{"id": "r1", "text": "A spokesman denied the report.", "annotations": [{"annotator": "{{userName}}", "start": 2, "end": 11, "label": "actor"}]}""" + "\n");
        using var response = await client.PostAsync($"/api/projects/{projectId}/import?name=r.jsonl", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        lock (changes) Assert.Contains(projectId, changes);
        await using var db = server.CreateDbContext();
        var userId = await db.Users.Where(u => u.UserName == userName).Select(u => u.Id).SingleAsync();
        var member = await db.ProjectMembers.SingleAsync(m => m.ProjectId == projectId && m.UserId == userId);
        Assert.Equal(AnnotateHub.Core.Projects.ProjectRole.Annotator, member.Role);
    }
}
