using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Playwright;

namespace AnnotateHub.LoadTest;

/// <summary>What one page's DOM shows: the span ids drawn in the article and each listed span's label.</summary>
internal sealed record PageSpans(HashSet<long> Article, Dictionary<long, string> Listed, bool ReconnectShown);

/// <summary>One Chromium page kept open on a document for the whole soak.</summary>
internal sealed class SoakPage(int index, int documentId, IPage page)
{
    public int Index { get; } = index;
    public int DocumentId { get; } = documentId;
    public IPage Page { get; } = page;
    public int Reloads;
    /// <summary>Set while the page reloads, so the end check does not read a half-built page.</summary>
    public volatile bool Reloading;
}

/// <summary>
/// Real browser pages on the soak's documents: headless Debian Chromium through Playwright (never a downloaded browser),
/// one browser context per page, the first signed in through the real login form and its cookies shared by the others
/// (one sign-in, so the sign-in rate limit does not matter). Counts console errors, page errors, crashes and every time
/// Blazor shows its reconnect dialog (a circuit disconnect).
/// </summary>
internal sealed class SoakBrowser : IAsyncDisposable
{
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
    private const string ReconnectTag = "annotatehub-soak: reconnect ";

    // annotateHub.attach runs when the live circuit has rendered the document and attached its listeners; the reconnect
    // dialog's state events are heard in the capture phase (they do not bubble) and reported as tagged console lines.
    private const string InitScript = """
        (() => {
            let impl;
            Object.defineProperty(window, 'annotateHub', {
                configurable: true,
                get() { return impl; },
                set(value) {
                    const attach = value.attach;
                    value.attach = function (...args) {
                        const result = attach.apply(this, args);
                        window.__annotatorAttached = (window.__annotatorAttached || 0) + 1;
                        return result;
                    };
                    impl = value;
                }
            });
            window.addEventListener('components-reconnect-state-changed', e => {
                const state = e.detail && e.detail.state;
                if (state && state !== 'hide') console.warn('annotatehub-soak: reconnect ' + state);
            }, true);
        })();
        """;

    // Ids of annotations (suggestions are "s<id>") drawn in the article, and the span list's rows with their label group.
    private const string ReadSpansScript = """
        () => {
            const article = new Set();
            for (const el of document.querySelectorAll('[data-testid=doc-text] [data-anns]'))
                for (const t of el.dataset.anns.split(' ')) if (t && t[0] !== 's') article.add(t);
            const listed = [];
            for (const g of document.querySelectorAll('[data-testid=span-list] .span-group[data-label]'))
                for (const b of g.querySelectorAll('button[data-span-id]')) listed.push([b.dataset.spanId, g.dataset.label]);
            const modal = document.getElementById('components-reconnect-modal');
            return JSON.stringify({ article: [...article], listed, reconnect: !!(modal && modal.open) });
        }
        """;

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly ConcurrentQueue<string> _samples = new();
    private int _consoleErrors, _pageErrors, _crashes, _circuitDisconnects;

    private SoakBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public List<SoakPage> Pages { get; } = [];
    public int ConsoleErrors => Volatile.Read(ref _consoleErrors);
    public int PageErrors => Volatile.Read(ref _pageErrors);
    public int Crashes => Volatile.Read(ref _crashes);
    public int CircuitDisconnects => Volatile.Read(ref _circuitDisconnects);
    public IReadOnlyList<string> ErrorSamples => _samples.ToList();

    public static async Task<SoakBrowser> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = "/usr/bin/chromium",
                Headless = true,
                Args = ChromiumArgs,
            });
            return new SoakBrowser(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Signs in through the form in the first context, then opens <paramref name="count"/> pages dealt round-robin over the documents.</summary>
    public async Task OpenAsync(Uri baseAddress, string user, string password, IReadOnlyList<int> documentIds, int count, TextWriter log, CancellationToken ct)
    {
        if (count == 0) return;
        string? storageState = null;
        for (var i = 0; i < count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var context = await _browser.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = baseAddress.ToString(),
                ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
                Locale = "en-GB",
                StorageState = storageState,
            });
            await context.AddInitScriptAsync(InitScript);
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout(60_000);
            var soakPage = new SoakPage(i, documentIds[i % documentIds.Count], page);
            Watch(soakPage);
            if (storageState is null)
            {
                await page.GotoAsync("/Account/Login");
                await page.Locator("#username").FillAsync(user);
                await page.Locator("#password").FillAsync(password);
                await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
                await page.Locator("[data-testid=signed-in-as]").WaitForAsync();
                storageState = await context.StorageStateAsync();
            }
            await page.GotoAsync($"/documents/{soakPage.DocumentId}");
            await WaitUntilInteractiveAsync(page);
            Pages.Add(soakPage);
        }
        log.WriteLine($"opened {count} Chromium pages: {string.Join(", ", Pages.GroupBy(p => p.DocumentId).Select(g => $"document {g.Key}: {g.Count()}"))}");
    }

    /// <summary>A new circuit for the page: the old one is closed as a person's reload closes it.</summary>
    public static async Task ReloadAsync(SoakPage page)
    {
        page.Reloading = true;
        try
        {
            await page.Page.ReloadAsync();
            await WaitUntilInteractiveAsync(page.Page);
            Interlocked.Increment(ref page.Reloads);
        }
        finally
        {
            page.Reloading = false;
        }
    }

    public static async Task<PageSpans> ReadSpansAsync(SoakPage page)
    {
        var json = await page.Page.EvaluateAsync<string>(ReadSpansScript);
        using var doc = JsonDocument.Parse(json);
        var article = new HashSet<long>();
        foreach (var id in doc.RootElement.GetProperty("article").EnumerateArray())
            if (long.TryParse(id.GetString(), out var value)) article.Add(value);
        var listed = new Dictionary<long, string>();
        foreach (var row in doc.RootElement.GetProperty("listed").EnumerateArray())
            if (long.TryParse(row[0].GetString(), out var value)) listed[value] = row[1].GetString() ?? "";
        return new PageSpans(article, listed, doc.RootElement.GetProperty("reconnect").GetBoolean());
    }

    private static async Task WaitUntilInteractiveAsync(IPage page)
    {
        await page.Locator("article.doc-text[data-testid=doc-text]").WaitForAsync();
        await page.WaitForFunctionAsync("() => window.__annotatorAttached >= 1");
    }

    private void Watch(SoakPage soakPage)
    {
        var page = soakPage.Page;
        var name = $"page {soakPage.Index} (document {soakPage.DocumentId})";
        page.Console += (_, message) =>
        {
            if (message.Text.StartsWith(ReconnectTag, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _circuitDisconnects);
                Sample($"{name}: circuit {message.Text[ReconnectTag.Length..]}");
            }
            else if (message.Type == "error")
            {
                Interlocked.Increment(ref _consoleErrors);
                Sample($"{name}: console error: {message.Text}");
            }
        };
        page.PageError += (_, error) =>
        {
            Interlocked.Increment(ref _pageErrors);
            Sample($"{name}: page error: {error}");
        };
        page.Crash += (_, _) =>
        {
            Interlocked.Increment(ref _crashes);
            Sample($"{name}: crashed");
        };
    }

    private void Sample(string text)
    {
        if (_samples.Count < 20) _samples.Enqueue(text.Length > 400 ? text[..400] + " …" : text);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _browser.CloseAsync().WaitAsync(limit.Token);
        }
        catch (Exception) { /* the browser goes with the playwright driver below */ }
        _playwright.Dispose();
    }
}
