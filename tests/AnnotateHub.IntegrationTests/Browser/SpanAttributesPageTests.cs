using AnnotateHub.Core.Text;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Labels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>What a span says (issue 19), edited in its details with the keyboard in Chromium: saved, refused with the
/// reason when bad (nothing changed), shown on hover and in the side panel, live on another page, kept after a reload.
/// Works in seed article 002, which the other browser tests leave alone.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SpanAttributesPageTests(BrowserFixture fixture) : IAsyncLifetime
{
    private const string Source = "002_482e3a734ff3ff15.txt";
    private const string Phrase = "no injuries or casualties";
    private SeedArticle _article = null!;
    private IReadOnlyList<LabelView> _labels = [];
    private string _adminId = "";
    private IPage _page = null!;

    private AnnotationService Annotations => fixture.Server.Get<AnnotationService>();

    public async Task InitializeAsync()
    {
        _article = await SeedArticle.LoadAsync(fixture.Server, Source);
        _labels = await fixture.Server.Get<LabelService>().ListAsync(await fixture.Server.DemoProjectIdAsync());
        _adminId = await fixture.Server.AdminIdAsync();
        _page = await fixture.SignedInPageAsync();
    }

    public Task DisposeAsync() => _page.Context.CloseAsync();

    [Fact]
    public async Task A_casualty_figure_is_given_its_count_status_who_and_qualifier_with_the_keyboard()
    {
        var (start, end) = CodePoints(Phrase);
        var made = await Annotations.CreateAsync(_article.Id, _adminId, start, end, _labels.Single(l => l.Name == "casualty figure").Id, note: null);
        Assert.True(made.Succeeded, made.Error);
        var view = await DocumentView.OpenAsync(_page, _article.Id, _article.Text);
        var other = await fixture.SignedInPageAsync();
        var watcher = await DocumentView.OpenAsync(other, _article.Id, _article.Text);

        await view.ClickSpanAsync(Phrase);
        var fields = view.Details.Locator("[data-testid=span-attributes]");
        await Expect(fields).ToBeVisibleAsync();
        await Expect(fields.Locator("label.attr-name")).ToHaveTextAsync(["count", "status", "who", "qualifier"]);
        // A new span starts from the label's defaults.
        await Expect(fields.Locator("[data-attr=qualifier]")).ToHaveValueAsync("exact");

        // Keyboard only: focus the first field, type, Tab through the others, Enter saves them all.
        await fields.Locator("[data-attr=count]").FocusAsync();
        await _page.Keyboard.TypeAsync("ten");
        await _page.Keyboard.PressAsync("Enter");
        await Expect(_page.Locator(".mud-snackbar")).ToContainTextAsync("\"ten\" is not a number");
        Assert.Equal("""{"qualifier":"exact"}""", (await Annotations.FindAsync(made.Annotation!.Id))!.Attributes);

        await fields.Locator("[data-attr=count]").FillAsync("");
        await fields.Locator("[data-attr=count]").FocusAsync();
        await _page.Keyboard.TypeAsync("0");
        await _page.Keyboard.PressAsync("Tab");
        await Expect(fields.Locator("[data-attr=status]")).ToBeFocusedAsync();
        await fields.Locator("[data-attr=status]").SelectOptionAsync("none");
        await _page.Keyboard.PressAsync("Tab");
        await Expect(fields.Locator("[data-attr=who]")).ToBeFocusedAsync();
        await _page.Keyboard.TypeAsync("US personnel");
        await _page.Keyboard.PressAsync("Enter");

        await Expect(_page.Locator(".mud-snackbar", new() { HasText = "Saved." })).ToBeVisibleAsync();
        await Expect(view.Details).ToHaveAttributeAsync("data-version", "2");
        var saved = (await Annotations.FindAsync(made.Annotation.Id))!;
        Assert.Equal("""{"count":"0","qualifier":"exact","status":"none","who":"US personnel"}""", saved.Attributes);

        // What it says: in the side panel, on hover, and on the other page, live.
        var says = "count 0, status none, who US personnel, qualifier exact";
        await Expect(view.SpanListItem("casualty figure", Phrase).Locator("[data-testid=span-says]")).ToHaveTextAsync(says);
        await Expect(view.CommittedSpanRun(Phrase)).ToHaveAttributeAsync("title", "casualty figure: " + says);
        await Expect(watcher.SpanListItem("casualty figure", Phrase).Locator("[data-testid=span-says]")).ToHaveTextAsync(says);
        await fixture.ScreenshotAsync(_page, "span-attributes");

        // Kept after a reload, and the field shows the saved value.
        await view.ReloadAsync();
        await view.ClickSpanAsync(Phrase);
        await Expect(view.Details.Locator("[data-attr=who]")).ToHaveValueAsync("US personnel");
        await Expect(view.Details.Locator("[data-attr=status]")).ToHaveValueAsync("none");
        await other.Context.CloseAsync();
    }

    [Fact]
    public async Task A_supervisor_runs_the_casualty_recognizer_and_an_accepted_suggestion_says_what_it_found()
    {
        var article = await SeedArticle.LoadAsync(fixture.Server, "004_d0b6672a5af5314e.txt");
        const string figure = "more than 100 American forces suffered “traumatic brain injuries";
        var view = await DocumentView.OpenAsync(_page, article.Id, article.Text);

        await _page.Locator("[data-testid=recognize-menu] summary").ClickAsync();
        await _page.Locator("[data-testid=recognize-casualty]").ClickAsync();

        await Expect(_page.Locator(".mud-snackbar")).ToContainTextAsync("casualty recognizer: 1 document read, 1 suggestion added (casualty figure 1)");
        var suggested = view.SpanRun(figure);
        await Expect(suggested).ToHaveClassAsync("ann sug");
        await view.ClickSpanAsync(figure);
        var details = _page.Locator("[data-testid=suggestion-details]");
        await Expect(details.Locator("[data-testid=suggestion-source]")).ToHaveTextAsync("casualty recognizer");
        await Expect(details.Locator("[data-testid=suggestion-attributes] dt")).ToHaveTextAsync(["count", "status", "who", "qualifier"]);
        await Expect(details.Locator("[data-testid=suggestion-attributes] dd")).ToHaveTextAsync(["100", "injured", "American forces", "more than"]);
        await fixture.ScreenshotAsync(_page, "recognizer-suggestion");

        await _page.Keyboard.PressAsync("Enter");

        await Expect(view.CommittedSpanRun(figure)).ToHaveCountAsync(1);
        await Expect(view.Details.Locator("[data-attr=count]")).ToHaveValueAsync("100");
        var spans = await Annotations.ListAsync(article.Id);
        var accepted = Assert.Single(spans, a => a.LabelName == "casualty figure" && a.AnnotatorId == _adminId);
        Assert.Equal("""{"count":"100","qualifier":"more than","status":"injured","who":"American forces"}""", accepted.Attributes);

        // A second run finds the figure marked and suggests nothing.
        await _page.Locator("[data-testid=recognize-menu] summary").ClickAsync();
        await _page.Locator("[data-testid=recognize-casualty]").ClickAsync();
        await Expect(_page.Locator(".mud-snackbar", new() { HasText = "0 suggestions added" })).ToContainTextAsync("0 already suggested, 1 already marked");
    }

    [Fact]
    public async Task Document_labels_are_given_in_the_side_panel_and_kept()
    {
        var article = await SeedArticle.LoadAsync(fixture.Server, "003_e301387acb8c9699.txt");
        var view = await DocumentView.OpenAsync(_page, article.Id, article.Text);
        var panel = _page.Locator("[data-testid=document-labels]");

        await panel.Locator("[data-testid=document-labels-toggle]").ClickAsync();
        await panel.Locator("select[data-doc-attr=\"outlet stance\"]").SelectOptionAsync("sympathetic to the attackers");
        await panel.Locator("input[data-doc-attr=\"event date\"]").FillAsync("2024-08-05");
        await panel.Locator("input[data-doc-attr=\"event date\"]").PressAsync("Enter");

        await Expect(_page.Locator(".mud-snackbar", new() { HasText = "Document labels saved." })).ToBeVisibleAsync();
        await using (var db = fixture.Server.CreateDbContext())
        {
            var row = await db.DocumentLabels.SingleAsync(l => l.DocumentId == article.Id && l.AnnotatorId == _adminId);
            Assert.Equal("""{"event date":"2024-08-05","outlet stance":"sympathetic to the attackers"}""", row.Values);
        }
        await view.ReloadAsync();
        await panel.Locator("[data-testid=document-labels-toggle]").ClickAsync();
        await Expect(panel.Locator("select[data-doc-attr=\"outlet stance\"]")).ToHaveValueAsync("sympathetic to the attackers");
        await Expect(panel.Locator("input[data-doc-attr=\"event date\"]")).ToHaveValueAsync("2024-08-05");
        // Folded again, it says what was given.
        await panel.Locator("[data-testid=document-labels-toggle]").ClickAsync();
        await Expect(panel.Locator("[data-testid=document-labels-summary]")).ToHaveTextAsync("outlet stance sympathetic to the attackers, event date 2024-08-05");
    }

    private (int Start, int End) CodePoints(string phrase)
    {
        var at = _article.Text.IndexOf(phrase, StringComparison.Ordinal);
        Assert.True(at >= 0);
        var index = new CodePointIndex(_article.Text);
        return (index.ToCodePoint(at), index.ToCodePoint(at + phrase.Length));
    }
}
