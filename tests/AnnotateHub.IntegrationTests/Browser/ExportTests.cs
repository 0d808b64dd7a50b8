using System.Text;
using System.Text.RegularExpressions;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Import;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>The Export tab: choose a format and layer, prepare with progress, download the file the browser saves.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ExportTests(BrowserFixture fixture)
{
    private AppServer Server => fixture.Server;

    [Fact]
    public async Task A_supervisor_exports_majority_conll_with_bilou_tags_and_downloads_it()
    {
        var u = Guid.NewGuid().ToString("N")[..6];
        var file =
            $$$"""
            {"id": "d1", "text": "Iran fired missiles at Ain al-Asad . {{{u}}}", "annotators": ["bx-ana-{{{u}}}", "bx-ben-{{{u}}}"], "annotations": [{"annotator": "bx-ana-{{{u}}}", "start": 23, "end": 34, "label": "actor"}, {"annotator": "bx-ben-{{{u}}}", "start": 23, "end": 34, "label": "actor"}, {"annotator": "bx-ben-{{{u}}}", "start": 0, "end": 4, "label": "actor"}]}
            """;
        var report = await Server.Get<ImportService>().ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes(file)), "e.jsonl",
            new ImportOptions(await Server.AdminIdAsync(), ProjectName: "Export tab " + u));
        Assert.True(report.Succeeded, string.Join("\n", report.Describe()));

        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync($"/projects/{report.ProjectId}");
        await Live.WaitForCircuitAsync(page);
        await page.Locator(".mud-tab", new() { HasTextRegex = new Regex("^Export$") }).ClickAsync();
        var panel = page.Locator("[data-testid=export-panel]");
        await Choose(page, panel, "export-format", "CoNLL (token per line)");
        await Choose(page, panel, "export-layer", "Majority vote");
        await Choose(page, panel, "export-scheme", "BILOU");
        await panel.Locator("[data-testid=export-start]").ClickAsync();
        var ready = panel.Locator("[data-testid=export-ready]");
        await Expect(ready).ToContainTextAsync("1 document exported.");
        await fixture.ScreenshotAsync(page, "export-tab");

        var download = await page.RunAndWaitForDownloadAsync(() => panel.Locator("[data-testid=export-download]").ClickAsync());
        Assert.Equal($"project-{report.ProjectId}-conll.conll", download.SuggestedFilename);
        var path = await download.PathAsync();
        var lines = (await File.ReadAllLinesAsync(path!)).Where(l => l.Length > 0 && !l.StartsWith("-DOCSTART-", StringComparison.Ordinal)).ToList();
        // Both annotators tagged "Ain al-Asad"; only one tagged "Iran", which is no majority of two.
        Assert.Equal(
            ["Iran -X- -X- O", "fired -X- -X- O", "missiles -X- -X- O", "at -X- -X- O", "Ain -X- -X- B-actor", "al -X- -X- I-actor", "- -X- -X- I-actor", "Asad -X- -X- L-actor", ". -X- -X- O"],
            lines.Take(9));

        // Another user cannot fetch the prepared file by its link.
        var href = await panel.Locator("[data-testid=export-download]").GetAttributeAsync("href");
        var other = await fixture.SignedInPageAsync(await OtherUserAsync(u), AppServer.AnnotatorPassword);
        var response = await other.APIRequest.GetAsync(href!);
        Assert.Equal(404, response.Status);
    }

    private async Task<string> OtherUserAsync(string u)
    {
        var name = "bx-other-" + u;
        await Server.CreateUserAsync(name);
        return name;
    }

    private static async Task Choose(IPage page, ILocator panel, string testId, string option)
    {
        await panel.Locator($"[data-testid={testId}]").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = option }).First.ClickAsync();
        await Expect(page.Locator(".mud-popover-open")).ToHaveCountAsync(0);
    }
}
