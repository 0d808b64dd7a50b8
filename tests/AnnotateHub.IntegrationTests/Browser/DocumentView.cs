using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>Drives the document page the way a person does: real mouse drags, clicks and keys.</summary>
public sealed class DocumentView(IPage page, string text)
{
    public IPage Page => page;
    public ILocator Article => page.Locator("article.doc-text[data-testid=doc-text]");
    public ILocator Menu => page.Locator("[data-testid=label-menu]");
    public ILocator Details => page.Locator("[data-testid=span-details]");
    public ILocator SpanList => page.Locator("[data-testid=span-list]");

    /// <summary>Opens /documents/{id} and waits until the annotator's listeners are attached by the live circuit.</summary>
    public static async Task<DocumentView> OpenAsync(IPage page, int documentId, string text)
    {
        await page.GotoAsync($"/documents/{documentId}");
        var view = new DocumentView(page, text);
        await view.WaitUntilInteractiveAsync();
        return view;
    }

    public async Task WaitUntilInteractiveAsync()
    {
        await Expect(Article).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => window.__annotatorAttached >= 1");
    }

    public async Task ReloadAsync()
    {
        await page.ReloadAsync();
        await WaitUntilInteractiveAsync();
    }

    /// <summary>The highlighted run whose whole text is <paramref name="phrase"/>.</summary>
    public ILocator SpanRun(string phrase) =>
        Article.Locator("span.ann").Filter(new() { HasTextRegex = new Regex("^" + Regex.Escape(phrase) + "$") });

    /// <summary>The span over exactly this phrase once the server has committed it (a new span shows pending first).</summary>
    public ILocator CommittedSpanRun(string phrase) =>
        Article.Locator("span.ann:not(.pending)").Filter(new() { HasTextRegex = new Regex("^" + Regex.Escape(phrase) + "$") });

    public ILocator SpanListItem(string label, string phrase) =>
        SpanList.Locator($".span-group[data-label=\"{label}\"] button[data-span-id]")
            .Filter(new() { Has = page.Locator(".span-item-text", new() { HasTextRegex = new Regex("^" + Regex.Escape(phrase) + "$") }) });

    /// <summary>UTF-16 offset of <paramref name="phrase"/> inside <paramref name="within"/> (default: the phrase itself),
    /// a passage that must occur exactly once in the document.</summary>
    public int OffsetOf(string phrase, string? within = null)
    {
        within ??= phrase;
        var at = text.IndexOf(within, StringComparison.Ordinal);
        if (at < 0 || text.IndexOf(within, at + 1, StringComparison.Ordinal) >= 0)
            throw new InvalidOperationException($"\"{within}\" must occur exactly once in the document.");
        var inner = within.IndexOf(phrase, StringComparison.Ordinal);
        if (inner < 0) throw new ArgumentException($"\"{phrase}\" is not part of \"{within}\".", nameof(phrase));
        return at + inner;
    }

    /// <summary>Selects <paramref name="phrase"/> with a real drag from its first character to its last.</summary>
    public Task DragSelectAsync(string phrase) => DragSelectAsync(phrase, "[data-testid=doc-text] span[data-s]");

    /// <summary>The same drag over the text runs <paramref name="runSelector"/> finds (any view that renders the document
    /// text in runs with data-s/data-e UTF-16 offsets, e.g. the curation view's text panel).</summary>
    public async Task DragSelectAsync(string phrase, string runSelector)
    {
        var start = OffsetOf(phrase);
        var end = start + phrase.Length;
        // Screen points (viewport CSS pixels) of the first character's left edge and the last character's right edge,
        // measured with a DOM range over the text node of the run that holds each character.
        var points = await page.EvaluateAsync<double[]>("""
            ([first, last, selector]) => {
                const runs = [...document.querySelectorAll(selector)];
                const runAt = off => runs.find(r => Number(r.dataset.s) <= off && off < Number(r.dataset.e));
                runAt(first).scrollIntoView({ block: 'center' });
                const rectOf = off => {
                    const run = runAt(off);
                    const range = document.createRange();
                    const i = off - Number(run.dataset.s);
                    range.setStart(run.firstChild, i);
                    range.setEnd(run.firstChild, i + 1);
                    const rects = range.getClientRects();
                    return rects[rects.length - 1];
                };
                const a = rectOf(first), b = rectOf(last);
                return [a.left + 1, a.top + a.height / 2, b.right - 1, b.top + b.height / 2];
            }
            """, new object[] { start, end - 1, runSelector });
        await page.Mouse.MoveAsync((float)points[0], (float)points[1]);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync((float)points[2], (float)points[3], new() { Steps = 12 });
        await page.Mouse.UpAsync();
    }

    /// <summary>Clicks the middle of the run that shows <paramref name="phrase"/>.</summary>
    public Task ClickSpanAsync(string phrase) => SpanRun(phrase).ClickAsync();
}
