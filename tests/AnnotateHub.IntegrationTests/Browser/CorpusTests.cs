using AnnotateHub.IntegrationTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class CorpusTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Demo_project_lists_the_seeded_articles_with_outlet_and_date()
    {
        var page = await fixture.SignedInPageAsync();

        await page.Locator("a[data-testid=project-link]", new() { HasText = AppServer.DemoProjectName }).ClickAsync();

        var rocketOp = page.Locator("tr", new() { Has = page.Locator("a[data-testid=doc-link]", new() { HasText = "Rocket Op. Targets US-Occupied Base in Iraq" }) });
        await Expect(rocketOp.Locator("td[data-label=Published]")).ToHaveTextAsync("2024-11-11");
        var explainer = page.Locator("tr", new() { Has = page.Locator("a[data-testid=doc-link]", new() { HasText = "Explainer: Why is Ain al-Assad" }) });
        await Expect(explainer.Locator("td[data-label=Outlet]")).ToHaveTextAsync("Press TV");
        await fixture.ScreenshotAsync(page, "corpus");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Search_narrows_the_corpus_to_articles_containing_the_phrase()
    {
        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync($"/projects/{await fixture.Server.DemoProjectIdAsync()}");
        await Live.WaitForInteractiveAsync(page, "#corpus-search");

        await page.Locator("#corpus-search").FillAsync("at least ten US soldiers");

        var links = page.Locator("a[data-testid=doc-link]");
        await Expect(links).ToHaveCountAsync(1);
        await Expect(links).ToHaveTextAsync("Explainer: Why is Ain al-Assad US military base under Iraqi resistance attack again?");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Seed_article_opens_from_the_corpus()
    {
        var article = await SeedArticle.LoadAsync(fixture.Server, SeedArticle.ExplainerSource);
        var page = await fixture.SignedInPageAsync();
        await page.Locator("a[data-testid=project-link]", new() { HasText = AppServer.DemoProjectName }).ClickAsync();

        await page.Locator("a[data-testid=doc-link]", new() { HasText = article.Title }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/documents/{article.Id}$"));
        await Expect(page.Locator("h1.doc-title")).ToHaveTextAsync(article.Title);
        await Expect(page.Locator("[data-testid=doc-text]")).ToContainTextAsync("at least ten US soldiers were injured");
        await Expect(page.Locator("[data-testid=doc-outlet]")).ToHaveTextAsync("Press TV");
        await page.Context.CloseAsync();
    }
}
