using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AnnotateHub.Core.Labels;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Corpus;
using AnnotateHub.Web.Features.Import;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>
/// Issue 14: script and markup in every text a user can set, then every page that shows it, in Chromium. The text shows
/// as characters; no element it describes exists; nothing ran (window.__xss) and nothing even tried to run (the CSP
/// would block an inline handler or script, so a violation report is the sign that markup got through).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class XssSweepTests(BrowserFixture fixture)
{
    private const string Img = "<img src=x onerror=window.__xss=1>";
    private const string Script = "<script>window.__xss=1</script>";
    private const string Svg = "\"><svg onload=window.__xss=1>";
    private const string JsUrl = "javascript:window.__xss=1";

    // Records CSP violations from the first byte of every page.
    private const string ViolationProbe = """
        window.__violations = [];
        document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
        """;

    private AppServer Server => fixture.Server;

    [Fact]
    public async Task Markup_in_every_settable_text_is_shown_literally_on_every_page_and_never_runs()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var adminId = await Server.AdminIdAsync();
        var projectName = $"P{suffix} {Svg}";
        var description = $"{Img} {Script}";
        var projectId = await Server.Get<TextDocumentImporter>().EnsureProjectAsync(projectName, adminId, description);

        var labelName = $"L{suffix}{Img}"[..Math.Min(64, $"L{suffix}{Img}".Length)];
        var label = await Server.Get<LabelService>().AddAsync(projectId, adminId, new LabelSpec(labelName, "#123456", null, Description: Script + Svg));
        Assert.True(label.Label is not null, string.Join("; ", label.Errors));
        // A colour is not free text: anything but #rrggbb is refused.
        var badColour = await Server.Get<LabelService>().AddAsync(projectId, adminId, new LabelSpec("colour" + suffix, "red;\"><svg onload=window.__xss=1>", null));
        Assert.Null(badColour.Label);

        var annotator = "xss-" + suffix;
        var annotatorId = await Server.CreateUserAsync(annotator);
        var displayName = $"D{suffix} {Svg}{Img}";
        await using (var db = Server.CreateDbContext())
        {
            await db.Users.Where(u => u.Id == annotatorId).ExecuteUpdateAsync(s => s.SetProperty(u => u.DisplayName, displayName));
        }

        var title = $"T{suffix} {Svg}";
        var outlet = $"O{suffix} {Img}";
        var text = $"Opening words. {Script} and {Img} and {Svg} and {JsUrl} end.";
        var documentId = await ImportAsync(projectId, suffix, text, title, outlet, JsUrl);
        await Server.AddMemberAsync(annotatorId, projectId);
        var note = $"N{suffix} {Script}{Svg}";
        var span = await Server.Get<AnnotationService>().CreateAsync(documentId, annotatorId, 0, 7, label.Label.Id, note);
        Assert.True(span.Succeeded, span.Error);
        await Server.Get<AnnotationService>().CreateAsync(documentId, adminId, 0, 7, label.Label.Id, note);
        var tokenName = $"K{suffix} {Img}";
        await Server.Get<ApiTokenService>().CreateAsync(adminId, tokenName);

        var admin = await fixture.SignedInPageAsync();
        await admin.Context.AddInitScriptAsync(ViolationProbe);

        await VisitAsync(admin, "/", projectName, description);

        await VisitAsync(admin, $"/projects/{projectId}", projectName, description, title, outlet);
        await admin.Locator(".mud-tab", new() { HasTextRegex = new Regex("^Team$") }).ClickAsync();
        await Expect(admin.Locator("[data-testid=team-panel]")).ToContainTextAsync(displayName);
        await admin.Locator(".mud-tab", new() { HasTextRegex = new Regex("^Labels$") }).ClickAsync();
        await admin.WaitForFunctionAsync("name => [...document.querySelectorAll('input.label-name')].some(i => i.value === name)", labelName);
        await AssertNothingRanAsync(admin, $"/projects/{projectId} (tabs)");

        var view = await VisitDocumentAsync(admin, documentId, text, title, outlet, labelName);
        await view.SpanList.Locator("button[data-span-id]").First.ClickAsync();
        // Someone else's span: the note is shown as text (one's own would be in the note field).
        await Expect(view.Details).ToContainTextAsync(note);
        await view.SpanList.Locator("button[data-span-id]").Nth(1).ClickAsync();
        await Expect(admin.Locator("#span-note")).ToHaveValueAsync(note);
        // The URL is not a link unless it is http(s): a javascript: URL is shown as nothing clickable.
        await Expect(admin.Locator("a[href^='javascript:' i]")).ToHaveCountAsync(0);
        await AssertNothingRanAsync(admin, $"/documents/{documentId} (span selected)");

        await VisitAsync(admin, $"/projects/{projectId}/agreement", projectName);
        await VisitAsync(admin, $"/projects/{projectId}/agreement/documents?label={Uri.EscapeDataString(labelName)}");
        await VisitAsync(admin, $"/projects/{projectId}/agreement/documents?a={annotator}&b={AppServer.AdminUserName}");
        // A query parameter is text too: reflected, it must be as harmless as stored text.
        await VisitAsync(admin, $"/projects/{projectId}/agreement/documents?label={Uri.EscapeDataString(Svg + Img)}");
        await VisitAsync(admin, $"/projects/{projectId}/agreement/compare/{documentId}");
        await VisitAsync(admin, "/admin/users", displayName);
        await VisitAsync(admin, "/account/tokens", tokenName);
        await admin.Context.CloseAsync();

        // The annotator's own view: the document with her span and note, and the project list.
        var page = await fixture.SignedInPageAsync(annotator, AppServer.AnnotatorPassword);
        await page.Context.AddInitScriptAsync(ViolationProbe);
        await VisitAsync(page, "/", projectName, description);
        await VisitDocumentAsync(page, documentId, text, title, outlet, labelName);
        await page.Context.CloseAsync();
    }

    private static async Task VisitAsync(IPage page, string path, params string[] shown)
    {
        await page.GotoAsync(path);
        await Live.WaitForCircuitAsync(page);
        foreach (var expected in shown) await Expect(page.Locator("body")).ToContainTextAsync(expected);
        await AssertNothingRanAsync(page, path);
    }

    private static async Task<DocumentView> VisitDocumentAsync(IPage page, int documentId, string text, string title, string outlet, string labelName)
    {
        await page.GotoAsync($"/documents/{documentId}");
        var view = new DocumentView(page, text);
        await view.WaitUntilInteractiveAsync();
        await Expect(view.Article).ToContainTextAsync(text);
        await Expect(page.Locator("h1.doc-title")).ToHaveTextAsync(title);
        await Expect(page.Locator("[data-testid=doc-outlet]")).ToHaveTextAsync(outlet);
        await Expect(view.SpanList).ToContainTextAsync(labelName);
        await AssertNothingRanAsync(page, $"/documents/{documentId}");
        return view;
    }

    /// <summary>No element the payloads describe, no inline script, nothing ran and no CSP violation.</summary>
    private static async Task AssertNothingRanAsync(IPage page, string where)
    {
        var injected = await page.EvaluateAsync<int>("""
            () => document.querySelectorAll('img[src="x"], svg[onload], [onerror], [onload], script:not([src])').length
            """);
        Assert.True(injected == 0, $"{where}: {injected} injected element(s)");
        Assert.True(await page.EvaluateAsync<bool>("() => typeof window.__xss === 'undefined'"), $"{where}: window.__xss was set");
        var violations = await page.EvaluateAsync<string[]>("() => window.__violations || []");
        Assert.True(violations.Length == 0, $"{where}: CSP violations: {string.Join(", ", violations)}");
    }

    private async Task<int> ImportAsync(int projectId, string suffix, string text, string title, string outlet, string url)
    {
        var line = JsonSerializer.Serialize(new { id = "xss-" + suffix, text, meta = new { title, outlet, url, published = "2024-01-05" } });
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(line + "\n"));
        var report = await Server.Get<ImportService>().ImportAsync(input, "xss.jsonl", new ImportOptions(await Server.AdminIdAsync(), ProjectId: projectId));
        Assert.True(report.Succeeded, string.Join("\n", report.Describe()));
        await using var db = Server.CreateDbContext();
        return await db.Documents.Where(d => d.ProjectId == projectId).Select(d => d.Id).SingleAsync();
    }
}
