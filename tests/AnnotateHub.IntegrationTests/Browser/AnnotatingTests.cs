using AnnotateHub.Core.Text;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Labels;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>Tagging, relabelling and deleting spans in seed article 000 with a real mouse and keyboard.
/// Each test works in its own paragraph, so the tests do not depend on their order.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AnnotatingTests(BrowserFixture fixture) : IAsyncLifetime
{
    private SeedArticle _article = null!;
    private IReadOnlyList<LabelView> _labels = [];
    private string _adminId = "";
    private IPage _page = null!;

    private AnnotationService Annotations => fixture.Server.Get<AnnotationService>();
    private LabelView Label(string name) => _labels.Single(l => l.Name == name);

    public async Task InitializeAsync()
    {
        _article = await SeedArticle.LoadAsync(fixture.Server, SeedArticle.ExplainerSource);
        _labels = await fixture.Server.Get<LabelService>().ListAsync(await fixture.Server.DemoProjectIdAsync());
        _adminId = await fixture.Server.AdminIdAsync();
        _page = await fixture.SignedInPageAsync();
    }

    public Task DisposeAsync() => _page.Context.CloseAsync();

    [Fact]
    public async Task Phrase_tagged_by_mouse_drag_and_menu_is_saved_and_shown_after_reload()
    {
        const string phrase = "at least ten US soldiers were injured";
        // A few spans elsewhere, so the page (and its screenshot) shows several labels, nesting and overlap.
        await SeedSpanAsync("came under rocket attacks twice in less than 12 hours on Monday", "claim");
        await SeedSpanAsync("several casualties", "casualty figure");
        await SeedSpanAsync("a US strike claimed the lives of four members of Iraq’s anti-terror Popular Mobilization Units", "claim");
        await SeedSpanAsync("four members", "casualty figure");
        await SeedSpanAsync("Popular Mobilization Units (PMU)", "actor", within: "Iraq’s anti-terror Popular Mobilization Units (PMU) and amid");

        // Open the article the way a user does: project card, then the corpus table.
        await _page.Locator("a[data-testid=project-link]", new() { HasText = AppServer.DemoProjectName }).ClickAsync();
        await _page.Locator("a[data-testid=doc-link]", new() { HasText = _article.Title }).ClickAsync();
        var view = new DocumentView(_page, _article.Text);
        await view.WaitUntilInteractiveAsync();

        await view.DragSelectAsync(phrase);
        await Expect(view.Menu).ToBeVisibleAsync();
        await Expect(view.Menu.Locator(".label-menu-preview")).ToHaveTextAsync($"“{phrase}”");
        await fixture.ScreenshotAsync(_page, "label-menu");
        await view.Menu.Locator("button.label-menu-item[data-label=\"casualty figure\"]").ClickAsync();

        await Expect(view.Menu).ToBeHiddenAsync();
        await Expect(view.CommittedSpanRun(phrase)).ToHaveCountAsync(1);
        var saved = await SavedSpanAsync(phrase);
        Assert.Equal(Label("casualty figure").Id, saved.LabelId);
        Assert.Equal(_adminId, saved.AnnotatorId);

        await view.ReloadAsync();

        var run = view.SpanRun(phrase);
        await Expect(run).ToHaveCountAsync(1);
        await Expect(run).ToHaveAttributeAsync("data-anns", saved.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // The highlight is painted as the first background layer: the label colour at 0x40 alpha.
        var background = await run.EvaluateAsync<string>("el => getComputedStyle(el).backgroundImage");
        Assert.StartsWith("linear-gradient(rgba(229, 57, 53, 0.25), rgba(229, 57, 53, 0.25))", background, StringComparison.Ordinal);
        await Expect(view.SpanListItem("casualty figure", phrase)).ToHaveAttributeAsync("data-span-id", saved.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        await view.ClickSpanAsync(phrase);
        await Expect(view.Details.Locator("[data-testid=span-text]")).ToHaveTextAsync($"“{phrase}”");
        await _page.EvaluateAsync("() => window.scrollTo(0, 0)");
        var screenshot = await fixture.ScreenshotAsync(_page, "document-with-spans");
        CopyToDocs(screenshot);
    }

    [Fact]
    public async Task Phrase_selected_then_hotkey_two_is_tagged_as_actor()
    {
        const string phrase = "Israeli media";
        var view = await DocumentView.OpenAsync(_page, _article.Id, _article.Text);

        await view.DragSelectAsync(phrase);
        await Expect(view.Menu).ToBeVisibleAsync();
        await _page.Keyboard.PressAsync("2");

        await Expect(view.Menu).ToBeHiddenAsync();
        await Expect(view.CommittedSpanRun(phrase)).ToHaveCountAsync(1);
        await Expect(view.SpanListItem("actor", phrase)).ToHaveCountAsync(1);
        var saved = await SavedSpanAsync(phrase);
        Assert.Equal(Label("actor").Id, saved.LabelId);
    }

    [Fact]
    public async Task Selected_span_is_deleted_by_the_delete_key_and_another_by_the_delete_button()
    {
        const string byKey = "a vehicle carrying missiles";
        const string byButton = "the Haditha district";
        var first = await SeedSpanAsync(byKey, "claim");
        var second = await SeedSpanAsync(byButton, "actor");
        var view = await DocumentView.OpenAsync(_page, _article.Id, _article.Text);
        await Expect(view.CommittedSpanRun(byKey)).ToHaveCountAsync(1);

        await view.ClickSpanAsync(byKey);
        await Expect(view.Details.Locator("[data-testid=span-text]")).ToHaveTextAsync($"“{byKey}”");
        await _page.Keyboard.PressAsync("Delete");
        await Expect(view.SpanRun(byKey)).ToHaveCountAsync(0);
        await Expect(view.Details).ToBeHiddenAsync();

        await view.ClickSpanAsync(byButton);
        await Expect(view.Details.Locator("[data-testid=span-text]")).ToHaveTextAsync($"“{byButton}”");
        await view.Details.Locator("[data-testid=delete-span]").ClickAsync();
        await Expect(view.SpanRun(byButton)).ToHaveCountAsync(0);

        await view.ReloadAsync();
        await Expect(view.Article).ToContainTextAsync(byKey);
        await Expect(view.SpanRun(byKey)).ToHaveCountAsync(0);
        await Expect(view.SpanRun(byButton)).ToHaveCountAsync(0);
        await Expect(view.SpanList.Locator($"button[data-span-id=\"{first.Id}\"], button[data-span-id=\"{second.Id}\"]")).ToHaveCountAsync(0);
        Assert.Null(await Annotations.FindAsync(first.Id));
        Assert.Null(await Annotations.FindAsync(second.Id));
    }

    [Fact]
    public async Task Escape_closes_the_label_menu_without_creating_a_span()
    {
        const string phrase = "coalition forces";
        var view = await DocumentView.OpenAsync(_page, _article.Id, _article.Text);
        var before = (await Annotations.ListAsync(_article.Id)).Count;

        await view.DragSelectAsync(phrase);
        await Expect(view.Menu).ToBeVisibleAsync();
        await _page.Keyboard.PressAsync("Escape");

        await Expect(view.Menu).ToBeHiddenAsync();
        Assert.Equal("", await _page.EvaluateAsync<string>("() => window.getSelection().toString()"));
        await Expect(view.SpanRun(phrase)).ToHaveCountAsync(0);
        Assert.Equal(before, (await Annotations.ListAsync(_article.Id)).Count);
    }

    private async Task<AnnotationView> SeedSpanAsync(string phrase, string label, string? within = null)
    {
        var (start, end) = CodePointRange(phrase, within);
        var result = await Annotations.CreateAsync(_article.Id, _adminId, start, end, Label(label).Id, note: null);
        Assert.Equal(AnnotationOutcome.Ok, result.Outcome);
        return result.Annotation!;
    }

    /// <summary>The stored span over exactly <paramref name="phrase"/>, in code points.</summary>
    private async Task<AnnotationView> SavedSpanAsync(string phrase)
    {
        var (start, end) = CodePointRange(phrase);
        return Assert.Single(await Annotations.ListAsync(_article.Id), a => a.Start == start && a.End == end);
    }

    private (int Start, int End) CodePointRange(string phrase, string? within = null)
    {
        var utf16 = new DocumentView(_page, _article.Text).OffsetOf(phrase, within);
        var index = new CodePointIndex(_article.Text);
        return (index.ToCodePoint(utf16), index.ToCodePoint(utf16 + phrase.Length));
    }

    /// <summary>The README shows the document view; refresh its picture from the test run.</summary>
    private static void CopyToDocs(string screenshot)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AnnotateHub.sln"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("Cannot find the repository root above " + AppContext.BaseDirectory);
        var docs = Directory.CreateDirectory(Path.Combine(dir.FullName, "docs"));
        File.Copy(screenshot, Path.Combine(docs.FullName, "screenshot.png"), overwrite: true);
    }
}
