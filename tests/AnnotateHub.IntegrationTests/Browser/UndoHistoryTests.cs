using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Labels;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>Undo by Ctrl+Z and by button, across a reload and a visit elsewhere, and a span's history with Revert, in a
/// real browser on a document of its own (undo reaches the user's latest change in the document).</summary>
[Collection(BrowserCollection.Name)]
public sealed class UndoHistoryTests(BrowserFixture fixture) : IAsyncLifetime
{
    private const string Text = "Rockets hit the base on Monday. At least ten soldiers were injured, officials said. "
        + "The Pentagon blamed the militia for the attack.\n";
    private const string Casualties = "At least ten soldiers were injured";
    private const string Militia = "the militia";

    private int _projectId;
    private int _documentId;
    private IReadOnlyList<LabelView> _labels = [];
    private IPage _page = null!;

    private AnnotationService Annotations => fixture.Server.Get<AnnotationService>();
    private int LabelId(string name) => _labels.Single(l => l.Name == name).Id;

    public async Task InitializeAsync()
    {
        _projectId = await fixture.Server.CreateProjectAsync("Undo " + Guid.NewGuid().ToString("N")[..8]);
        _documentId = await fixture.Server.ImportDocumentAsync(_projectId, Text);
        _labels = await fixture.Server.Get<LabelService>().ListAsync(_projectId);
        _page = await fixture.SignedInPageAsync();
    }

    public Task DisposeAsync() => _page.Context.CloseAsync();

    [Fact]
    public async Task Ctrl_z_undoes_the_last_changes_after_a_reload_and_a_visit_elsewhere_and_history_reverts_one()
    {
        var view = await DocumentView.OpenAsync(_page, _documentId, Text);
        await view.DragSelectAsync(Casualties);
        await Expect(view.Menu).ToBeVisibleAsync(); // the selection reached the server
        await _page.Keyboard.PressAsync("3");
        await Expect(view.CommittedSpanRun(Casualties)).ToHaveCountAsync(1);
        // The new span is selected: its details (with what a casualty figure says) open beside the text; the next drag
        // is measured once they have.
        await Expect(view.Details.Locator("[data-testid=span-attributes]")).ToBeVisibleAsync();
        await view.DragSelectAsync(Militia);
        await Expect(view.Menu).ToBeVisibleAsync(); // the selection reached the server
        await _page.Keyboard.PressAsync("2");
        await Expect(view.CommittedSpanRun(Militia)).ToHaveCountAsync(1);
        await view.ClickSpanAsync(Militia);
        await Expect(view.Details.Locator("[data-testid=span-text]")).ToHaveTextAsync($"“{Militia}”");
        await _page.Keyboard.PressAsync("1"); // relabel: actor → claim
        await Expect(view.Details.Locator("[data-label=claim][aria-checked=true]")).ToHaveCountAsync(1);
        Assert.Equal(LabelId("claim"), (await SpanAsync(Militia))!.LabelId);

        // Undo reads the change log: a reload does not lose it.
        await view.ReloadAsync();
        await _page.Keyboard.PressAsync("Control+z");
        await Expect(Snackbar("Undone: “the militia” is actor again.")).ToBeVisibleAsync();
        await Expect(view.Details.Locator("[data-label=actor][aria-checked=true]")).ToHaveCountAsync(1);
        Assert.Equal(LabelId("actor"), (await SpanAsync(Militia))!.LabelId);

        // Nor does a visit to another page.
        await _page.GotoAsync($"/projects/{_projectId}");
        await view.Page.GoBackAsync();
        await view.WaitUntilInteractiveAsync();
        await _page.Keyboard.PressAsync("Control+z");
        await Expect(Snackbar("Undone: the actor span “the militia” is removed.")).ToBeVisibleAsync();
        await Expect(view.SpanRun(Militia)).ToHaveCountAsync(0);
        Assert.Null(await SpanAsync(Militia));

        // History, one click from the span: relabel, then revert the relabel from the history.
        await view.ClickSpanAsync(Casualties);
        await Expect(view.Details.Locator("[data-testid=span-text]")).ToHaveTextAsync($"“{Casualties}”");
        await _page.Keyboard.PressAsync("1");
        await Expect(view.Details.Locator("[data-label=claim][aria-checked=true]")).ToHaveCountAsync(1);
        var history = _page.Locator("[data-testid=span-history]");
        await history.Locator("[data-testid=span-history-toggle]").ClickAsync();
        var entries = history.Locator("[data-testid=history-entry]");
        await Expect(entries).ToHaveCountAsync(2);
        await Expect(entries.Nth(0).Locator("[data-testid=history-what]")).ToHaveTextAsync("casualty figure → claim; qualifier removed"); // a claim has no qualifier (issue 19)
        await Expect(entries.Nth(1).Locator("[data-testid=history-what]")).ToHaveTextAsync("Created as casualty figure, qualifier exact"); // the label's default
        await entries.Nth(0).Locator("[data-testid=history-revert]").ClickAsync();
        await Expect(Snackbar("Reverted: “At least ten soldiers were injured” is casualty figure again.")).ToBeVisibleAsync();
        await Expect(entries).ToHaveCountAsync(3);
        await Expect(entries.Nth(0).Locator("[data-testid=history-what]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^claim → casualty figure; qualifier exact \(undid #\d+\)$"));
        await Expect(entries.Nth(1).Locator("[data-testid=history-undone]")).ToHaveCountAsync(1);
        await Expect(entries.Nth(1).Locator("[data-testid=history-revert]")).ToHaveCountAsync(0);
        Assert.Equal(LabelId("casualty figure"), (await SpanAsync(Casualties))!.LabelId);
        await fixture.ScreenshotAsync(_page, "span-history");

        // The Undo button: the last change not undone yet is the creation of the casualty span.
        await _page.Locator("[data-testid=undo]").ClickAsync();
        await Expect(view.SpanRun(Casualties)).ToHaveCountAsync(0);
        Assert.Empty(await Annotations.ListAsync(_documentId));
        await _page.Keyboard.PressAsync("Control+z");
        await Expect(Snackbar("Not undone: Nothing to undo")).ToBeVisibleAsync();
    }

    private ILocator Snackbar(string text) => _page.Locator(".mud-snackbar", new() { HasText = text }).First;

    private async Task<AnnotationView?> SpanAsync(string phrase)
    {
        var start = Text.IndexOf(phrase, StringComparison.Ordinal);
        return (await Annotations.ListAsync(_documentId)).SingleOrDefault(a => a.Start == start && a.End == start + phrase.Length);
    }
}
