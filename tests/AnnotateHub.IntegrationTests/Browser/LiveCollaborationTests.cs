using System.Globalization;
using System.Text.RegularExpressions;
using AnnotateHub.Core.Text;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Labels;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using StoredAnnotation = AnnotateHub.Web.Data.Annotation;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>
/// Two people on one document in two browser contexts: admin ("A", display name Administrator) and bea ("B").
/// Each test imports its own short document into its own project, so the spans and change log are its own.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LiveCollaborationTests(BrowserFixture fixture) : IAsyncLifetime
{
    private const string Bea = "bea";
    private const string AdminDisplayName = "Administrator";

    private const string Text =
        "Rockets struck the air base on Monday evening.\n\n" +
        "A coalition spokesman said that two soldiers were lightly injured.\n\n" +
        "Local officials reported that the launch site was found near the river.\n\n" +
        "No group has claimed responsibility for the attack so far.\n";

    // The highlight is the first background layer: the label colour at 0x40 alpha.
    private const string ClaimHighlight = "linear-gradient(rgba(30, 136, 229, 0.25), rgba(30, 136, 229, 0.25))";
    private const string ActorHighlight = "linear-gradient(rgba(142, 36, 170, 0.25), rgba(142, 36, 170, 0.25))";

    private int _documentId;
    private int _projectId;
    private string _text = "";
    private string _adminId = "";
    private string _beaId = "";
    private IReadOnlyList<LabelView> _labels = [];
    private IPage _pageA = null!;
    private IPage _pageB = null!;

    private AnnotationService Annotations => fixture.Server.Get<AnnotationService>();
    private LabelView Label(string name) => _labels.Single(l => l.Name == name);

    public async Task InitializeAsync()
    {
        _adminId = await fixture.Server.AdminIdAsync();
        _beaId = await EnsureBeaAsync();
        var projectId = _projectId = await fixture.Server.CreateProjectAsync("Live collaboration " + Guid.NewGuid().ToString("N"));
        _documentId = await fixture.Server.ImportDocumentAsync(projectId, Text);
        await fixture.Server.AddMemberAsync(_beaId, projectId);
        _labels = await fixture.Server.Get<LabelService>().ListAsync(projectId);
        await using (var db = fixture.Server.CreateDbContext())
        {
            _text = await db.Documents.Where(d => d.Id == _documentId).Select(d => d.Text).SingleAsync();
        }
        _pageA = await fixture.SignedInPageAsync();
        _pageB = await fixture.SignedInPageAsync(Bea, AppServer.AnnotatorPassword);
    }

    public async Task DisposeAsync()
    {
        await _pageA.Context.CloseAsync();
        await _pageB.Context.CloseAsync();
    }

    [Fact]
    public async Task Span_tagged_by_one_user_appears_for_the_other_without_reload_in_the_label_colour()
    {
        const string phrase = "two soldiers were lightly injured";
        var viewA = await DocumentView.OpenAsync(_pageA, _documentId, _text);
        var viewB = await DocumentView.OpenAsync(_pageB, _documentId, _text);
        await MarkPageAsync(_pageB);

        await viewA.DragSelectAsync(phrase);
        await Expect(viewA.Menu).ToBeVisibleAsync();
        await _pageA.Keyboard.PressAsync("1");

        var runB = viewB.SpanRun(phrase);
        await Expect(runB).ToHaveCountAsync(1);
        var saved = Assert.Single(await AnnotationsInDatabaseAsync());
        Assert.Equal((CodePoint(phrase).Start, CodePoint(phrase).End), (saved.Start, saved.End));
        Assert.Equal(Label("claim").Id, saved.LabelId);
        Assert.Equal(_adminId, saved.AnnotatorId);
        await Expect(runB).ToHaveAttributeAsync("data-anns", Id(saved.Id));
        // Admin's span on bea's page: the label fill, outlined in admin's colour; on admin's own page, no outline.
        await Expect(runB).ToHaveClassAsync("ann others");
        Assert.StartsWith(ClaimHighlight, await BackgroundOfAsync(runB), StringComparison.Ordinal);
        // The project's colour of the admin (each member their own, by the order they joined).
        var colors = await fixture.Server.Get<Web.Features.Projects.TeamService>().ColorsAsync(_projectId);
        Assert.Equal($"{Rgb(colors.Of(_adminId))} solid 1px", await OutlineOfAsync(runB));
        await Expect(viewB.SpanListItem("claim", phrase)).ToHaveAttributeAsync("data-span-id", Id(saved.Id));
        await ExpectSamePageAsync(_pageB);

        await Expect(viewA.SpanRun(phrase)).ToHaveAttributeAsync("data-anns", Id(saved.Id));
        await Expect(viewA.SpanRun(phrase)).Not.ToHaveClassAsync(new Regex(@"\bothers\b"));
        await fixture.ScreenshotAsync(_pageA, "live-tagged-by-admin");
        await fixture.ScreenshotAsync(_pageB, "live-seen-by-bea");
    }

    [Fact]
    public async Task Span_deleted_by_its_annotator_vanishes_from_the_other_page()
    {
        const string phrase = "Local officials";
        var viewA = await DocumentView.OpenAsync(_pageA, _documentId, _text);
        var viewB = await DocumentView.OpenAsync(_pageB, _documentId, _text);
        await MarkPageAsync(_pageA);

        await viewB.DragSelectAsync(phrase);
        await Expect(viewB.Menu).ToBeVisibleAsync();
        await _pageB.Keyboard.PressAsync("2");
        await Expect(viewA.SpanRun(phrase)).ToHaveCountAsync(1);
        var saved = Assert.Single(await AnnotationsInDatabaseAsync());
        Assert.Equal(_beaId, saved.AnnotatorId);
        Assert.Equal(Label("actor").Id, saved.LabelId);
        await Expect(viewA.SpanRun(phrase)).ToHaveAttributeAsync("data-anns", Id(saved.Id));
        // A has it open, but only bea may delete it.
        await viewA.ClickSpanAsync(phrase);
        await Expect(viewA.Details.Locator("[data-testid=span-meta]")).ToContainTextAsync($"by {Bea}");
        await Expect(viewA.Details).ToContainTextAsync($"Only {Bea} can change this span.");
        await Expect(viewA.Details.Locator("[data-testid=delete-span]")).ToHaveCountAsync(0);

        await viewB.ClickSpanAsync(phrase);
        await Expect(viewB.Details.Locator("[data-testid=span-text]")).ToHaveTextAsync($"“{phrase}”");
        await viewB.Details.Locator("[data-testid=delete-span]").ClickAsync();

        await Expect(viewA.SpanRun(phrase)).ToHaveCountAsync(0);
        await Expect(viewA.Details).ToBeHiddenAsync();
        await Expect(viewA.Article.Locator("span.ann")).ToHaveCountAsync(0);
        await Expect(viewA.SpanList.Locator("button[data-span-id]")).ToHaveCountAsync(0);
        await Expect(viewA.Article).ToContainTextAsync("Local officials reported");
        await ExpectSamePageAsync(_pageA);
        Assert.Empty(await AnnotationsInDatabaseAsync());
    }

    /// <summary>
    /// How the network is cut: Chromium's offline emulation (SetOfflineAsync) blocks new requests but leaves an open
    /// WebSocket alone (checked: the circuit stayed connected for 20 s offline). So A's /_blazor WebSockets run through
    /// <see cref="IPage.RouteWebSocketAsync(Regex, Action{IWebSocketRoute})"/>: to go offline the test closes both ends
    /// of the live socket (the browser sees its connection drop, the server sees the circuit disconnect) and sets the
    /// context offline, so Blazor's reconnect attempts (negotiate over HTTP, then a new socket) fail until it is back.
    /// </summary>
    [Fact]
    public async Task Changes_made_while_a_viewer_is_offline_show_after_the_connection_returns()
    {
        const string kept = "A coalition spokesman";
        const string deleted = "the launch site";
        var earlier = await CreateAsync(_beaId, deleted, "claim");
        var cut = new NetworkCut();
        await _pageA.RouteWebSocketAsync(new Regex("/_blazor"), cut.Attach);
        var viewA = await DocumentView.OpenAsync(_pageA, _documentId, _text);
        var viewB = await DocumentView.OpenAsync(_pageB, _documentId, _text);
        await Expect(viewA.SpanRun(deleted)).ToHaveAttributeAsync("data-anns", Id(earlier.Id));
        var activityOnB = _pageB.Locator("[data-testid=viewer-activity]");
        await Expect(activityOnB).ToHaveTextAsync($"{AdminDisplayName}: reading");
        await MarkPageAsync(_pageA);

        await _pageA.Context.SetOfflineAsync(true);
        await cut.GoDownAsync();
        await Expect(_pageA.Locator("#components-reconnect-modal")).ToBeVisibleAsync();
        await Expect(activityOnB).ToHaveTextAsync($"{AdminDisplayName}: away (offline)");

        // Three changes by B: create, relabel (the new span is selected once committed), delete an older span.
        await viewB.DragSelectAsync(kept);
        await Expect(viewB.Menu).ToBeVisibleAsync();
        await _pageB.Keyboard.PressAsync("1");
        var created = viewB.SpanRun(kept);
        await Expect(created).ToHaveClassAsync("ann sel");
        await Expect(created).ToHaveAttributeAsync("data-anns", new Regex("^[1-9][0-9]*$"));
        await _pageB.Keyboard.PressAsync("2");
        await Expect(viewB.SpanListItem("actor", kept)).ToHaveCountAsync(1);
        await viewB.ClickSpanAsync(deleted);
        await Expect(viewB.Details.Locator("[data-testid=span-text]")).ToHaveTextAsync($"“{deleted}”");
        await _pageB.Keyboard.PressAsync("Delete");
        await Expect(viewB.SpanRun(deleted)).ToHaveCountAsync(0);
        var relabelled = Assert.Single(await AnnotationsInDatabaseAsync());
        Assert.Equal((Label("actor").Id, 2), (relabelled.LabelId, relabelled.Version));

        cut.ComeBack();
        await _pageA.Context.SetOfflineAsync(false);

        // Blazor retries every 5 s after its first ten immediate attempts failed, so allow for a few retries.
        var reconnect = new LocatorAssertionsToBeHiddenOptions { Timeout = 45_000 };
        await Expect(_pageA.Locator("#components-reconnect-modal")).ToBeHiddenAsync(reconnect);
        await Expect(viewA.SpanRun(deleted)).ToHaveCountAsync(0);
        var run = viewA.SpanRun(kept);
        await Expect(run).ToHaveAttributeAsync("data-anns", Id(relabelled.Id));
        Assert.StartsWith(ActorHighlight, await BackgroundOfAsync(run), StringComparison.Ordinal);
        await Expect(viewA.Article.Locator("span.ann")).ToHaveCountAsync(1);
        await Expect(viewA.SpanListItem("actor", kept)).ToHaveAttributeAsync("data-span-id", Id(relabelled.Id));
        await Expect(viewA.SpanList.Locator("button[data-span-id]")).ToHaveCountAsync(1);
        await ExpectSamePageAsync(_pageA);
        Assert.True(cut.Connections >= 2, $"expected a second /_blazor socket after the cut, saw {cut.Connections}");
        await Expect(activityOnB).ToHaveTextAsync($"{AdminDisplayName}: reading");
    }

    [Fact]
    public async Task Presence_lists_both_viewers_and_drops_the_one_who_closes_the_page()
    {
        await DocumentView.OpenAsync(_pageA, _documentId, _text);
        var viewB = await DocumentView.OpenAsync(_pageB, _documentId, _text);
        var viewersOnA = _pageA.Locator("[data-testid=presence] [data-testid=viewer]");

        await Expect(viewersOnA).ToHaveCountAsync(2);
        await Expect(viewersOnA.Nth(0)).ToHaveAttributeAsync("data-user", AdminDisplayName);
        await Expect(viewersOnA.Nth(0)).ToHaveAttributeAsync("title", $"{AdminDisplayName} (you): reading");
        await Expect(viewersOnA.Nth(0)).ToHaveTextAsync("AD");
        await Expect(viewersOnA.Nth(1)).ToHaveAttributeAsync("data-user", Bea);
        await Expect(viewersOnA.Nth(1)).ToHaveAttributeAsync("title", $"{Bea}: reading");
        await Expect(viewersOnA.Nth(1)).ToHaveTextAsync("BE");
        var viewersOnB = _pageB.Locator("[data-testid=presence] [data-testid=viewer]");
        await Expect(viewersOnB).ToHaveCountAsync(2);
        await Expect(viewersOnB.Nth(1)).ToHaveAttributeAsync("title", $"{Bea} (you): reading");

        await viewB.DragSelectAsync("the launch site");
        await Expect(viewB.Menu).ToBeVisibleAsync();
        await Expect(_pageA.Locator("[data-testid=viewer-activity]")).ToHaveTextAsync($"{Bea}: selecting text");
        await Expect(viewersOnA.Nth(1)).ToHaveAttributeAsync("title", $"{Bea}: selecting text");
        await fixture.ScreenshotAsync(_pageA, "live-presence-two-viewers");

        await _pageB.CloseAsync();

        await Expect(viewersOnA).ToHaveCountAsync(1);
        await Expect(viewersOnA).ToHaveAttributeAsync("data-user", AdminDisplayName);
        await Expect(_pageA.Locator("[data-testid=viewer-activity]")).ToHaveCountAsync(0);
        await Expect(_pageA.Locator("[data-testid=presence] .viewer-activity")).ToHaveTextAsync("only you");
        await fixture.ScreenshotAsync(_pageA, "live-presence-alone");
    }

    /// <summary>
    /// The pending state lasts as long as the save, usually milliseconds; to see it for sure the test holds SQLite's
    /// write lock from its own connection, so the app's commit waits (its busy timeout) until the test lets go.
    /// </summary>
    [Fact]
    public async Task Own_new_span_shows_pending_until_committed_and_is_there_after_reload()
    {
        const string phrase = "No group";
        var viewA = await DocumentView.OpenAsync(_pageA, _documentId, _text);
        var viewB = await DocumentView.OpenAsync(_pageB, _documentId, _text);
        var run = viewA.SpanRun(phrase);

        await viewA.DragSelectAsync(phrase);
        await Expect(viewA.Menu).ToBeVisibleAsync();
        await using (var writeLock = await WriteLockAsync())
        {
            await _pageA.Keyboard.PressAsync("1");
            await Expect(run).ToHaveClassAsync("ann pending");
            Assert.Equal("dashed", await run.EvaluateAsync<string>("el => getComputedStyle(el).outlineStyle"));
            // Not committed yet, so nobody else sees it.
            await Expect(viewB.Article.Locator("span.ann")).ToHaveCountAsync(0);
            Assert.Empty(await AnnotationsInDatabaseAsync());
            await fixture.ScreenshotAsync(_pageA, "live-own-span-pending");
        }

        await Expect(run).ToHaveClassAsync("ann sel");
        var saved = Assert.Single(await AnnotationsInDatabaseAsync());
        Assert.Equal(Label("claim").Id, saved.LabelId);
        await Expect(run).ToHaveAttributeAsync("data-anns", Id(saved.Id));
        Assert.Equal("solid", await run.EvaluateAsync<string>("el => getComputedStyle(el).outlineStyle"));
        await Expect(viewB.SpanRun(phrase)).ToHaveAttributeAsync("data-anns", Id(saved.Id));

        await viewA.ReloadAsync();
        await Expect(run).ToHaveClassAsync("ann");
        await Expect(run).ToHaveAttributeAsync("data-anns", Id(saved.Id));
        Assert.StartsWith(ClaimHighlight, await BackgroundOfAsync(run), StringComparison.Ordinal);
    }

    private async Task<string> EnsureBeaAsync()
    {
        // The fixture's server outlives this class's tests: the first test creates bea, the others find her.
        await using var db = fixture.Server.CreateDbContext();
        var id = await db.Users.Where(u => u.UserName == Bea).Select(u => u.Id).SingleOrDefaultAsync();
        return id ?? await fixture.Server.CreateUserAsync(Bea);
    }

    private async Task<List<StoredAnnotation>> AnnotationsInDatabaseAsync()
    {
        await using var db = fixture.Server.CreateDbContext();
        return await db.Annotations.AsNoTracking().Where(a => a.DocumentId == _documentId).ToListAsync();
    }

    private async Task<AnnotationView> CreateAsync(string userId, string phrase, string label)
    {
        var (start, end) = CodePoint(phrase);
        var result = await Annotations.CreateAsync(_documentId, userId, start, end, Label(label).Id, note: null);
        Assert.Equal(AnnotationOutcome.Ok, result.Outcome);
        return result.Annotation!;
    }

    private (int Start, int End) CodePoint(string phrase)
    {
        var utf16 = new DocumentView(_pageA, _text).OffsetOf(phrase);
        var index = new CodePointIndex(_text);
        return (index.ToCodePoint(utf16), index.ToCodePoint(utf16 + phrase.Length));
    }

    /// <summary>A marker in the page's window: still there later means the page was never reloaded.</summary>
    private static Task MarkPageAsync(IPage page) => page.EvaluateAsync("() => { window.__liveMarker = 'not reloaded'; }");

    private static async Task ExpectSamePageAsync(IPage page) =>
        Assert.Equal("not reloaded", await page.EvaluateAsync<string?>("() => window.__liveMarker ?? null"));

    private static Task<string> BackgroundOfAsync(ILocator run) => run.EvaluateAsync<string>("el => getComputedStyle(el).backgroundImage");

    private static Task<string> OutlineOfAsync(ILocator run) =>
        run.EvaluateAsync<string>("el => { const s = getComputedStyle(el); return `${s.outlineColor} ${s.outlineStyle} ${s.outlineWidth}`; }");

    /// <summary>"#3949ab" as the browser reports a computed colour: "rgb(57, 73, 171)".</summary>
    private static string Rgb(string hex) =>
        $"rgb({Convert.ToInt32(hex[1..3], 16)}, {Convert.ToInt32(hex[3..5], 16)}, {Convert.ToInt32(hex[5..7], 16)})";

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Takes SQLite's write lock (BEGIN IMMEDIATE) on the app's database until disposed; readers go on (WAL).</summary>
    private async Task<IAsyncDisposable> WriteLockAsync()
    {
        var connection = new SqliteConnection($"Data Source={fixture.Server.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using (var begin = connection.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE;";
            await begin.ExecuteNonQueryAsync();
        }
        return new WriteLock(connection);
    }

    private sealed class WriteLock(SqliteConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await using (var rollback = connection.CreateCommand())
            {
                rollback.CommandText = "ROLLBACK;";
                await rollback.ExecuteNonQueryAsync();
            }
            await connection.DisposeAsync();
        }
    }
}
