using System.Diagnostics;
using System.Text.RegularExpressions;
using AnnotateHub.Core.Projects;
using AnnotateHub.IntegrationTests.Authorization;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.CommandLine;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>
/// Issue 14 at the page door: an open document page follows a change made from the command line (its own host, so the
/// server learns of it only through the database) without a reload. Latencies are printed, never asserted.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RightsEndAtOncePageTests(BrowserFixture fixture, ITestOutputHelper output)
{
    private const string Text =
        "Rights report on the depot\n\n" +
        "Drones struck the fuel depot shortly after midnight.\n\n" +
        "The regional governor said that three guards were wounded.\n\n" +
        "Firefighters contained the blaze before dawn.\n";

    private static readonly LocatorAssertionsToHaveCountOptions Long = new() { Timeout = 15_000 };

    private AppServer Server => fixture.Server;

    [Fact]
    public async Task The_open_page_of_a_user_locked_from_the_command_line_is_signed_out_and_saves_nothing()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var userName = "lia-" + suffix;
        var userId = await Server.CreateUserAsync(userName);
        var projectId = await Server.CreateProjectAsync("Locked page " + suffix);
        var documentId = await Server.ImportDocumentAsync(projectId, Text);
        await Server.AddMemberAsync(userId, projectId);
        var page = await fixture.SignedInPageAsync(userName, AppServer.AnnotatorPassword);
        var view = await DocumentView.OpenAsync(page, documentId, Text);
        await Expect(view.Article).ToBeVisibleAsync();

        var run = await RightsEndAtOnceTests.RunCommandAsync(Server, "users", "lock", userName);
        var clock = Stopwatch.StartNew();
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"), new() { Timeout = 15_000 });
        output.WriteLine($"users lock (command line) -> open page on the sign-in page: {clock.Elapsed.TotalMilliseconds:F0} ms");
        await Expect(page.Locator("#username")).ToBeVisibleAsync();
        // Told why, not just sent back to sign in.
        await Expect(page.Locator("[data-testid=signed-out-reason]")).ToHaveTextAsync("You were signed out. Your account was locked by an administrator.");
        await fixture.ScreenshotAsync(page, "locked-user-signed-out");

        // The cookie the browser still holds opens nothing: the document sends it back to sign in, and no span was saved.
        await page.GotoAsync($"/documents/{documentId}");
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
        await Expect(page.Locator("article.doc-text")).ToHaveCountAsync(0);
        await using var db = Server.CreateDbContext();
        Assert.Equal(0, await db.Annotations.CountAsync(a => a.AnnotatorId == userId));
    }

    [Fact]
    public async Task The_open_page_of_a_blind_supervisor_demoted_from_the_command_line_stops_showing_the_others_spans()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var projectName = "Demoted page " + suffix;
        var projectId = await Server.CreateProjectAsync(projectName);
        var documentId = await Server.ImportDocumentAsync(projectId, Text);
        var supName = "sue-" + suffix;
        var supId = await Server.CreateUserAsync(supName);
        var benId = await Server.CreateUserAsync("ben-" + suffix);
        await Server.AddMemberAsync(supId, projectId, ProjectRole.Supervisor);
        await Server.AddMemberAsync(benId, projectId);
        // Assigned while still a supervisor, so as an annotator they keep the document.
        await Server.AssignAsync(supId, documentId);
        await using (var db = Server.CreateDbContext())
        {
            await db.Projects.Where(p => p.Id == projectId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Mode, ProjectMode.Blind));
        }
        Server.Get<ProjectAccess>().Invalidate(projectId);
        const string seen = "Drones struck the fuel depot";
        const string hidden = "three guards were wounded";
        const string own = "Firefighters contained the blaze";
        await CreateAsync(documentId, benId, seen);

        var page = await fixture.SignedInPageAsync(supName, AppServer.AnnotatorPassword);
        var view = await DocumentView.OpenAsync(page, documentId, Text);
        await Expect(view.SpanRun(seen)).ToHaveCountAsync(1);

        var run = await RightsEndAtOnceTests.RunCommandAsync(Server, "projects", "add-member", projectName, supName, "--role", "annotator");
        var clock = Stopwatch.StartNew();
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        await Expect(view.SpanRun(seen)).ToHaveCountAsync(0, Long);
        output.WriteLine($"projects add-member --role annotator (command line) -> Ben's span gone from the open page: {clock.Elapsed.TotalMilliseconds:F0} ms");
        await Expect(page.Locator("[data-testid=assignment]")).ToContainTextAsync("Blind annotation: you see only your own spans.");

        // Ben's next span is not delivered; the page's own tagging still works, and is processed after Ben's change was.
        await CreateAsync(documentId, benId, hidden);
        await view.DragSelectAsync(own);
        await Expect(view.Menu).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("1");
        await Expect(view.CommittedSpanRun(own)).ToHaveCountAsync(1);
        await Expect(view.SpanRun(hidden)).ToHaveCountAsync(0);
        await Expect(view.Article.Locator("span.ann")).ToHaveCountAsync(1);
        await fixture.ScreenshotAsync(page, "demoted-supervisor-blind");
        await using var check = Server.CreateDbContext();
        Assert.Equal(1, await check.Annotations.CountAsync(a => a.DocumentId == documentId && a.AnnotatorId == supId));
        Assert.Equal(2, await check.Annotations.CountAsync(a => a.DocumentId == documentId && a.AnnotatorId == benId));
    }

    private async Task CreateAsync(int documentId, string userId, string phrase)
    {
        var labelId = (await Server.Get<LabelService>().ListAsync(await Server.ProjectOfAsync(documentId)))[0].Id;
        var start = Text.IndexOf(phrase, StringComparison.Ordinal);
        var result = await Server.Get<AnnotationService>().CreateAsync(documentId, userId, start, start + phrase.Length, labelId, null);
        Assert.True(result.Succeeded, result.Error);
    }
}
