using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using AnnotateHub.IntegrationTests.AgreementDashboard;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Agreement;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>The agreement dashboard in Chromium: figures equal to the REST report, the drill-down from the lowest pair to
/// its documents and their side-by-side disagreements, and a live update when an annotator changes a span.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AgreementDashboardTests(BrowserFixture fixture)
{
    private AppServer Server => fixture.Server;

    private async Task<JsonDocument> RestReportAsync(int projectId)
    {
        using var client = Server.CreateHttpClient(allowAutoRedirect: false);
        client.DefaultRequestHeaders.Add("Cookie", await Server.SignInCookieAsync(AppServer.AdminUserName, AppServer.AdminPassword));
        return JsonDocument.Parse(await client.GetStringAsync($"/api/projects/{projectId}/agreement"));
    }

    private static double? Kappa(JsonElement pair) =>
        pair.GetProperty("cohen_kappa").ValueKind == JsonValueKind.Null ? null : pair.GetProperty("cohen_kappa").GetDouble();

    private static ILocator Cells(IPage page, string a, string b) => page.Locator($"[data-testid=heat-cell][data-a='{a}'][data-b='{b}']");

    [Fact]
    public async Task A_supervisor_follows_the_lowest_pair_to_its_disagreements_and_sees_the_figures_update_live()
    {
        var project = await AgreementDashboardProject.ImportAsync(Server);
        int one, two;
        string benId;
        await using (var db = Server.CreateDbContext())
        {
            one = await db.Documents.Where(d => d.ProjectId == project.ProjectId && d.Title == AgreementDashboardProject.OneTitle).Select(d => d.Id).SingleAsync();
            two = await db.Documents.Where(d => d.ProjectId == project.ProjectId && d.Title == AgreementDashboardProject.TwoTitle).Select(d => d.Id).SingleAsync();
            benId = await db.Users.Where(u => u.UserName == project.Ben).Select(u => u.Id).SingleAsync();
        }
        using var before = await RestReportAsync(project.ProjectId);
        var pairs = before.RootElement.GetProperty("pairs").EnumerateArray().ToList();

        // The project page links the supervisor (admin imported the file, so supervises it) to the dashboard.
        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync($"/projects/{project.ProjectId}");
        await Live.WaitForCircuitAsync(page);
        await page.Locator("[data-testid=agreement-link]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/projects/{project.ProjectId}/agreement$"));
        await Expect(page.Locator("[data-testid=heat-cell]")).ToHaveCountAsync(6);
        foreach (var pair in pairs)
        {
            var cells = Cells(page, pair.GetProperty("a").GetString()!, pair.GetProperty("b").GetString()!);
            await Expect(cells).ToHaveCountAsync(2);
            await Expect(cells.First).ToHaveTextAsync(AgreementScale.Format(Kappa(pair)));
            await Expect(cells.Last).ToHaveTextAsync(AgreementScale.Format(Kappa(pair)));
        }
        await Expect(page.Locator("[data-metric=cohen_mean] [data-testid=figure-value]"))
            .ToHaveTextAsync(AgreementScale.Format(before.RootElement.GetProperty("cohen_kappa_mean").GetDouble()));
        await Expect(page.Locator("[data-metric=fleiss] [data-testid=figure-value]"))
            .ToHaveTextAsync(AgreementScale.Format(before.RootElement.GetProperty("fleiss_kappa").GetDouble()));
        await Expect(page.Locator("[data-testid=label-bar]")).ToHaveCountAsync(3);
        await Expect(page.Locator("[data-testid=timeline]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=download-csv]")).ToHaveAttributeAsync("href", $"/api/projects/{project.ProjectId}/agreement.csv");
        await Expect(page.Locator("[data-testid=download-svg]")).ToHaveAttributeAsync("download", $"agreement-project-{project.ProjectId}.svg");
        await Expect(page.Locator("[data-testid=annotator-row]")).ToHaveCountAsync(3);
        // The label confusion matrix shows the report's counts, cell by cell.
        var confusion = before.RootElement.GetProperty("confusion");
        var categories = confusion.GetProperty("categories").EnumerateArray().Select(c => c.GetString()!).ToList();
        var counts = confusion.GetProperty("counts").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetInt64()).ToList()).ToList();
        Assert.Contains("O", categories);
        await Expect(page.Locator("[data-testid=confusion-cell]")).ToHaveCountAsync(categories.Count * categories.Count);
        for (var i = 0; i < categories.Count; i++)
            for (var j = 0; j < categories.Count; j++)
                await Expect(page.Locator($"[data-testid=confusion-cell][data-row='{categories[i]}'][data-col='{categories[j]}']"))
                    .ToHaveTextAsync(counts[i][j].ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("en-GB")));
        await fixture.ScreenshotAsync(page, "agreement-dashboard");

        // The lowest pair is ana × ben; its cell leads to their two documents, lowest kappa first.
        var lowest = pairs.MinBy(p => Kappa(p) ?? double.MaxValue);
        Assert.Equal((project.Ana, project.Ben), (lowest.GetProperty("a").GetString(), lowest.GetProperty("b").GetString()));
        await Cells(page, project.Ana, project.Ben).First.ClickAsync();
        await Expect(page.Locator("[data-testid=drill-heading]")).ToHaveTextAsync($"{project.Ana} and {project.Ben}: their documents");
        var rows = page.Locator("[data-testid=drill-row]");
        await Expect(rows).ToHaveCountAsync(2);
        var figures = (await rows.Locator("[data-testid=drill-figure]").AllTextContentsAsync())
            .Select(t => double.Parse(t.Replace('\u2212', '-'), CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(figures.Order().ToList(), figures);
        await Expect(rows.Locator("[data-testid=drill-disagreements]")).ToHaveTextAsync(["2", "2"]);
        await fixture.ScreenshotAsync(page, "agreement-pair-documents");

        // Report one side by side: "ten" for "ten soldiers" is a boundary, Iran a claim instead of an actor a wrong label.
        await page.Locator($"[data-testid=drill-row][data-document='{one}'] [data-testid=compare-link]").ClickAsync();
        await Expect(page.Locator("[data-testid=compare-title]")).ToHaveTextAsync(AgreementDashboardProject.OneTitle);
        await Expect(page.Locator("[data-testid=disagreement-row]")).ToHaveCountAsync(2);
        Assert.Equal(["boundary", "wrong-label"], await KindsAsync(page));
        await ExpectCountsAsync(page, match: 1, missed: 0, extra: 0, wrongLabel: 1, boundary: 1);
        await Expect(page.Locator("[data-testid=column-a] [data-testid=badge]")).ToHaveTextAsync(["1", "2"]);
        await fixture.ScreenshotAsync(page, "agreement-side-by-side");

        // Report two: ben missed "Drones" and added "governor".
        await page.GotoAsync($"/projects/{project.ProjectId}/agreement/compare/{two}?a={project.Ana}&b={project.Ben}");
        await Expect(page.Locator("[data-testid=compare-title]")).ToHaveTextAsync(AgreementDashboardProject.TwoTitle);
        await Expect(page.Locator("[data-testid=disagreement-row]")).ToHaveCountAsync(2);
        Assert.Equal(["missed", "extra"], await KindsAsync(page));
        await ExpectCountsAsync(page, match: 1, missed: 1, extra: 1, wrongLabel: 0, boundary: 0);
        await fixture.ScreenshotAsync(page, "agreement-side-by-side-missed-extra");

        // Live: with the dashboard open, ben reopens Report one, makes Iran an actor like ana, and marks it done again.
        await page.GotoAsync($"/projects/{project.ProjectId}/agreement");
        await Live.WaitForCircuitAsync(page);
        var oldKappa = AgreementScale.Format(Kappa(lowest));
        await Expect(Cells(page, project.Ana, project.Ben).First).ToHaveTextAsync(oldKappa);
        var team = Server.Get<TeamService>();
        Assert.True((await team.SetDoneAsync(one, benId, done: false)).Succeeded);
        StoredSpan iran;
        await using (var db = Server.CreateDbContext())
            iran = await db.Annotations.Where(a => a.DocumentId == one && a.AnnotatorId == benId && a.Start == 77).Select(a => new StoredSpan(a.Id, a.Version)).SingleAsync();
        var actor = (await Server.Get<LabelService>().ListAsync(project.ProjectId)).Single(l => l.Name == "actor").Id;
        var updated = await Server.Get<AnnotationService>().UpdateAsync(iran.Id, benId, iran.Version, actor, note: null);
        Assert.True(updated.Succeeded, updated.Error);
        Assert.True((await team.SetDoneAsync(one, benId, done: true)).Succeeded);

        using var after = await RestReportAsync(project.ProjectId);
        var newPair = after.RootElement.GetProperty("pairs").EnumerateArray().Single(p => p.GetProperty("a").GetString() == project.Ana && p.GetProperty("b").GetString() == project.Ben);
        var newKappa = AgreementScale.Format(Kappa(newPair));
        Assert.NotEqual(oldKappa, newKappa);
        await Expect(Cells(page, project.Ana, project.Ben).First).ToHaveTextAsync(newKappa);
        await Expect(page.Locator("[data-metric=cohen_mean] [data-testid=figure-value]"))
            .ToHaveTextAsync(AgreementScale.Format(after.RootElement.GetProperty("cohen_kappa_mean").GetDouble()));
        await page.ScreenshotAsync(new() { Path = Path.Combine(fixture.ScreenshotDirectory, "agreement-dashboard-after-live-update.png"), FullPage = true });

        // A label bar leads to the documents where the label was used, with a comparison link per pair of annotators.
        await page.Locator("[data-testid=label-bar][data-label='actor']").ClickAsync();
        await Expect(page.Locator("[data-testid=drill-heading]")).ToHaveTextAsync("Label “actor”: its documents");
        await Expect(page.Locator("[data-testid=drill-row]")).ToHaveCountAsync(2);
        await Expect(page.Locator($"[data-testid=drill-row][data-document='{two}'] [data-testid=compare-link]")).ToHaveCountAsync(3);
        await fixture.ScreenshotAsync(page, "agreement-label-documents");

        // The chart image, as a paper would include it.
        using var client = Server.CreateHttpClient(allowAutoRedirect: false);
        client.DefaultRequestHeaders.Add("Cookie", await Server.SignInCookieAsync(AppServer.AdminUserName, AppServer.AdminPassword));
        var svg = await client.GetStringAsync($"/api/projects/{project.ProjectId}/agreement.svg");
        var image = await fixture.NewPageAsync();
        await image.SetContentAsync(svg);
        await fixture.ScreenshotAsync(image, "agreement-chart-svg");
    }

    [Fact]
    public async Task The_dashboard_shows_what_the_spans_say_per_label_and_attribute()
    {
        var project = await AgreementDashboardProject.ImportAsync(Server);
        await project.GiveValuesAsync(Server);

        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync($"/projects/{project.ProjectId}/agreement");
        await Live.WaitForCircuitAsync(page);

        var table = page.Locator("[data-testid=attribute-table]");
        await Expect(table).ToContainTextAsync("Krippendorff's α");
        await Expect(page.Locator("#attributes-title")).ToHaveTextAsync("What the spans say");
        await Expect(table.Locator("[data-testid=attribute-row]")).ToHaveCountAsync(6); // casualty figure's four, claim's two
        var count = table.Locator("[data-testid=attribute-row][data-label='casualty figure'][data-attribute=count]");
        await Expect(count).ToContainTextAsync("interval");
        await Expect(count.Locator("[data-testid=attribute-units]")).ToHaveTextAsync("2");
        await Expect(count.Locator("[data-testid=attribute-alpha]")).ToHaveTextAsync(AgreementScale.Format(189.0 / 197)); // by hand in GiveValuesAsync
        var status = table.Locator("[data-testid=attribute-row][data-label='casualty figure'][data-attribute=status]");
        await Expect(status).ToContainTextAsync("nominal");
        await Expect(status.Locator("[data-testid=attribute-alpha]")).ToHaveTextAsync(AgreementScale.Format(0.0));
        var who = table.Locator("[data-testid=attribute-row][data-label='casualty figure'][data-attribute=who]");
        await Expect(who.Locator("[data-testid=attribute-units]")).ToHaveTextAsync("0");
        await Expect(who.Locator("[data-testid=attribute-alpha]")).ToHaveTextAsync(AgreementScale.Format(null));
        await table.ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(fixture.ScreenshotDirectory, "agreement-dashboard-attributes.png"), FullPage = true });
    }

    [Fact]
    public async Task Without_two_annotators_done_on_a_document_the_dashboard_says_what_it_needs_and_annotators_are_refused()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var projectId = await Server.CreateProjectAsync("Early days " + suffix);
        var documentId = await Server.ImportDocumentAsync(projectId, "Rockets struck the base on Monday. " + suffix);
        var (supervisor, annotator) = ($"sue-{suffix}", $"abe-{suffix}");
        await Server.AddMemberAsync(await Server.CreateUserAsync(supervisor), projectId, Core.Projects.ProjectRole.Supervisor);
        var annotatorId = await Server.CreateUserAsync(annotator);
        await Server.AddMemberAsync(annotatorId, projectId);
        Assert.True((await Server.Get<TeamService>().SetDoneAsync(documentId, annotatorId, done: true)).Succeeded);

        var page = await fixture.SignedInPageAsync(supervisor, AppServer.AnnotatorPassword);
        await page.GotoAsync($"/projects/{projectId}/agreement");
        await Live.WaitForCircuitAsync(page);
        await Expect(page.Locator("[data-testid=agreement-empty]"))
            .ToContainTextAsync("Agreement needs two annotators who marked the same document done. So far 1 document has been marked done, each by one annotator only.");
        await Expect(page.Locator("[data-metric=alpha_nominal]")).ToContainTextAsync("Undefined: needs two annotators who marked the same document done");
        await Expect(page.Locator("[data-testid=heat-empty]")).ToBeVisibleAsync();
        await Expect(page.Locator($"[data-testid=annotator-row][data-annotator='{annotator}']")).ToContainTextAsync("1");
        await page.ScreenshotAsync(new() { Path = Path.Combine(fixture.ScreenshotDirectory, "agreement-dashboard-empty.png"), FullPage = true });

        var annotatorPage = await fixture.SignedInPageAsync(annotator, AppServer.AnnotatorPassword);
        await annotatorPage.GotoAsync($"/projects/{projectId}/agreement");
        await Expect(annotatorPage.Locator("[data-testid=agreement-refused]")).ToContainTextAsync("Only the project's supervisors can see its agreement.");
        await Expect(annotatorPage.Locator("[data-testid=heat-map]")).ToHaveCountAsync(0);
        await annotatorPage.GotoAsync($"/projects/{projectId}");
        await Live.WaitForCircuitAsync(annotatorPage);
        await Expect(annotatorPage.Locator("[data-testid=agreement-link]")).ToHaveCountAsync(0);
    }

    private sealed record StoredSpan(long Id, int Version);

    private static async Task<List<string>> KindsAsync(IPage page) =>
        (await page.Locator("[data-testid=disagreement-row]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.kind)")).ToList();

    private static async Task ExpectCountsAsync(IPage page, int match, int missed, int extra, int wrongLabel, int boundary)
    {
        foreach (var (kind, n) in new[] { ("match", match), ("missed", missed), ("extra", extra), ("wrong-label", wrongLabel), ("boundary", boundary) })
            await Expect(page.Locator($"[data-testid=count-{kind}] [data-testid=count]")).ToHaveTextAsync(n.ToString(CultureInfo.InvariantCulture));
    }
}
