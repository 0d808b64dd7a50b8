using AnnotateHub.IntegrationTests.Browser;
using AnnotateHub.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Scale;

/// <summary>The project page of a 33,000-document project in Chromium: it opens on one page of documents with the
/// total, pages forward, sorts and searches on the server; the Team tab's matrix pages too.</summary>
[Collection(LargeProjectCollection.Name)]
[Trait("Database", "SqliteOnly")] // the 33,000-document fixture is written straight into SQLite
public sealed class LargeProjectPageTests(LargeProjectFixture fixture)
{
    private BrowserFixture B => fixture.Browser;

    private static string Title(int rank) => LargeCorpus.TitleOf(LargeProjectFixture.DefaultOrder[rank]);

    private async Task<IPage> OpenAsync()
    {
        var page = await B.SignedInPageAsync();
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync($"/projects/{fixture.ProjectId}");
        await Live.WaitForCircuitAsync(page);
        await Live.WaitForInteractiveAsync(page, "#corpus-search");
        return page;
    }

    [Fact]
    public async Task Project_page_shows_the_first_page_and_the_total_and_pages_forward()
    {
        var page = await OpenAsync();
        var links = page.Locator("a[data-testid=doc-link]");

        await Expect(page.Locator("[data-testid=corpus-range]")).ToHaveTextAsync("1–50 of 33,000 documents");
        await Expect(page.Locator("[data-testid=page-number]")).ToHaveTextAsync("Page 1 of 660");
        await Expect(links).ToHaveCountAsync(50);
        await Expect(links.First).ToHaveTextAsync(Title(0));
        await Expect(links.Last).ToHaveTextAsync(Title(49));
        await Expect(page.Locator("[data-testid=span-count]").First).ToHaveTextAsync(LargeProjectFixture.SpansPerDocument.ToString());
        await B.ScreenshotAsync(page, "large-project-page-1");

        await page.Locator("[data-testid=page-next]").ClickAsync();

        await Expect(page.Locator("[data-testid=corpus-range]")).ToHaveTextAsync("51–100 of 33,000 documents");
        await Expect(page.Locator("[data-testid=page-number]")).ToHaveTextAsync("Page 2 of 660");
        await Expect(links.First).ToHaveTextAsync(Title(50));
        await Expect(links).ToHaveCountAsync(50);

        await page.Locator("[data-testid=page-last]").ClickAsync();

        await Expect(page.Locator("[data-testid=corpus-range]")).ToHaveTextAsync("32,951–33,000 of 33,000 documents");
        await Expect(links.Last).ToHaveTextAsync(Title(LargeProjectFixture.Documents - 1));
        await Expect(page.Locator("[data-testid=page-next]")).ToBeDisabledAsync();
        await B.ScreenshotAsync(page, "large-project-page-last");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Sorting_and_searching_start_again_from_the_first_page()
    {
        var page = await OpenAsync();
        var links = page.Locator("a[data-testid=doc-link]");
        await page.Locator("[data-testid=page-next]").ClickAsync();
        await Expect(page.Locator("[data-testid=page-number]")).ToHaveTextAsync("Page 2 of 660");

        await page.Locator("[data-testid=sort-title]").ClickAsync();
        await Expect(page.Locator("[data-testid=page-number]")).ToHaveTextAsync("Page 1 of 660");
        await Expect(links.First).ToHaveTextAsync(LargeCorpus.TitleOf(0));
        await Expect(links.Nth(1)).ToHaveTextAsync(LargeCorpus.TitleOf(1));

        await page.Locator("[data-testid=sort-title]").ClickAsync();
        await Expect(links.First).ToHaveTextAsync(LargeCorpus.TitleOf(LargeProjectFixture.Documents - 1));

        await page.Locator("#corpus-search").FillAsync("Bulk report 01234");
        await Expect(page.Locator("[data-testid=corpus-range]")).ToHaveTextAsync("1–10 of 10 matching “Bulk report 01234”");
        await Expect(links).ToHaveCountAsync(10);
        await Expect(links.First).ToHaveTextAsync(LargeCorpus.TitleOf(12349)); // still title, descending
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Team_tab_matrix_shows_one_page_of_documents()
    {
        var page = await OpenAsync();

        await page.GetByRole(AriaRole.Tab, new() { Name = "Team" }).ClickAsync();

        var matrix = page.Locator("[data-testid=assignment-matrix]");
        await Expect(matrix.Locator("[data-testid=assignment-row]")).ToHaveCountAsync(50);
        await Expect(page.Locator("[data-testid=matrix-range]")).ToHaveTextAsync("Documents 1–50 of 33,000");
        await Expect(matrix.Locator("[data-testid=assignment-row] .state-dot.done")).ToHaveCountAsync(150);
        await Expect(page.Locator("[data-testid=member-progress]").First).ToHaveTextAsync("33000 of 33000 done · 0 in progress · 0 not started");

        await page.Locator("[data-testid=matrix-next]").ClickAsync();

        await Expect(page.Locator("[data-testid=matrix-range]")).ToHaveTextAsync("Documents 51–100 of 33,000");
        await Expect(matrix.Locator("[data-testid=assignment-row] a").First).ToHaveTextAsync(Title(50));
        await B.ScreenshotAsync(page, "large-project-team");
        await page.Context.CloseAsync();
    }
}
