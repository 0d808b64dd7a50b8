using System.Text.RegularExpressions;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Annotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>Projects and documents managed in the browser (issue 20): created empty, renamed, archived and deleted with a
/// typed confirmation; documents edited and deleted, the annotators' spans only once the supervisor confirms. Each test
/// owns its server, so the shared demo project stays as it is.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ProjectManagementTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_supervisor_creates_renames_archives_and_deletes_a_project()
    {
        var server = new AppServer();
        await server.InitializeAsync();
        try
        {
            var page = await fixture.SignedInPageAsync(AppServer.AdminUserName, AppServer.AdminPassword, server);
            await Live.WaitForInteractiveAsync(page, "[data-testid=new-empty-project]");
            await page.Locator("[data-testid=new-empty-project]").ClickAsync();
            // Tab after each name: the field's last value reaches the server before the click does (a click on a button that any
            // name enables could otherwise overtake the final input event on a loaded machine).
            await page.Locator("#new-project-name").FillAsync(AppServer.DemoProjectName.ToUpperInvariant());
            await page.Locator("#new-project-name").PressAsync("Tab");
            await page.Locator("#new-project-description").FillAsync("Interviews with survivors, spring 2026.");
            await page.Locator("[data-testid=create-project]").ClickAsync();
            await Expect(page.Locator("[data-testid=new-project-error]")).ToContainTextAsync("There is already a project named");
            await SettledScreenshotAsync(page, "project-new-dialog");
            await page.Locator("#new-project-name").FillAsync("Field notes");
            await page.Locator("#new-project-name").PressAsync("Tab");
            await page.Locator("[data-testid=create-project]").ClickAsync();

            await Expect(page).ToHaveURLAsync(new Regex(@"/projects/\d+$"));
            var projectId = int.Parse(new Uri(page.Url).Segments[^1], System.Globalization.CultureInfo.InvariantCulture);
            await Expect(page.Locator("[data-testid=project-name]")).ToHaveTextAsync("Field notes");
            await Expect(page.Locator("[data-testid=project-description]")).ToHaveTextAsync("Interviews with survivors, spring 2026.");

            await Live.WaitForInteractiveAsync(page, "[data-testid=project-edit]");
            await page.Locator("[data-testid=project-edit]").ClickAsync();
            await page.Locator("#project-name").FillAsync("  ");
            await Expect(page.Locator("[data-testid=project-save]")).ToBeDisabledAsync();
            await page.Locator("#project-name").FillAsync("Field notes (spring)");
            await page.Locator("#project-name").PressAsync("Tab");
            await Expect(page.Locator("[data-testid=project-save]")).ToBeEnabledAsync();
            await SettledScreenshotAsync(page, "project-edit-dialog");
            await page.Locator("[data-testid=project-save]").ClickAsync();
            await Expect(page.Locator("[data-testid=project-name]")).ToHaveTextAsync("Field notes (spring)");

            await page.Locator("[data-testid=project-archive]").ClickAsync();
            await Expect(page.Locator("[data-testid=project-archived]")).ToContainTextAsync("out of the annotators' queues");
            await Expect(page.Locator("[data-testid=project-archive]")).ToHaveTextAsync("Unarchive");
            await page.GotoAsync("/");
            await Expect(page.Locator("[data-testid=archived-projects] [data-testid=project-card]")).ToHaveAttributeAsync("data-project", "Field notes (spring)");
            await Expect(page.Locator("[data-testid=active-projects] [data-testid=project-card]")).ToHaveAttributeAsync("data-project", AppServer.DemoProjectName);
            await SettledScreenshotAsync(page, "projects-archived");

            await page.GotoAsync($"/projects/{projectId}");
            await Live.WaitForInteractiveAsync(page, "[data-testid=project-delete]");
            await page.Locator("[data-testid=project-delete]").ClickAsync();
            await Expect(page.Locator("[data-testid=project-impact]")).ToContainTextAsync("0 documents");
            await Expect(page.Locator("[data-testid=project-impact]")).ToContainTextAsync("its team of 1 member");
            await page.Locator("#project-delete-confirm").FillAsync("field notes (spring)");
            await Expect(page.Locator("[data-testid=project-delete-confirmed]")).ToBeDisabledAsync();
            await page.Locator("#project-delete-confirm").FillAsync("Field notes (spring)");
            await Expect(page.Locator("[data-testid=project-delete-confirmed]")).ToBeEnabledAsync();
            await SettledScreenshotAsync(page, "project-delete-dialog");
            await page.Locator("[data-testid=project-delete-confirmed]").ClickAsync();

            await Expect(page).ToHaveURLAsync(new Regex("/$"));
            await Expect(page.Locator("[data-testid=project-card]")).ToHaveCountAsync(1);
            await using var db = server.CreateDbContext();
            Assert.False(await db.Projects.AnyAsync(p => p.Id == projectId));
            await page.Context.CloseAsync();
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_supervisor_edits_a_documents_metadata_and_deletes_documents_the_annotators_spans_only_when_confirmed()
    {
        var server = new AppServer();
        await server.InitializeAsync();
        try
        {
            var projectId = await server.CreateProjectAsync("Base reports");
            var busy = await server.ImportDocumentAsync(projectId, "Busy report\n\nThree soldiers were injured, officials said.");
            var quiet = await server.ImportDocumentAsync(projectId, "Quiet report\n\nNobody was hurt, the spokesman said.");
            var ana = await server.CreateUserAsync("ana");
            await server.AddMemberAsync(ana, projectId);
            int label;
            await using (var db = server.CreateDbContext()) label = await db.Labels.Where(l => l.ProjectId == projectId).OrderBy(l => l.SortOrder).Select(l => l.Id).FirstAsync();
            Assert.True((await server.Get<AnnotationService>().CreateAsync(busy, ana, 0, 5, label, null)).Succeeded);
            // Ana has the document open while it goes.
            var annotator = await fixture.SignedInPageAsync("ana", AppServer.AnnotatorPassword, server);
            await annotator.GotoAsync($"/documents/{busy}");
            await Expect(annotator.Locator("[data-testid=doc-text]")).ToContainTextAsync("Three soldiers");
            await Live.WaitForCircuitAsync(annotator);

            var page = await fixture.SignedInPageAsync(AppServer.AdminUserName, AppServer.AdminPassword, server);
            await page.GotoAsync($"/projects/{projectId}");
            await Live.WaitForInteractiveAsync(page, "[data-testid=doc-edit]");
            await Row(page, "Quiet report").Locator("[data-testid=doc-edit]").ClickAsync();
            await Expect(page.Locator("#document-title")).ToHaveValueAsync("Quiet report");
            await page.Locator("#document-title").FillAsync("Spokesman: nobody hurt");
            await page.Locator("#document-outlet").FillAsync("AP");
            await page.Locator("#document-published").FillAsync("8 Jan 2020");
            await page.Locator("#document-url").FillAsync("https://example.org/quiet");
            await page.Locator("#document-url").PressAsync("Tab");
            await page.Locator("[data-testid=document-save]").ClickAsync();
            await Expect(page.Locator("[data-testid=document-edit-error]")).ToContainTextAsync("The published date must look like 2020-01-08");
            await SettledScreenshotAsync(page, "document-edit-dialog");
            await page.Locator("#document-published").FillAsync("2020-01-08");
            await page.Locator("#document-published").PressAsync("Tab");
            await page.Locator("[data-testid=document-save]").ClickAsync();

            var edited = Row(page, "Spokesman: nobody hurt");
            await Expect(edited.Locator("td[data-label=Outlet]")).ToHaveTextAsync("AP");
            await Expect(edited.Locator("td[data-label=Published]")).ToHaveTextAsync("2020-01-08");
            await using (var db = server.CreateDbContext())
                Assert.Equal("https://example.org/quiet", await db.Documents.Where(d => d.Id == quiet).Select(d => d.Url).SingleAsync());

            // Ana's span: the delete button waits for the supervisor to say it goes too.
            await Row(page, "Busy report").Locator("[data-testid=doc-delete]").ClickAsync();
            await Expect(page.Locator("[data-testid=document-impact]")).ToContainTextAsync("1 span by 1 annotator will be lost");
            await Expect(page.Locator("[data-testid=document-delete-confirmed]")).ToBeDisabledAsync();
            await SettledScreenshotAsync(page, "document-delete-dialog");
            await page.GetByText("Delete the annotators' 1 span with it").ClickAsync();
            await page.Locator("[data-testid=document-delete-confirmed]").ClickAsync();
            await Expect(Row(page, "Busy report")).ToHaveCountAsync(0);
            await Expect(annotator.Locator("[data-testid=doc-refused]")).ToContainTextAsync("This document was deleted.");

            // No spans: deleted on one confirmation.
            await Row(page, "Spokesman: nobody hurt").Locator("[data-testid=doc-delete]").ClickAsync();
            await Expect(page.Locator("[data-testid=document-impact]")).ToContainTextAsync("No annotator has saved a span in it");
            await page.Locator("[data-testid=document-delete-confirmed]").ClickAsync();
            await Expect(page.Locator("a[data-testid=doc-link]")).ToHaveCountAsync(0);
            await using (var db = server.CreateDbContext())
                Assert.Equal((0, 0), (await db.Documents.CountAsync(d => d.ProjectId == projectId), await db.Annotations.CountAsync(a => a.DocumentId == busy)));
            await annotator.Context.CloseAsync();
            await page.Context.CloseAsync();
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>A screenshot once MudBlazor's button and border transitions (250 ms) have ended: only the picture waits,
    /// never an assertion.</summary>
    private async Task SettledScreenshotAsync(IPage page, string name)
    {
        await page.WaitForTimeoutAsync(400);
        await fixture.ScreenshotAsync(page, name);
    }

    private static ILocator Row(IPage page, string title) =>
        page.Locator("tr", new() { Has = page.Locator("a[data-testid=doc-link]", new() { HasText = title }) });
}
