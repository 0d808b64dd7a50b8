using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;
using Microsoft.EntityFrameworkCore;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>The project's guidelines beside the document (issue 20): the labels' descriptions, keys and what their spans
/// say, and the guidelines link a supervisor sets (a web address only: anything a page could run is refused).</summary>
[Collection(BrowserCollection.Name)]
public sealed class GuidelinesTests(BrowserFixture fixture)
{
    private AppServer Server => fixture.Server;

    [Fact]
    public async Task An_annotator_reads_the_labels_guidelines_and_opens_the_projects_guidelines_link_beside_the_document()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var user = $"gus-{suffix}";
        var projectId = await Server.CreateProjectAsync("Guidelines " + suffix);
        var documentId = await Server.ImportDocumentAsync(projectId, $"Guidelines {suffix}\n\nRockets hit the base; two soldiers were hurt.");
        var userId = await Server.CreateUserAsync(user);
        await Server.AddMemberAsync(userId, projectId);
        var admin = Server.Get<ProjectAdminService>();
        var adminId = await Server.AdminIdAsync();

        foreach (var bad in new[] { "javascript:alert(1)", "data:text/html,<b>x</b>", "guidelines.pdf", "https://example.org/" + new string('x', 2000) })
        {
            var refused = await admin.UpdateAsync(projectId, adminId, new ProjectEdit(GuidelinesUrl: bad));
            Assert.False(refused.Succeeded, bad);
        }
        Assert.False((await admin.UpdateAsync(projectId, userId, new ProjectEdit(GuidelinesUrl: "https://example.org/g"))).Succeeded); // an annotator may not
        await using (var db = Server.CreateDbContext())
            Assert.Null(await db.Projects.Where(p => p.Id == projectId).Select(p => p.GuidelinesUrl).SingleAsync());
        var set = await admin.UpdateAsync(projectId, adminId, new ProjectEdit(GuidelinesUrl: " https://example.org/guidelines/v2.pdf "));
        Assert.True(set.Succeeded, set.Error);

        var page = await fixture.SignedInPageAsync(user, AppServer.AnnotatorPassword);
        await page.GotoAsync($"/documents/{documentId}");
        await Live.WaitForCircuitAsync(page);
        await Expect(page.Locator("[data-testid=guideline-list]")).ToHaveCountAsync(0); // folded until asked for
        await page.Locator("[data-testid=guidelines-toggle]").ClickAsync();

        var labels = await Server.Get<LabelService>().ListAsync(projectId);
        var items = page.Locator("[data-testid=guideline-label]");
        await Expect(items).ToHaveTextAsync(labels.Select(l => l.Name + (l.Hotkey ?? "")).ToArray());
        var figure = labels.Single(l => l.Name == "casualty figure");
        Assert.False(string.IsNullOrWhiteSpace(figure.Description));
        await Expect(page.Locator("[data-testid=guideline-description]").Nth(labels.ToList().IndexOf(figure))).ToHaveTextAsync(figure.Description!);
        await Expect(page.Locator("[data-testid=guideline-attributes]").Last)
            .ToHaveTextAsync("Says: count (number); status (killed, injured, missing, none, unknown); who (text); qualifier (exact, at least, more than, nearly, up to, vague)");
        var link = page.Locator("[data-testid=guidelines-link]");
        await Expect(link).ToHaveAttributeAsync("href", "https://example.org/guidelines/v2.pdf");
        await Expect(link).ToHaveAttributeAsync("target", "_blank");
        await fixture.ScreenshotAsync(page, "guidelines-panel");
    }
}
