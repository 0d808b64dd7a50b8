using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Labels;
using Microsoft.EntityFrameworkCore;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>
/// Annotating without a mouse (issue 20): Tab reaches the text, the down arrow goes a paragraph at a time, the right arrow
/// a word at a time, Shift with the right arrow extends the selection by words, and the label's key tags it. The seed
/// article is imported into a project of the test's own, so its span stays out of the demo project.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class KeyboardAnnotationTests(BrowserFixture fixture)
{
    private const string Phrase = "at least ten US soldiers were injured";

    private AppServer Server => fixture.Server;

    [Fact]
    public async Task Mark_done_offers_the_next_document_focused_and_the_last_one_says_there_is_none()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var user = $"nia-{suffix}";
        var projectId = await Server.CreateProjectAsync("Next " + suffix);
        var first = await Server.ImportDocumentAsync(projectId, $"Alpha report {suffix}\n\nRockets hit the base.");
        var second = await Server.ImportDocumentAsync(projectId, $"Beta report {suffix}\n\nTwo soldiers were hurt.");
        var userId = await Server.CreateUserAsync(user);
        await Server.AddMemberAsync(userId, projectId);
        string secondTitle;
        await using (var db = Server.CreateDbContext()) secondTitle = await db.Documents.Where(d => d.Id == second).Select(d => d.Title).SingleAsync();

        var page = await fixture.SignedInPageAsync(user, AppServer.AnnotatorPassword);
        await page.GotoAsync($"/documents/{first}");
        await Live.WaitForCircuitAsync(page);
        await page.Locator("[data-testid=mark-done]").ClickAsync();

        var next = page.Locator("[data-testid=next-document]");
        await Expect(next).ToHaveTextAsync($"Next document: {secondTitle} →");
        await Expect(next).ToBeFocusedAsync();
        await fixture.ScreenshotAsync(page, "next-document");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/documents/{second}$"));
        await Live.WaitForCircuitAsync(page);
        await page.Locator("[data-testid=mark-done]").ClickAsync();
        await Expect(page.Locator("[data-testid=no-next-document]")).ToHaveTextAsync("That was your last document in this project.");
    }

    [Fact]
    public async Task A_keyboard_only_user_tags_at_least_ten_US_soldiers_were_injured_as_a_casualty_figure()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var user = $"kim-{suffix}";
        var projectId = await Server.CreateProjectAsync("Keyboard " + suffix);
        var seed = await SeedArticle.LoadAsync(Server, SeedArticle.ExplainerSource);
        var documentId = await Server.ImportDocumentAsync(projectId, seed.Text);
        var userId = await Server.CreateUserAsync(user);
        await Server.AddMemberAsync(userId, projectId);
        var figure = (await Server.Get<LabelService>().ListAsync(projectId)).Single(l => l.Name == "casualty figure");
        Assert.False(string.IsNullOrEmpty(figure.Hotkey));

        var page = await fixture.SignedInPageAsync(user, AppServer.AnnotatorPassword);
        await page.GotoAsync($"/documents/{documentId}");
        await Live.WaitForCircuitAsync(page);

        // Tab reaches the text (bounded: the page has a few dozen stops before it).
        for (var i = 0; i < 80 && await page.EvaluateAsync<string?>("document.activeElement?.dataset?.testid") != "doc-text"; i++)
            await page.Keyboard.PressAsync("Tab");
        await Expect(page.Locator("[data-testid=doc-text]")).ToBeFocusedAsync();

        // Down a paragraph at a time to the one with the phrase, then right a word at a time to its first word.
        const string paragraphHasPhrase = "p => { const s = getSelection(); const b = s.anchorNode?.parentElement?.closest('.para, p'); return !!b && b.textContent.includes(p); }";
        for (var i = 0; i < 100 && !await page.EvaluateAsync<bool>(paragraphHasPhrase, Phrase); i++)
            await page.Keyboard.PressAsync("ArrowDown");
        Assert.True(await page.EvaluateAsync<bool>(paragraphHasPhrase, Phrase));
        const string atPhrase = """
            p => {
                const s = getSelection();
                if (s.rangeCount === 0) return false;
                const r = s.getRangeAt(0), b = r.startContainer.parentElement.closest('.para, p');
                const before = document.createRange();
                before.setStart(b, 0);
                before.setEnd(r.startContainer, r.startOffset);
                return b.textContent.slice(before.toString().length).startsWith(p);
            }
            """;
        for (var i = 0; i < 200 && !await page.EvaluateAsync<bool>(atPhrase, Phrase); i++)
            await page.Keyboard.PressAsync("ArrowRight");
        Assert.Equal("at", await page.EvaluateAsync<string>("getSelection().toString()"));

        // Six more words: least ten US soldiers were injured.
        for (var i = 0; i < 6; i++) await page.Keyboard.PressAsync("Shift+ArrowRight");
        Assert.Equal(Phrase, await page.EvaluateAsync<string>("getSelection().toString()"));
        await Expect(page.Locator("[data-testid=label-menu] .label-menu-preview")).ToHaveTextAsync($"“{Phrase}”");
        await fixture.ScreenshotAsync(page, "keyboard-selection");
        await page.Keyboard.PressAsync(figure.Hotkey!);

        await Expect(page.Locator("[data-testid=span-count]")).ToHaveTextAsync("Spans (1)");
        await using var db = Server.CreateDbContext();
        // The span shows at once as pending; it is saved when the server answers.
        await Eventually.Until(() => db.Annotations.Any(a => a.DocumentId == documentId), what: "the span is saved");
        var span = await db.Annotations.AsNoTracking().SingleAsync(a => a.DocumentId == documentId);
        Assert.Equal((figure.Id, userId), (span.LabelId, span.AnnotatorId));
        var text = await db.Documents.Where(d => d.Id == documentId).Select(d => d.Text).SingleAsync();
        var offsets = new Core.Text.CodePointIndex(text);
        Assert.Equal(Phrase, text[offsets.ToUtf16(span.Start)..offsets.ToUtf16(span.End)]);

        // The text keeps the focus: the next word is one key away.
        await Expect(page.Locator("[data-testid=doc-text]")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        await Expect(page.Locator("[data-testid=label-menu] .label-menu-preview")).ToHaveTextAsync("“some”");
    }
}
