using AnnotateHub.IntegrationTests.Browser;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Scale;

/// <summary>The project page of a 100,000-document project in Chromium: it pages, sorts titles in natural order both
/// ways, filters by status, and keeps all of it in the address so a reload shows the same rows.</summary>
[Collection(HundredThousandCollection.Name)]
[Trait("Database", "SqliteOnly")] // the fixture is written straight into SQLite
public sealed class HundredThousandPageTests(HundredThousandFixture fixture, ITestOutputHelper output)
{
    private BrowserFixture B => fixture.Browser;

    private async Task<IPage> OpenAsync(string query = "")
    {
        output.WriteLine($"fixture: {HundredThousandFixture.Documents:N0} documents written in {fixture.WriteTime.TotalSeconds:N1} s");
        var page = await B.SignedInPageAsync();
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync($"/projects/{fixture.ProjectId}{query}");
        await Live.WaitForCircuitAsync(page);
        await Live.WaitForInteractiveAsync(page, "#corpus-search");
        return page;
    }

    private static ILocator Links(IPage page) => page.Locator("a[data-testid=doc-link]");

    private static async Task ExpectTitlesAsync(IPage page, params int[] numbers)
    {
        for (var k = 0; k < numbers.Length; k++)
            await Expect(Links(page).Nth(k)).ToHaveTextAsync(HundredThousandFixture.TitleOf(numbers[k]));
    }

    [Fact]
    public async Task Document_list_pages_and_sorts_titles_in_natural_order()
    {
        var page = await OpenAsync();
        await Expect(page.Locator("[data-testid=corpus-range]")).ToHaveTextAsync("1–50 of 100,000 documents");
        await Expect(page.Locator("[data-testid=page-number]")).ToHaveTextAsync("Page 1 of 2000");

        await page.Locator("[data-testid=sort-title]").ClickAsync();

        // Natural order: 0, 1, 2, ... 9, 10, not 0, 1, 10, 100, 1000.
        await ExpectTitlesAsync(page, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        await Expect(Links(page).Last).ToHaveTextAsync(HundredThousandFixture.TitleOf(49));
        await page.WaitForURLAsync(url => url.Contains("sort=title", StringComparison.Ordinal));

        await page.Locator("[data-testid=page-next]").ClickAsync();
        await Expect(page.Locator("[data-testid=corpus-range]")).ToHaveTextAsync("51–100 of 100,000 documents");
        await ExpectTitlesAsync(page, 50, 51, 52);
        await Expect(Links(page).Last).ToHaveTextAsync(HundredThousandFixture.TitleOf(99));
        await B.ScreenshotAsync(page, "hundred-thousand-title-page-2");

        await page.Locator("[data-testid=sort-title]").ClickAsync();
        await Expect(page.Locator("[data-testid=page-number]")).ToHaveTextAsync("Page 1 of 2000");
        await ExpectTitlesAsync(page, 99_999, 99_998, 99_997);

        await page.Locator("[data-testid=page-last]").ClickAsync();
        await Expect(page.Locator("[data-testid=corpus-range]")).ToHaveTextAsync("99,951–100,000 of 100,000 documents");
        await Expect(Links(page).Last).ToHaveTextAsync(HundredThousandFixture.TitleOf(0));
        await Expect(Links(page).First).ToHaveTextAsync(HundredThousandFixture.TitleOf(49));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Status_filter_narrows_the_list_and_a_reload_keeps_filter_order_and_page()
    {
        var page = await OpenAsync("?sort=title");
        await ExpectTitlesAsync(page, 0, 1, 2);

        await page.Locator("[data-testid=filter-status]").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasTextString = "in progress" }).ClickAsync();

        // i % 4 == 2: 2, 6, 10, 14, ... in natural title order; a quarter of the documents.
        await Expect(page.Locator("[data-testid=corpus-range]")).ToHaveTextAsync("1–50 of 25,000 matching documents");
        await ExpectTitlesAsync(page, 2, 6, 10, 14, 18);
        await Expect(page.Locator("[data-testid=doc-status]").First).ToHaveTextAsync("in progress");
        await page.Locator("[data-testid=page-next]").ClickAsync();
        await ExpectTitlesAsync(page, 202, 206);
        await B.ScreenshotAsync(page, "hundred-thousand-in-progress");

        await page.ReloadAsync();
        await Live.WaitForCircuitAsync(page);
        await Expect(page.Locator("[data-testid=corpus-range]")).ToHaveTextAsync("51–100 of 25,000 matching documents");
        await ExpectTitlesAsync(page, 202, 206);
        Assert.Contains("status=in-progress", page.Url, StringComparison.Ordinal);

        await page.Locator("[data-testid=clear-filters]").ClickAsync();
        await Expect(page.Locator("[data-testid=corpus-range]")).ToHaveTextAsync("1–50 of 100,000 documents");
        await ExpectTitlesAsync(page, 0, 1, 2);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Not_started_first_when_sorted_by_status_and_a_larger_page_size()
    {
        var page = await OpenAsync("?sort=status&size=100");
        await Expect(page.Locator("[data-testid=corpus-range]")).ToHaveTextAsync("1–100 of 100,000 documents");
        // Not started (i % 4 == 1) first, by title: 1, 5, 9, ...
        await ExpectTitlesAsync(page, 1, 5, 9, 13);
        await Expect(Links(page)).ToHaveCountAsync(100);
        await Expect(page.Locator("[data-testid=doc-status]").Last).ToHaveTextAsync("not started");
        await page.Context.CloseAsync();
    }
}
