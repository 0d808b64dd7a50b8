using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>Imported text is data: markup in it shows as characters and never runs.</summary>
[Collection(BrowserCollection.Name)]
public sealed class HostileDocumentTests(BrowserFixture fixture)
{
    private const string ScriptTag = "<script>window.__pwned=1</script>";
    private const string ImgTag = "<img src=x onerror=\"window.__pwned=2\">";
    private const string JsLink = "<a href=\"javascript:window.__pwned=3\">click</a>";
    private const string Headline = "<img src=x onerror=\"window.__pwned=4\"> Breaking";

    [Fact]
    public async Task Markup_in_an_imported_document_is_shown_as_text_and_never_runs()
    {
        var text = $"{Headline}\n\nIntro line.\n\n{ScriptTag}\n\n{ImgTag}\n\nSee {JsLink} for more.\n";
        var documentId = await fixture.Server.ImportDocumentAsync(await fixture.Server.DemoProjectIdAsync(), text, "hostile.txt");
        var page = await fixture.SignedInPageAsync();

        var view = await DocumentView.OpenAsync(page, documentId, text);

        await Expect(view.Article).ToContainTextAsync(ScriptTag);
        await Expect(view.Article).ToContainTextAsync(ImgTag);
        await Expect(view.Article).ToContainTextAsync(JsLink);
        await Expect(page.Locator("h1.doc-title")).ToHaveTextAsync(Headline);
        await Expect(view.Article.Locator("img, script, a, iframe")).ToHaveCountAsync(0);
        await Expect(page.Locator("img[src=x]")).ToHaveCountAsync(0);
        await page.GetByText("click</a>").ClickAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => typeof window.__pwned === 'undefined'"));
        await page.Context.CloseAsync();
    }
}
