using System.Globalization;
using System.Text.RegularExpressions;
using AnnotateHub.Core.Projects;
using AnnotateHub.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using StoredAnnotation = AnnotateHub.Web.Data.Annotation;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>
/// A blind project run through the UI in three browser contexts: a supervisor (a created user with the project's
/// Supervisor role, not an admin) and two annotators. Each test makes its own project and users, since the
/// fixture's server is shared by every browser test.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BlindProjectTests(BrowserFixture fixture)
{
    // Titles sort the home queue (neither has a date): "Alpha" comes first, so both annotators start there.
    private const string AlphaText =
        "Alpha report on the depot fire\n\n" +
        "Drones struck the fuel depot shortly after midnight.\n\n" +
        "The regional governor said that three guards were wounded.\n\n" +
        "Firefighters contained the blaze before dawn.\n";

    private const string BetaText =
        "Beta report on the border crossing\n\n" +
        "The crossing reopened on Thursday after a week of closures.\n";

    private const string AlphaTitle = "Alpha report on the depot fire";
    private const string BetaTitle = "Beta report on the border crossing";

    private AppServer Server => fixture.Server;

    [Fact]
    public async Task Blind_annotators_see_only_their_own_spans_while_the_supervisor_sees_both_live()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (supervisor, ayla, bruno) = ($"sam-{suffix}", $"ayla-{suffix}", $"bruno-{suffix}");
        var projectName = "Blind run " + suffix;
        var projectId = await Server.CreateProjectAsync(projectName);
        var alphaId = await Server.ImportDocumentAsync(projectId, AlphaText);
        var betaId = await Server.ImportDocumentAsync(projectId, BetaText);
        await Server.AddMemberAsync(await Server.CreateUserAsync(supervisor), projectId, ProjectRole.Supervisor);
        var aylaId = await Server.CreateUserAsync(ayla);
        var brunoId = await Server.CreateUserAsync(bruno);

        // The supervisor sets the project up on the Team tab: blind, two annotators, each document to both.
        var team = await fixture.SignedInPageAsync(supervisor, AppServer.AnnotatorPassword);
        await team.GotoAsync($"/projects/{projectId}");
        await Live.WaitForCircuitAsync(team);
        await team.Locator(".mud-tab", new() { HasTextRegex = new Regex("^Team$") }).ClickAsync();
        var panel = team.Locator("[data-testid=team-panel]");
        await Expect(panel).ToBeVisibleAsync();
        await panel.Locator("[data-testid=mode-blind]").ClickAsync();
        await Expect(team.Locator("[data-testid=project-mode]")).ToHaveTextAsync("Blind");
        Assert.Equal(ProjectMode.Blind, await ModeInDatabaseAsync(projectId));
        foreach (var name in new[] { ayla, bruno })
        {
            await panel.Locator("#member-name").FillAsync(name);
            await panel.Locator("[data-testid=add-member]").ClickAsync();
            await Expect(MemberRow(panel, name)).ToContainTextAsync("Annotator");
        }
        // The admin who created the project is its first supervisor; then sam, then the two annotators.
        await Expect(panel.Locator("[data-testid=member-row]")).ToHaveCountAsync(4);
        await Expect(MemberRow(panel, supervisor)).ToContainTextAsync("Supervisor");
        // The panel opened before there were annotators; with two now, it suggests two per document.
        await Expect(panel.Locator("#per-document")).ToHaveValueAsync("2");
        await panel.Locator("[data-testid=assign-each]").ClickAsync();
        var matrix = panel.Locator("[data-testid=assignment-matrix]");
        await Expect(matrix.Locator("input[type=checkbox]:checked")).ToHaveCountAsync(4);
        Assert.Equal(
            Sorted([(alphaId, aylaId), (alphaId, brunoId), (betaId, aylaId), (betaId, brunoId)]),
            await AssignmentsInDatabaseAsync(projectId));
        await Expect(MemberRow(panel, ayla).Locator("[data-testid=member-progress]"))
            .ToHaveTextAsync("0 of 2 done · 0 in progress · 2 not started");
        await fixture.ScreenshotAsync(team, "blind-team-tab");

        // Both annotators start from their home queue, which leads each to the Alpha report.
        var pageA = await fixture.SignedInPageAsync(ayla, AppServer.AnnotatorPassword);
        var pageB = await fixture.SignedInPageAsync(bruno, AppServer.AnnotatorPassword);
        foreach (var home in new[] { pageA, pageB })
        {
            var queue = home.Locator("[data-testid=queue]", new() { HasText = projectName });
            await Expect(queue.Locator("[data-testid=queue-progress]")).ToHaveTextAsync("0 of 2 documents done");
            await Expect(queue.Locator("[data-testid=queue-item]")).ToHaveCountAsync(2);
            await Expect(queue.Locator("[data-testid=queue-next]")).ToHaveTextAsync($"Start: {AlphaTitle}");
        }
        await fixture.ScreenshotAsync(pageA, "blind-home-queue");
        var viewA = await StartFromQueueAsync(pageA, projectName, alphaId);
        var viewB = await StartFromQueueAsync(pageB, projectName, alphaId);
        var supervisorDoc = await team.Context.NewPageAsync();
        supervisorDoc.SetDefaultTimeout(20_000);
        var viewS = await DocumentView.OpenAsync(supervisorDoc, alphaId, AlphaText);
        await Expect(viewA.Page.Locator("[data-testid=assignment-state]")).ToHaveTextAsync("In progress");
        await Expect(viewA.Page.Locator("[data-testid=assignment]")).ToContainTextAsync("Blind annotation: you see only your own spans.");
        // Opening the document started it: the Team tab, still open, says so without a reload.
        await MarkPageAsync(team);
        await Expect(MemberRow(panel, ayla).Locator("[data-testid=member-progress]"))
            .ToHaveTextAsync("0 of 2 done · 1 in progress · 1 not started");
        foreach (var page in new[] { pageA, pageB, supervisorDoc }) await MarkPageAsync(page);

        // Ayla tags a phrase; the supervisor sees it live, Bruno does not.
        const string phraseA = "three guards were wounded";
        await viewA.DragSelectAsync(phraseA);
        await Expect(viewA.Menu).ToBeVisibleAsync();
        await pageA.Keyboard.PressAsync("1");
        await Expect(viewA.CommittedSpanRun(phraseA)).ToHaveCountAsync(1);
        var spanA = Assert.Single(await AnnotationsInDatabaseAsync(alphaId));
        Assert.Equal(aylaId, spanA.AnnotatorId);
        await Expect(viewS.SpanRun(phraseA)).ToHaveAttributeAsync("data-anns", Id(spanA.Id));
        await Expect(viewS.SpanRun(phraseA)).ToHaveClassAsync("ann others");

        // Bruno tags another; while he selects, Ayla's presence bar says only that he is here.
        const string phraseB = "Drones struck the fuel depot";
        await viewB.DragSelectAsync(phraseB);
        await Expect(viewB.Menu).ToBeVisibleAsync();
        await Expect(Viewer(supervisorDoc, bruno)).ToHaveAttributeAsync("title", $"{bruno}: selecting text");
        await Expect(Viewer(pageA, bruno)).ToHaveAttributeAsync("title", $"{bruno}: here");
        await pageB.Keyboard.PressAsync("2");
        await Expect(viewB.CommittedSpanRun(phraseB)).ToHaveCountAsync(1);
        var spanB = (await AnnotationsInDatabaseAsync(alphaId)).Single(a => a.AnnotatorId == brunoId);
        await Expect(viewS.SpanRun(phraseB)).ToHaveAttributeAsync("data-anns", Id(spanB.Id));
        await Expect(viewS.Article.Locator("span.ann")).ToHaveCountAsync(2);
        await Expect(viewS.SpanList.Locator("button[data-span-id]")).ToHaveCountAsync(2);

        // The supervisor's page got Bruno's span, so the change has been fanned out: each annotator still has only their own.
        await ExpectOnlyOwnSpanAsync(viewA, phraseA, spanA.Id, phraseB, spanB.Id);
        await ExpectOnlyOwnSpanAsync(viewB, phraseB, spanB.Id, phraseA, spanA.Id);
        await fixture.ScreenshotAsync(pageA, "blind-annotator-document");
        foreach (var page in new[] { pageA, pageB, supervisorDoc }) await ExpectSamePageAsync(page);

        // Nor does the page the server renders hold the other's span, its id or its place in the span list.
        var htmlA = await ServerRenderedAsync(pageA, alphaId);
        var htmlB = await ServerRenderedAsync(pageB, alphaId);
        Assert.Contains($"data-anns=\"{spanA.Id}\"", htmlA, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-anns=\"{spanB.Id}\"", htmlA, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-span-id=\"{spanB.Id}\"", htmlA, StringComparison.Ordinal);
        Assert.DoesNotContain($">{phraseB}</span>", htmlA, StringComparison.Ordinal);
        Assert.Contains($"data-anns=\"{spanB.Id}\"", htmlB, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-anns=\"{spanA.Id}\"", htmlB, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-span-id=\"{spanA.Id}\"", htmlB, StringComparison.Ordinal);
        Assert.DoesNotContain($">{phraseA}</span>", htmlB, StringComparison.Ordinal);

        // Ayla marks the Alpha report done; the supervisor's Team tab shows it live.
        await pageA.Locator("[data-testid=mark-done]").ClickAsync();
        await Expect(pageA.Locator("[data-testid=assignment-state]")).ToHaveTextAsync("Done");
        await Expect(pageA.Locator("[data-testid=reopen]")).ToBeVisibleAsync();
        await Expect(MemberRow(panel, ayla).Locator("[data-testid=member-progress]"))
            .ToHaveTextAsync("1 of 2 done · 0 in progress · 1 not started");
        await Expect(MemberRow(panel, bruno).Locator("[data-testid=member-progress]"))
            .ToHaveTextAsync("0 of 2 done · 1 in progress · 1 not started");
        await Expect(matrix.Locator($"[data-testid=assignment-row][data-document=\"{alphaId}\"] .state-dot.done")).ToHaveCountAsync(1);
        await ExpectSamePageAsync(team);
        Assert.Equal(AssignmentState.Done, await StateInDatabaseAsync(alphaId, aylaId));

        // A new span on a done document is refused, with the reason, and nothing is saved.
        await viewA.DragSelectAsync("Firefighters");
        await Expect(pageA.Locator(".mud-snackbar", new() { HasText = "You marked this document done; reopen it to change your spans." }))
            .ToBeVisibleAsync();
        await Expect(viewA.Menu).ToHaveCountAsync(0);
        Assert.Equal(2, (await AnnotationsInDatabaseAsync(alphaId)).Count);
        await Expect(viewA.Article.Locator("span.ann")).ToHaveCountAsync(1);

        // Ayla's home lists the Alpha report as done and offers the Beta report next.
        await pageA.GotoAsync("/");
        var queueA = pageA.Locator("[data-testid=queue]", new() { HasText = projectName });
        await Expect(queueA.Locator("[data-testid=queue-progress]")).ToHaveTextAsync("1 of 2 documents done");
        await Expect(queueA.Locator("[data-testid=queue-item]", new() { HasText = AlphaTitle })).ToHaveAttributeAsync("data-state", "Done");
        await Expect(queueA.Locator("[data-testid=queue-item]", new() { HasText = BetaTitle })).ToHaveAttributeAsync("data-state", "NotStarted");
        await Expect(queueA.Locator("[data-testid=queue-next]")).ToHaveTextAsync($"Start: {BetaTitle}");
        await fixture.ScreenshotAsync(pageA, "blind-home-queue-after-done");

        // Open again: Bruno, still on the page, sees Ayla's span outlined as someone else's, without a reload.
        await panel.Locator("[data-testid=mode-open]").ClickAsync();
        await Expect(team.Locator("[data-testid=project-mode]")).ToHaveTextAsync("Open");
        await Expect(viewB.SpanRun(phraseA)).ToHaveAttributeAsync("data-anns", Id(spanA.Id));
        await Expect(viewB.SpanRun(phraseA)).ToHaveClassAsync("ann others");
        await Expect(viewB.SpanRun(phraseB)).ToHaveClassAsync("ann");
        await Expect(pageB.Locator("[data-testid=assignment]")).Not.ToContainTextAsync("Blind annotation");
        await ExpectSamePageAsync(pageB);
        await fixture.ScreenshotAsync(pageB, "open-again-seen-by-bruno");

        foreach (var page in new[] { team, pageA, pageB }) await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Annotator_opening_a_document_not_assigned_to_them_is_refused_and_gets_none_of_its_text()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var name = $"cleo-{suffix}";
        var projectId = await Server.CreateProjectAsync("Assigned only " + suffix);
        var alphaId = await Server.ImportDocumentAsync(projectId, AlphaText);
        var betaId = await Server.ImportDocumentAsync(projectId, BetaText);
        var userId = await Server.CreateUserAsync(name);
        await Server.AddMemberAsync(userId, projectId, ProjectRole.Annotator, assignAll: false);
        await Server.AssignAsync(userId, alphaId);
        var page = await fixture.SignedInPageAsync(name, AppServer.AnnotatorPassword);

        var assigned = await DocumentView.OpenAsync(page, alphaId, AlphaText);
        await Expect(assigned.Article).ToContainTextAsync("three guards were wounded");

        await page.GotoAsync($"/documents/{betaId}");
        await Expect(page.Locator("[data-testid=doc-refused]")).ToContainTextAsync("This document is not assigned to you.");
        await Expect(page.Locator("[data-testid=doc-text]")).ToHaveCountAsync(0);
        await Live.WaitForCircuitAsync(page);
        await Expect(page.Locator("[data-testid=doc-refused]")).ToBeVisibleAsync();
        Assert.DoesNotContain("crossing reopened", await page.ContentAsync(), StringComparison.Ordinal);
        var html = await ServerRenderedAsync(page, betaId);
        Assert.Contains("This document is not assigned to you.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("crossing reopened", html, StringComparison.Ordinal);
        Assert.DoesNotContain(BetaTitle, html, StringComparison.Ordinal);
        await fixture.ScreenshotAsync(page, "blind-unassigned-document");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task User_outside_the_project_is_told_its_project_and_documents_do_not_exist()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var name = $"dara-{suffix}";
        var projectName = "Members only " + suffix;
        var projectId = await Server.CreateProjectAsync(projectName);
        var alphaId = await Server.ImportDocumentAsync(projectId, AlphaText);
        await Server.CreateUserAsync(name);
        var page = await fixture.SignedInPageAsync(name, AppServer.AnnotatorPassword);
        await Expect(page.Locator("a[data-testid=project-link]", new() { HasText = projectName })).ToHaveCountAsync(0);

        await page.GotoAsync($"/projects/{projectId}");
        await Live.WaitForCircuitAsync(page);
        await Expect(page.Locator(".mud-alert", new() { HasText = "This project does not exist." })).ToBeVisibleAsync();
        await Expect(page.Locator(".mud-tab")).ToHaveCountAsync(0);
        Assert.DoesNotContain(projectName, await page.ContentAsync(), StringComparison.Ordinal);

        await page.GotoAsync($"/documents/{alphaId}");
        await Live.WaitForCircuitAsync(page);
        await Expect(page.Locator(".mud-alert", new() { HasText = "This document does not exist." })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=doc-refused]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=doc-text]")).ToHaveCountAsync(0);
        var html = await ServerRenderedAsync(page, alphaId);
        Assert.Contains("This document does not exist.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("three guards", html, StringComparison.Ordinal);
        Assert.DoesNotContain(AlphaTitle, html, StringComparison.Ordinal);
        Assert.DoesNotContain(projectName, html, StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    private static ILocator MemberRow(ILocator panel, string userName) =>
        panel.Locator($"[data-testid=member-row][data-user=\"{userName}\"]");

    private static ILocator Viewer(IPage page, string name) =>
        page.Locator($"[data-testid=presence] [data-testid=viewer][data-user=\"{name}\"]");

    /// <summary>Follows the home queue's Start button, which must lead to <paramref name="documentId"/>.</summary>
    private static async Task<DocumentView> StartFromQueueAsync(IPage home, string projectName, int documentId)
    {
        var start = home.Locator("[data-testid=queue]", new() { HasText = projectName }).Locator("[data-testid=queue-next]");
        await Expect(start).ToHaveTextAsync(new Regex("^Start: "));
        await start.ClickAsync();
        await Expect(home).ToHaveURLAsync(new Regex($"/documents/{documentId}$"));
        var view = new DocumentView(home, AlphaText);
        await view.WaitUntilInteractiveAsync();
        return view;
    }

    private static async Task ExpectOnlyOwnSpanAsync(DocumentView view, string own, long ownId, string other, long otherId)
    {
        await Expect(view.SpanRun(own)).ToHaveAttributeAsync("data-anns", Id(ownId));
        await Expect(view.SpanRun(other)).ToHaveCountAsync(0);
        await Expect(view.Article.Locator("span.ann")).ToHaveCountAsync(1);
        await Expect(view.Article.Locator($"[data-anns~=\"{otherId}\"]")).ToHaveCountAsync(0);
        await Expect(view.SpanList.Locator("button[data-span-id]")).ToHaveCountAsync(1);
        await Expect(view.SpanList.Locator($"[data-span-id=\"{otherId}\"]")).ToHaveCountAsync(0);
        await Expect(view.Article).ToContainTextAsync(other); // the text is there, unmarked
    }

    /// <summary>The HTML the server renders for the document page, fetched with the page's own sign-in cookie.</summary>
    private static async Task<string> ServerRenderedAsync(IPage page, int documentId)
    {
        var response = await page.APIRequest.GetAsync($"/documents/{documentId}");
        Assert.Equal(200, response.Status);
        return await response.TextAsync();
    }

    private async Task<ProjectMode> ModeInDatabaseAsync(int projectId)
    {
        await using var db = Server.CreateDbContext();
        return await db.Projects.Where(p => p.Id == projectId).Select(p => p.Mode).SingleAsync();
    }

    private async Task<List<(int, string)>> AssignmentsInDatabaseAsync(int projectId)
    {
        await using var db = Server.CreateDbContext();
        var rows = await db.Assignments.Where(a => a.ProjectId == projectId).Select(a => new { a.DocumentId, a.UserId }).ToListAsync();
        return Sorted(rows.Select(r => (r.DocumentId, r.UserId)));
    }

    private static List<(int, string)> Sorted(IEnumerable<(int DocumentId, string UserId)> pairs) =>
        pairs.OrderBy(p => p.DocumentId).ThenBy(p => p.UserId, StringComparer.Ordinal).Select(p => (p.DocumentId, p.UserId)).ToList();

    private async Task<AssignmentState> StateInDatabaseAsync(int documentId, string userId)
    {
        await using var db = Server.CreateDbContext();
        return await db.Assignments.Where(a => a.DocumentId == documentId && a.UserId == userId).Select(a => a.State).SingleAsync();
    }

    private async Task<List<StoredAnnotation>> AnnotationsInDatabaseAsync(int documentId)
    {
        await using var db = Server.CreateDbContext();
        return await db.Annotations.AsNoTracking().Where(a => a.DocumentId == documentId).ToListAsync();
    }

    private static Task MarkPageAsync(IPage page) => page.EvaluateAsync("() => { window.__blindMarker = 'not reloaded'; }");

    private static async Task ExpectSamePageAsync(IPage page) =>
        Assert.Equal("not reloaded", await page.EvaluateAsync<string?>("() => window.__blindMarker ?? null"));

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
