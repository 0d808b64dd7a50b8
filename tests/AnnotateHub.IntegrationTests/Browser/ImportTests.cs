using System.Text;
using System.Text.RegularExpressions;
using AnnotateHub.Core.Projects;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>Importing in the browser: into a project from its Import tab, and a new project from the home page.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ImportTests(BrowserFixture fixture)
{
    private AppServer Server => fixture.Server;

    [Fact]
    public async Task A_file_fixed_on_disk_after_a_failed_import_imports_again_without_reload_and_its_suggestions_attach_to_known_documents()
    {
        var u = Guid.NewGuid().ToString("N")[..6];
        var projectId = await Server.CreateProjectAsync("Retry " + u);
        var supervisor = "sup-" + u;
        await Server.AddMemberAsync(await Server.CreateUserAsync(supervisor), projectId, ProjectRole.Supervisor);
        await Server.ImportDocumentAsync(projectId, $"Rockets hit the depot {u}.");
        var path = Path.Combine(Path.GetTempPath(), $"model-{u}.jsonl");
        await File.WriteAllTextAsync(path, $$"""{"text": "Rockets hit the depot {{u}}.", "annotations": [{"annotator": "model-x", "start": 0, "end": 7, "label": "no-such-label"}]}""");
        try
        {
            var page = await fixture.SignedInPageAsync(supervisor, AppServer.AnnotatorPassword);
            await page.GotoAsync($"/projects/{projectId}");
            await Live.WaitForCircuitAsync(page);
            await page.Locator(".mud-tab", new() { HasTextRegex = new Regex("^Import$") }).ClickAsync();
            // The tab says what this test then shows: a known document's spans attach to it, its text is not imported twice.
            await Expect(page.Locator("[data-testid=import-intro]")).ToContainTextAsync(
                "A document the project already has (same id, or same text) is not imported again: its annotations, gold spans and suggestions in the file are added to the existing document.");
            await Expect(page.Locator("[data-testid=import-intro]")).Not.ToContainTextAsync("skipped");
            var panel = page.Locator("[data-testid=import-panel]");
            await ChooseFileAsync(panel, path);
            await panel.Locator("input[data-testid=import-as-suggestions], [data-testid=import-as-suggestions] input").CheckAsync();
            await panel.Locator("[data-testid=import-start]").ClickAsync();
            var report = panel.Locator("[data-testid=import-report]");
            await Expect(report).ToContainTextAsync("Nothing was imported");
            // A fresh, empty input: choosing the same file again fires change in any browser.
            Assert.Equal("", await panel.Locator("[data-testid=import-file]").InputValueAsync());

            await File.WriteAllTextAsync(path, $$"""{"text": "Rockets hit the depot {{u}}.", "annotations": [{"annotator": "model-x", "start": 0, "end": 7, "label": "actor"}]}""");
            await ChooseFileAsync(panel, path);
            await panel.Locator("[data-testid=import-start]").ClickAsync();
            await Expect(report).ToContainTextAsync("1 suggestion attached to 1 existing document");
            Assert.Equal(1, await DocumentsInAsync(projectId));
            await fixture.ScreenshotAsync(page, "import-attached");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task An_import_can_suggest_casualty_figures_in_what_it_brought_in()
    {
        var u = Guid.NewGuid().ToString("N")[..6];
        var projectId = await Server.CreateProjectAsync("Recognize " + u);
        var supervisor = "sup-" + u;
        await Server.AddMemberAsync(await Server.CreateUserAsync(supervisor), projectId, ProjectRole.Supervisor);
        var file = new FilePayload
        {
            Name = "report.txt", MimeType = "text/plain",
            Buffer = Encoding.UTF8.GetBytes($"Depot report {u}\n\nAt least ten US soldiers were injured when rockets hit the depot {u}."),
        };

        var page = await fixture.SignedInPageAsync(supervisor, AppServer.AnnotatorPassword);
        await page.GotoAsync($"/projects/{projectId}");
        await Live.WaitForCircuitAsync(page);
        await page.Locator(".mud-tab", new() { HasTextRegex = new Regex("^Import$") }).ClickAsync();
        var panel = page.Locator("[data-testid=import-panel]");
        await ChooseFileAsync(panel, file);
        await panel.Locator("input[data-testid=import-recognize], [data-testid=import-recognize] input").CheckAsync();
        await panel.Locator("[data-testid=import-start]").ClickAsync();

        await Expect(panel.Locator("[data-testid=import-recognized]")).ToHaveTextAsync("casualty recognizer: 1 document read, 1 suggestion added (casualty figure 1), 0 already suggested, 0 already marked.");
        await using var db = Server.CreateDbContext();
        var suggestion = await db.Suggestions.SingleAsync(s => db.Documents.Any(d => d.Id == s.DocumentId && d.ProjectId == projectId));
        Assert.Equal("""{"count":"10","qualifier":"at least","status":"injured","who":"US soldiers"}""", suggestion.Attributes);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_supervisor_uploads_a_jsonl_file_sees_the_report_and_a_bad_file_changes_nothing()
    {
        var u = Guid.NewGuid().ToString("N")[..6];
        var projectId = await Server.CreateProjectAsync("Upload " + u);
        var supervisor = "sup-" + u;
        await Server.AddMemberAsync(await Server.CreateUserAsync(supervisor), projectId, ProjectRole.Supervisor);
        var good = new FilePayload
        {
            Name = "reports.jsonl", MimeType = "application/x-ndjson",
            Buffer = Encoding.UTF8.GetBytes(
                $$$"""
                {"id": "a", "text": "Rockets hit the depot {{{u}}}\n\nTwo guards were hurt.", "meta": {"title": "Depot report {{{u}}}", "outlet": "Wire"}, "annotations": [{"annotator": "model-x", "start": 0, "end": 7, "label": "actor"}]}
                {"id": "b", "text": "Second report {{{u}}}", "meta": {"title": "Second report {{{u}}}"}}
                """),
        };
        var bad = new FilePayload
        {
            Name = "bad.jsonl", MimeType = "application/x-ndjson",
            Buffer = Encoding.UTF8.GetBytes("{\"text\": \"Fine " + u + "\"}\n{\"text\": \"abc\", \"label\": [[0, 9, \"claim\"]]}\n{oops\n"),
        };

        var page = await fixture.SignedInPageAsync(supervisor, AppServer.AnnotatorPassword);
        await page.GotoAsync($"/projects/{projectId}");
        await Live.WaitForCircuitAsync(page);
        await page.Locator(".mud-tab", new() { HasTextRegex = new Regex("^Import$") }).ClickAsync();
        var panel = page.Locator("[data-testid=import-panel]");
        await ChooseFileAsync(panel, good);
        await Expect(panel.Locator("[data-testid=import-file-name]")).ToContainTextAsync("reports.jsonl");
        // model-x is nobody's account, so its spans go in as suggestions.
        await panel.Locator("input[data-testid=import-as-suggestions], [data-testid=import-as-suggestions] input").CheckAsync();
        await panel.Locator("[data-testid=import-start]").ClickAsync();
        var report = panel.Locator("[data-testid=import-report]");
        await Expect(report).ToContainTextAsync($"Imported 2 documents into \"Upload {u}\": 0 annotations, 0 gold spans, 1 suggestion.");
        await fixture.ScreenshotAsync(page, "import-report");

        await page.Locator(".mud-tab", new() { HasTextRegex = new Regex("^Documents$") }).ClickAsync();
        await Expect(page.Locator("[data-testid=doc-link]", new() { HasText = "Depot report " + u })).ToBeVisibleAsync();
        Assert.Equal(2, await DocumentsInAsync(projectId));

        await page.Locator(".mud-tab", new() { HasTextRegex = new Regex("^Import$") }).ClickAsync();
        await ChooseFileAsync(panel, bad);
        await panel.Locator("[data-testid=import-start]").ClickAsync();
        await Expect(report).ToContainTextAsync("Nothing was imported: 2 errors.");
        await Expect(report).ToContainTextAsync("line 2, label[0].end: 9 is past the end of the text (3 code points)");
        await Expect(report).ToContainTextAsync("line 3: not valid JSON");
        await fixture.ScreenshotAsync(page, "import-errors");
        Assert.Equal(2, await DocumentsInAsync(projectId));
    }

    [Fact]
    public async Task A_new_project_is_started_from_a_text_file_on_the_home_page()
    {
        var u = Guid.NewGuid().ToString("N")[..6];
        var page = await fixture.SignedInPageAsync();
        await page.Locator("[data-testid=new-project]").ClickAsync();
        var panel = page.Locator("[data-testid=import-panel]");
        await panel.Locator("#import-project-name").FillAsync("Fresh " + u);
        await ChooseFileAsync(panel, new FilePayload
        {
            Name = "article.txt", MimeType = "text/plain", Buffer = Encoding.UTF8.GetBytes($"Strike on the base {u}\n\nThe army said nobody was hurt."),
        });
        await panel.Locator("[data-testid=import-start]").ClickAsync();
        await Expect(panel.Locator("[data-testid=import-report]")).ToContainTextAsync($"Imported 1 document into \"Fresh {u}\" (new project)");
        await Expect(panel.Locator("[data-testid=import-report]")).ToContainTextAsync("New labels: claim, actor, casualty figure.");
        await fixture.ScreenshotAsync(page, "new-project-from-file");
        await Expect(page.Locator("[data-testid=project-link]", new() { HasText = "Fresh " + u })).ToBeVisibleAsync();

        await panel.Locator("[data-testid=import-open-project]").ClickAsync();
        await Expect(page.Locator("[data-testid=doc-link]")).ToHaveTextAsync($"Strike on the base {u}");
    }

    [Fact]
    public async Task A_100_MB_file_is_refused_before_it_is_uploaded()
    {
        var path = Path.Combine(Path.GetTempPath(), $"annotatehub-huge-{Guid.NewGuid():N}.jsonl");
        await using (var file = File.Create(path)) file.SetLength(100L * 1024 * 1024);
        try
        {
            var page = await fixture.SignedInPageAsync();
            await page.Locator("[data-testid=new-project]").ClickAsync();
            var panel = page.Locator("[data-testid=import-panel]");
            await ChooseFileAsync(panel, path);
            // Playwright hands the browser the whole 100 MB file first: on a busy machine that outlasts the default 5 s.
            await Expect(panel.Locator("[data-testid=import-error]")).ToContainTextAsync("is 100 MB; uploads in the browser are limited to 64 MB", new() { Timeout = 30_000 });
            await Expect(panel.Locator("[data-testid=import-start]")).ToBeDisabledAsync();
        }
        finally
        {
            File.Delete(path);
        }
    }

    private async Task<int> DocumentsInAsync(int projectId)
    {
        await using var db = await Server.Get<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContextAsync();
        return await db.Documents.CountAsync(d => d.ProjectId == projectId);
    }

    /// <summary>Hands the panel's file input a file once Blazor has wired it up: a tab just opened renders a new input,
    /// and a file given before Blazor listens for it is never seen (the Start button stays disabled).</summary>
    private static async Task ChooseFileAsync(ILocator panel, string path) => await ChooseAsync(panel, input => input.SetInputFilesAsync(path));

    private static async Task ChooseFileAsync(ILocator panel, FilePayload file) => await ChooseAsync(panel, input => input.SetInputFilesAsync(file));

    private static async Task ChooseAsync(ILocator panel, Func<ILocator, Task> choose)
    {
        var input = panel.Locator("[data-testid=import-file]");
        // At most 10 s (500 looks); then the file is given anyway and the steps after it say what went wrong.
        await input.EvaluateAsync("(el) => new Promise(done => { let looks = 0; const ready = () => el._blazorInputFileNextFileId !== undefined || ++looks > 500 ? done() : setTimeout(ready, 20); ready(); })");
        await choose(input);
    }
}
