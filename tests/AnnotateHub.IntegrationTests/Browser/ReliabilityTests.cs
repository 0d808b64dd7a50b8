using System.Text.RegularExpressions;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Labels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>Every action ends saved, pending or refused: offline tagging, one-click saves, and edits made against a
/// version that changed meanwhile (issue 13). Each test has its own project and document.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ReliabilityTests(BrowserFixture fixture) : IAsyncLifetime
{
    private const string Text =
        "Rockets struck the air base on Monday evening.\n\n" +
        "A coalition spokesman said that two soldiers were lightly injured.\n\n" +
        "Local officials reported that the launch site was found near the river.\n";

    private int _projectId;
    private int _documentId;
    private string _adminId = "";
    private IReadOnlyList<LabelView> _labels = [];

    private LabelView Label(string name) => _labels.Single(l => l.Name == name);

    public async Task InitializeAsync()
    {
        _adminId = await fixture.Server.AdminIdAsync();
        _projectId = await fixture.Server.CreateProjectAsync("Reliability " + Guid.NewGuid().ToString("N"));
        _documentId = await fixture.Server.ImportDocumentAsync(_projectId, Text);
        _labels = await fixture.Server.Get<LabelService>().ListAsync(_projectId);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_span_tagged_offline_shows_pending_and_is_stored_when_the_connection_returns()
    {
        const string phrase = "coalition spokesman";
        var page = await fixture.SignedInPageAsync();
        var view = await DocumentView.OpenAsync(page, _documentId, Text);

        await page.Context.SetOfflineAsync(true);
        var banner = page.Locator("[data-testid=connection-banner]");
        await Expect(banner).ToBeVisibleAsync();
        await Expect(banner).ToHaveAttributeAsync("data-state", "offline");
        await Expect(banner).ToContainTextAsync("You are offline.");
        await fixture.ScreenshotAsync(page, "offline-banner");

        // The menu still opens (drawn by the browser), and the hotkey tags.
        await view.DragSelectAsync("coalition spokesm");
        await Expect(view.Menu).ToBeVisibleAsync();
        await Expect(view.Menu.Locator(".label-menu-preview")).ToHaveTextAsync($"“{phrase}”"); // snapped to whole words
        await fixture.ScreenshotAsync(page, "offline-label-menu");
        await page.Keyboard.PressAsync("1");
        await Expect(view.Menu).ToHaveCountAsync(0);
        var queued = page.Locator("[data-testid=queued-edit]");
        await Expect(queued).ToHaveCountAsync(1);
        await Expect(queued).ToHaveAttributeAsync("data-state", "waiting");
        await Expect(queued).ToContainTextAsync(phrase);
        await Expect(queued).ToContainTextAsync("claim");
        await Expect(page.Locator("[data-testid=queued-edits]")).ToContainTextAsync("1 span waiting for the connection");
        Assert.True(await page.EvaluateAsync<bool>("() => CSS.highlights.has('ah-queued-' + " + Label("claim").Id + ")"));
        var stored = await page.EvaluateAsync<string?>($"() => localStorage.getItem('annotatehub:queue:{_adminId}:{_documentId}')");
        Assert.Contains("\"labelId\":" + Label("claim").Id, stored);
        await fixture.ScreenshotAsync(page, "offline-pending-span");
        Assert.Empty(await SpansAsync());

        await page.Context.SetOfflineAsync(false);
        await Expect(view.CommittedSpanRun(phrase)).ToHaveCountAsync(1);
        await Expect(queued).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=queue-notice]")).ToHaveTextAsync("Saved 1 span tagged while offline.");
        await Expect(banner).ToBeHiddenAsync();
        var span = Assert.Single(await SpansAsync());
        Assert.Equal((Text.IndexOf(phrase, StringComparison.Ordinal), Text.IndexOf(phrase, StringComparison.Ordinal) + phrase.Length, Label("claim").Id, _adminId),
            (span.Start, span.End, span.LabelId, span.AnnotatorId));
        Assert.Null(await page.EvaluateAsync<string?>($"() => localStorage.getItem('annotatehub:queue:{_adminId}:{_documentId}')"));
    }

    /// <summary>A real drop: the circuit's socket closes (both ends) and the browser is offline, so Blazor reconnects when it
    /// is back; the queued span is sent over the rejoined circuit.</summary>
    [Fact]
    public async Task A_span_tagged_while_the_circuit_is_down_is_stored_after_it_reconnects()
    {
        const string phrase = "lightly injured";
        var page = await fixture.SignedInPageAsync();
        var cut = new NetworkCut();
        await page.RouteWebSocketAsync(new Regex("/_blazor"), cut.Attach);
        var view = await DocumentView.OpenAsync(page, _documentId, Text);

        await page.Context.SetOfflineAsync(true);
        await cut.GoDownAsync();
        var banner = page.Locator("[data-testid=connection-banner]");
        await Expect(banner).ToBeVisibleAsync();
        await view.DragSelectAsync(phrase);
        await Expect(view.Menu).ToBeVisibleAsync();
        await view.Menu.Locator("button[data-label=actor]").ClickAsync();
        await Expect(page.Locator("[data-testid=queued-edit][data-state=waiting]")).ToContainTextAsync(phrase);

        cut.ComeBack();
        await page.Context.SetOfflineAsync(false);
        await Expect(view.CommittedSpanRun(phrase)).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Expect(page.Locator("[data-testid=queued-edit]")).ToHaveCountAsync(0);
        await Expect(banner).ToBeHiddenAsync();
        var span = Assert.Single(await SpansAsync());
        Assert.Equal((Text.IndexOf(phrase, StringComparison.Ordinal), Label("actor").Id), (span.Start, span.LabelId));
        Assert.True(cut.Connections >= 2, $"expected a second /_blazor socket after the cut, saw {cut.Connections}");
    }

    /// <summary>A silent drop (no close, no offline event: frames just stop both ways): the circuit's short timeouts
    /// (Realtime/ConnectionTimeouts.cs) make the page say so and others see the user away within seconds. Prints how long
    /// each took; asserts only that they happen within Playwright's usual wait.</summary>
    [Fact]
    public async Task A_silent_connection_loss_shows_the_banner_and_the_user_away_to_others()
    {
        var viewer = "viewer-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Server.AddMemberAsync(await fixture.Server.CreateUserAsync(viewer), _projectId);
        var page = await fixture.SignedInPageAsync();
        var other = await fixture.SignedInPageAsync(viewer, AppServer.AnnotatorPassword);
        var hold = new HeldFrames();
        await page.RouteWebSocketAsync(new Regex("/_blazor"), hold.Attach);
        await DocumentView.OpenAsync(page, _documentId, Text);
        await DocumentView.OpenAsync(other, _documentId, Text);
        var activity = other.Locator("[data-testid=viewer-activity]");
        await Expect(activity).ToHaveTextAsync("Administrator: reading");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        hold.Hold(bothWays: true);
        // The page's usual 20 s wait (the fixture's default): SignalR's own 30 s timeout would not make it.
        var wait = new LocatorAssertionsToHaveTextOptions { Timeout = 20_000 };
        await Expect(activity).ToHaveTextAsync("Administrator: away (offline)", wait);
        var away = clock.Elapsed;
        await Expect(page.Locator("[data-testid=connection-banner]")).ToHaveAttributeAsync("data-state", "reconnecting", new() { Timeout = 20_000 });
        Console.WriteLine($"Silent drop: others saw the user away after {away.TotalSeconds:F1} s; the page said so after {clock.Elapsed.TotalSeconds:F1} s.");
        await fixture.ScreenshotAsync(page, "connection-lost-banner");
        hold.Release();
    }

    [Fact]
    public async Task A_span_queued_offline_survives_a_reload_and_a_refusal_is_shown_with_retry_and_discard()
    {
        const string kept = "the launch site";
        const string refused = "two soldiers";
        var page = await fixture.SignedInPageAsync();
        var view = await DocumentView.OpenAsync(page, _documentId, Text);
        await page.Context.SetOfflineAsync(true);
        await Expect(page.Locator("[data-testid=connection-banner]")).ToBeVisibleAsync();
        await view.DragSelectAsync(kept);
        await Expect(view.Menu).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("2");
        await Expect(view.Menu).ToHaveCountAsync(0);
        await view.DragSelectAsync(refused);
        await Expect(view.Menu).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("3");
        await Expect(page.Locator("[data-testid=queued-edit]")).ToHaveCountAsync(2);
        // Meanwhile a supervisor removes the label the second span uses: sending it must be refused, with the reason.
        var casualty = Label("casualty figure");
        Assert.True((await fixture.Server.Get<LabelService>().RemoveAsync(casualty.Id, _adminId)).Succeeded);

        // The page is gone (the reload fails offline); the queue is on the device.
        await page.ReloadAsync(new() { WaitUntil = WaitUntilState.Commit }).ContinueWith(_ => { });
        await page.Context.SetOfflineAsync(false);
        await view.ReloadAsync();

        await Expect(view.CommittedSpanRun(kept)).ToHaveCountAsync(1);
        var refusedRow = page.Locator("[data-testid=queued-edit][data-state=refused]");
        await Expect(refusedRow).ToHaveCountAsync(1);
        await Expect(refusedRow).ToContainTextAsync(refused);
        await Expect(refusedRow.Locator("[data-testid=queued-error]")).ToHaveTextAsync("Its label is no longer in this project's label set.");
        await Expect(refusedRow.Locator("[data-testid=queued-retry]")).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(page, "offline-refused-span");
        var span = Assert.Single(await SpansAsync());
        Assert.Equal(Label("actor").Id, span.LabelId);

        await refusedRow.Locator("[data-testid=queued-discard]").ClickAsync();
        await Expect(page.Locator("[data-testid=queued-edit]")).ToHaveCountAsync(0);
        Assert.Null(await page.EvaluateAsync<string?>($"() => localStorage.getItem('annotatehub:queue:{_adminId}:{_documentId}')"));
    }

    [Fact]
    public async Task A_note_saved_with_one_click_is_there_after_a_reload()
    {
        const string phrase = "Local officials";
        await CreateAsync(phrase, "claim");
        var page = await fixture.SignedInPageAsync();
        var view = await DocumentView.OpenAsync(page, _documentId, Text);
        await view.ClickSpanAsync(phrase);
        await page.Locator("#span-note").FillAsync("Named by two outlets.");
        await view.Details.Locator("[data-testid=save-note]").ClickAsync(new() { Timeout = 5_000 });
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Saved.");

        await view.ReloadAsync();
        await view.ClickSpanAsync(phrase);
        await Expect(page.Locator("#span-note")).ToHaveValueAsync("Named by two outlets.");
        Assert.Equal("Named by two outlets.", Assert.Single(await SpansAsync()).Note);
    }

    [Fact]
    public async Task A_label_renamed_with_one_click_of_Save_is_there_after_a_reload()
    {
        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync($"/projects/{_projectId}");
        await Live.WaitForCircuitAsync(page);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Labels" }).ClickAsync();
        var row = page.Locator("[data-testid=label-row][data-label=actor]");
        await row.Locator("input.label-name").FillAsync("party");
        await row.Locator("[data-testid=save-label]").ClickAsync(new() { Timeout = 5_000 });
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Label saved.");

        await page.ReloadAsync();
        await Live.WaitForCircuitAsync(page);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Labels" }).ClickAsync();
        await Expect(page.Locator("[data-testid=label-row][data-label=party] input.label-name")).ToHaveValueAsync("party");
        await using var db = fixture.Server.CreateDbContext();
        Assert.Equal("party", await db.Labels.Where(l => l.Id == Label("actor").Id).Select(l => l.Name).SingleAsync());
    }

    /// <summary>
    /// One user, two tabs, the same span: tab A relabels it; tab B, still showing the old version (its server frames are
    /// held back, as on a slow link, so the click is made against what it showed), relabels it too. The first wins; B is
    /// told, with the current label, and shows it.
    /// </summary>
    [Fact]
    public async Task Two_tabs_of_one_user_relabelling_a_span_the_later_is_refused_and_shown_the_current_label()
    {
        const string phrase = "Rockets struck";
        var span = await CreateAsync(phrase, "claim");
        var pageA = await fixture.SignedInPageAsync();
        var pageB = await fixture.SignedInPageAsync();
        var hold = new HeldFrames();
        await pageB.RouteWebSocketAsync(new Regex("/_blazor"), hold.Attach);
        var viewA = await DocumentView.OpenAsync(pageA, _documentId, Text);
        var viewB = await DocumentView.OpenAsync(pageB, _documentId, Text);
        await viewA.ClickSpanAsync(phrase);
        await viewB.ClickSpanAsync(phrase);
        await Expect(viewB.Details).ToHaveAttributeAsync("data-version", "1");

        hold.Hold();
        await viewA.Details.Locator("button.label-pick[data-label=actor]").ClickAsync();
        await Expect(pageA.Locator(".mud-snackbar")).ToContainTextAsync("Saved.");
        Assert.Equal(Label("actor").Id, Assert.Single(await SpansAsync()).LabelId);
        await viewB.Details.Locator("button.label-pick[data-label=\"casualty figure\"]").ClickAsync();
        await Task.Delay(300); // B's click reaches the server; no assertion rests on this wait
        hold.Release();

        var conflict = viewB.Details.Locator("[data-testid=span-conflict]");
        await Expect(conflict).ToContainTextAsync("Not saved: changed by you in another tab or program first. Now: actor");
        await Expect(viewB.Details.Locator("button.label-pick.active")).ToHaveTextAsync("actor");
        await Expect(viewB.Details).ToHaveAttributeAsync("data-version", "2");
        await fixture.ScreenshotAsync(pageB, "two-tab-conflict");
        var stored = Assert.Single(await SpansAsync());
        Assert.Equal((span.Id, Label("actor").Id, 2), (stored.Id, stored.LabelId, stored.Version));
    }

    private async Task<AnnotationView> CreateAsync(string phrase, string label)
    {
        var start = Text.IndexOf(phrase, StringComparison.Ordinal);
        var result = await fixture.Server.Get<AnnotationService>().CreateAsync(_documentId, _adminId, start, start + phrase.Length, Label(label).Id, null);
        Assert.True(result.Succeeded, result.Error);
        return result.Annotation!;
    }

    private async Task<List<Web.Data.Annotation>> SpansAsync()
    {
        await using var db = fixture.Server.CreateDbContext();
        return await db.Annotations.AsNoTracking().Where(a => a.DocumentId == _documentId).ToListAsync();
    }

    /// <summary>Forwards a page's /_blazor frames; while held, the server's frames to the page wait, in order.</summary>
    private sealed class HeldFrames
    {
        private readonly Lock _gate = new();
        private readonly List<IWebSocketFrame> _waiting = [];
        private IWebSocketRoute? _page;
        private bool _holding;

        public void Attach(IWebSocketRoute page)
        {
            var server = page.ConnectToServer();
            lock (_gate) _page = page;
            page.OnMessage(frame =>
            {
                lock (_gate)
                {
                    if (_holdingBoth) return; // lost, as on a dead link
                }
                Forward(server, frame);
            });
            server.OnMessage(frame =>
            {
                lock (_gate)
                {
                    if (_holding)
                    {
                        _waiting.Add(frame);
                        return;
                    }
                }
                Forward(page, frame);
            });
        }

        private bool _holdingBoth;

        public void Hold(bool bothWays = false)
        {
            lock (_gate)
            {
                _holding = true;
                _holdingBoth = bothWays;
            }
        }

        public void Release()
        {
            lock (_gate)
            {
                _holding = false;
                _holdingBoth = false;
                foreach (var frame in _waiting) Forward(_page!, frame);
                _waiting.Clear();
            }
        }

        private static void Forward(IWebSocketRoute to, IWebSocketFrame frame)
        {
            if (frame.Binary is { } bytes) to.Send(bytes); else to.Send(frame.Text ?? "");
        }
    }
}
