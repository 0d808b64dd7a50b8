using AnnotateHub.Core.Text;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;
using AnnotateHub.Web.Features.Suggestions;
using Microsoft.EntityFrameworkCore;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>The claims board (issue 19) in Chromium on the demo corpus, in a server of its own: the casualty recognizer's
/// figures accepted, a few claims said, one figure's "who" completed as an annotator would; the board shows each outlet's
/// figures side by side, names the disagreement, links each value to its span, and downloads as CSV.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ClaimsBoardPageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task The_board_puts_every_outlets_figures_side_by_side_and_shows_where_they_disagree()
    {
        var server = new AppServer();
        await server.InitializeAsync();
        try
        {
            var projectId = await server.DemoProjectIdAsync();
            var adminId = await server.AdminIdAsync();
            var (report, error) = await server.Get<RecognizerService>().RunAsync(projectId, RecognizerKind.Casualty);
            Assert.True(report is not null, error);
            await using (var db = server.CreateDbContext())
            {
                foreach (var id in await db.Documents.Where(d => d.ProjectId == projectId).Select(d => d.Id).ToListAsync())
                {
                    var access = (await server.Get<ProjectAccess>().ForDocumentAsync(id, adminId))!;
                    var accepted = await server.Get<SuggestionService>().AcceptAllAsync(access);
                    Assert.Empty(accepted.Errors);
                }
            }
            var annotations = server.Get<AnnotationService>();
            var labels = await server.Get<LabelService>().ListAsync(projectId);
            var documents = await DocumentsAsync(server, projectId);
            var spokesman = documents.Single(d => d.Text.Contains("who said there were no injuries or casualties", StringComparison.Ordinal));
            var pentagon = documents.Single(d => d.Text.Contains("According to the Pentagon", StringComparison.Ordinal));
            await ClaimAsync(annotations, labels, adminId, spokesman, "who said there were no injuries or casualties", "coalition spokesman", "asserted");
            await ClaimAsync(annotations, labels, adminId, pentagon, "According to the Pentagon, more than 100 American forces suffered “traumatic brain injuries”", "Pentagon", "reported");
            await ClaimAsync(annotations, labels, adminId, pentagon, "The IRGC, however, says Washington uses the term to mask the number of the Americans who perished", "IRGC", "asserted");
            // The recognizer cannot tell whom "no injuries" counts; the annotator completes it.
            var none = (await annotations.ListAsync(spokesman.Id)).First(a => a.LabelName == "casualty figure" && a.Values().GetValueOrDefault("status") == "none");
            var completed = await annotations.UpdateAsync(none.Id, adminId, none.Version, none.LabelId, null,
                new Dictionary<string, string?>(none.Values().ToDictionary(v => v.Key, v => (string?)v.Value)) { ["who"] = "American forces" });
            Assert.True(completed.Succeeded, completed.Error);

            var page = await fixture.SignedInPageAsync(AppServer.AdminUserName, AppServer.AdminPassword, server);
            await page.GotoAsync($"/projects/{projectId}");
            // Clicked while the circuit replaces the first render, the link can be a detached copy: wait for it first.
            await Live.WaitForCircuitAsync(page);
            await page.Locator("[data-testid=claims-link]").ClickAsync();
            var board = page.Locator("[data-testid=claims-board]");
            await Expect(board).ToBeVisibleAsync();
            await Expect(page.Locator("[data-testid=claims-column]")).ToHaveCountAsync(5);
            var injured = board.Locator("[data-testid=figure-row][data-who=\"American forces\"][data-status=injured]");
            var noneRow = board.Locator("[data-testid=figure-row][data-who=\"American forces\"][data-status=none]");
            await Expect(injured.Locator("[data-testid=board-value]")).ToHaveTextAsync(["more than 100"]);
            await Expect(noneRow.Locator("[data-testid=board-value]")).ToHaveTextAsync(["0"]);
            await Expect(noneRow.Locator(".why")).ToHaveTextAsync("Other reports count injured American forces.");
            await Expect(injured.Locator(".why")).ToHaveTextAsync("Another report says there were none.");
            await Expect(board.Locator("[data-testid=claim-row]")).ToHaveCountAsync(3);
            await Expect(board.Locator("[data-testid=claim-row][data-source=IRGC] .stance")).ToHaveTextAsync("asserted");
            await Expect(board.Locator("[data-testid=figure-row][data-who=\"US soldiers\"][data-status=injured] [data-testid=board-value]")).ToHaveTextAsync(["at least 10"]);
            await fixture.ScreenshotAsync(page, "claims-board");

            // The CSV has a row per value.
            var csv = await page.EvaluateAsync<string>($"() => fetch('/api/projects/{projectId}/claims.csv').then(r => r.text())");
            var lines = csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.StartsWith("kind,who_or_source,status,disagreement,", lines[0], StringComparison.Ordinal);
            Assert.Contains(lines, l => l.StartsWith("figure,US soldiers,injured,", StringComparison.Ordinal) && l.Contains(",10,at least,", StringComparison.Ordinal));
            Assert.Equal(3, lines.Count(l => l.StartsWith("claim,", StringComparison.Ordinal)));

            // A value opens its span in its article, selected.
            await board.Locator("[data-testid=figure-row][data-who=\"US soldiers\"][data-status=injured] [data-testid=board-value]").ClickAsync();
            await Expect(page.Locator("[data-testid=span-details] [data-testid=span-text]")).ToHaveTextAsync("“at least ten US soldiers were injured”");
            await Expect(page.Locator("[data-testid=span-details] [data-attr=count]")).ToHaveValueAsync("10");
            await page.Context.CloseAsync();
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private sealed record Doc(int Id, string Text);

    private static async Task<List<Doc>> DocumentsAsync(AppServer server, int projectId)
    {
        await using var db = server.CreateDbContext();
        return await db.Documents.Where(d => d.ProjectId == projectId).Select(d => new Doc(d.Id, d.Text)).ToListAsync();
    }

    private static async Task ClaimAsync(AnnotationService annotations, IReadOnlyList<LabelView> labels, string userId, Doc doc, string phrase, string source, string stance)
    {
        var at = doc.Text.IndexOf(phrase, StringComparison.Ordinal);
        Assert.True(at >= 0, phrase);
        var index = new CodePointIndex(doc.Text);
        var made = await annotations.CreateAsync(doc.Id, userId, index.ToCodePoint(at), index.ToCodePoint(at + phrase.Length), labels.Single(l => l.Name == "claim").Id, null,
            new Dictionary<string, string?> { ["source"] = source, ["stance"] = stance });
        Assert.True(made.Succeeded, made.Error);
    }
}
