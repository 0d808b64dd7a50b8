using AnnotateHub.Core.Projects;
using AnnotateHub.IntegrationTests.Browser;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;
using AnnotateHub.Web.Realtime;
using Microsoft.AspNetCore.SignalR.Client;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.ScaleOut;

/// <summary>
/// Two app instances (A and B: two hosts with their own services, buses and hubs) on one database (SQLite here,
/// PostgreSQL when the suite runs there) and one Redis of the test's own: what one instance's users do reaches the
/// other's, through the SignalR backplane (programs) and the bus between instances (pages); a team change on B ends a
/// stream on A; and with Redis stopped and started, a page catches up on what it missed.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class TwoInstanceTests(BrowserFixture fixture) : IAsyncLifetime
{
    private const string Text = "Rockets hit the base on Monday. At least ten soldiers were injured, officials said. The Pentagon blamed the militia.\n";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "annotatehub-scale-" + Guid.NewGuid().ToString("N"));
    private readonly RedisServer _redis = new();
    private AppServer _a = null!;
    private AppServer _b = null!;
    private int _projectId;
    private int _documentId;
    private IReadOnlyList<LabelView> _labels = [];

    public async Task InitializeAsync()
    {
        await _redis.StartAsync();
        Directory.CreateDirectory(_directory);
        var settings = new Dictionary<string, string?>
        {
            ["Redis:Connection"] = _redis.Connection,
            ["Redis:ChannelPrefix"] = "ah-test-" + Guid.NewGuid().ToString("N")[..8],
        };
        var path = Path.Combine(_directory, "shared.db");
        _a = new AppServer(path, settings);
        await _a.InitializeAsync();
        _b = new AppServer(path, settings);
        await _b.InitializeAsync();
        _projectId = await _a.CreateProjectAsync("Two instances " + Guid.NewGuid().ToString("N")[..6]);
        _documentId = await _a.ImportDocumentAsync(_projectId, Text);
        _labels = await _b.Get<LabelService>().ListAsync(_projectId);
    }

    public async Task DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
        await _redis.DisposeAsync();
        await AppServer.DropPostgresDatabaseAsync(Path.Combine(_directory, "shared.db"));
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { /* a leftover temp folder is harmless */ }
    }

    private int LabelId(string name) => _labels.Single(l => l.Name == name).Id;

    [Fact]
    public async Task A_hub_client_on_A_sees_the_creates_changes_and_deletes_made_on_B_in_order()
    {
        await using var onA = await _a.ConnectToHubAsync();
        await using var onB = await _b.ConnectToHubAsync();
        var seen = new List<ChangeDto>();
        var gate = new Lock();
        onA.On<ChangeDto>("Change", c => { lock (gate) seen.Add(c); });
        onA.On<ChangeDto[]>("Changes", cs => { lock (gate) seen.AddRange(cs); });
        await onA.InvokeAsync<JoinResult>("JoinDocument", _documentId, null);

        var created = await onB.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(_documentId, 0, 7, "claim", null, null));
        Assert.True(created.Ok, created.Error);
        var updated = await onB.InvokeAsync<MutationResult>("UpdateAnnotation", new UpdateAnnotationRequest(created.Change!.Annotation.Id, 1, "actor", null, "relabelled on B"));
        Assert.True(updated.Ok, updated.Error);
        var deleted = await onB.InvokeAsync<MutationResult>("DeleteAnnotation", created.Change.Annotation.Id, 2);
        Assert.True(deleted.Ok, deleted.Error);

        await Eventually.Until(() => { lock (gate) return seen.Count >= 3; }, Wait, "three changes made on B reach a client on A");
        lock (gate)
        {
            Assert.Equal(["created", "updated", "deleted"], seen.Select(c => c.Kind));
            Assert.Equal([1L, 2L, 3L], seen.Select(c => c.Sequence));
            Assert.Equal("relabelled on B", seen[1].Annotation.Note);
        }
        await Task.Delay(300);
        lock (gate) Assert.Equal(3, seen.Count); // once each: not again through the bus between instances
    }

    [Fact]
    public async Task A_span_made_in_a_browser_on_B_appears_in_a_browser_on_A_without_reloading()
    {
        var pageA = await fixture.SignedInPageAsync(AppServer.AdminUserName, AppServer.AdminPassword, _a);
        var pageB = await fixture.SignedInPageAsync(AppServer.AdminUserName, AppServer.AdminPassword, _b);
        var viewA = await DocumentView.OpenAsync(pageA, _documentId, Text);
        var viewB = await DocumentView.OpenAsync(pageB, _documentId, Text);

        await viewB.DragSelectAsync("At least ten soldiers were injured");
        await Expect(viewB.Menu).ToBeVisibleAsync(); // the selection reached the server
        await pageB.Keyboard.PressAsync("3");
        await Expect(viewB.CommittedSpanRun("At least ten soldiers were injured")).ToHaveCountAsync(1);

        await Expect(viewA.CommittedSpanRun("At least ten soldiers were injured")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Expect(viewA.SpanListItem("casualty figure", "At least ten soldiers were injured")).ToHaveCountAsync(1);

        // Signed in on A, the same browser opens the document on B (one key ring for both): no sign-in page.
        await pageA.GotoAsync(new Uri(_b.BaseAddress, $"/documents/{_documentId}").ToString());
        await Expect(pageA.Locator("[data-testid=signed-in-as]")).ToHaveTextAsync(AppServer.AdminUserName);
        await Expect(new DocumentView(pageA, Text).CommittedSpanRun("At least ten soldiers were injured")).ToHaveCountAsync(1);
        await pageA.Context.CloseAsync();
        await pageB.Context.CloseAsync();
    }

    [Fact]
    public async Task Writers_on_both_instances_at_once_number_one_documents_changes_uniquely_and_without_gaps()
    {
        const int PerInstance = 60;
        await using var onA = await _a.ConnectToHubAsync();
        await using var onB = await _b.ConnectToHubAsync();
        // A program watching on each instance gets every change once, in sequence order, whichever instance made it.
        var watchers = new[] { await WatchAsync(_a), await WatchAsync(_b) };
        // Each sends its creates without waiting for the answers, so both instances' writers commit at the same time.
        Task<MutationResult> Create(HubConnection hub, int i) =>
            hub.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(_documentId, i % 100, i % 100 + 7, "claim", null, $"n{i}"));
        var sent = Enumerable.Range(0, PerInstance).SelectMany(i => new[] { Create(onA, i), Create(onB, PerInstance + i) }).ToList();
        var answers = await Task.WhenAll(sent);

        Assert.All(answers, a => Assert.True(a.Ok, a.Error));
        Assert.Equal(Enumerable.Range(1, 2 * PerInstance).Select(i => (long)i), answers.Select(a => a.Change!.Sequence).Order());
        await using var db = _a.CreateDbContext();
        var log = db.DocumentChanges.Where(c => c.DocumentId == _documentId).Select(c => c.Sequence).OrderBy(q => q).ToList();
        Assert.Equal(Enumerable.Range(1, 2 * PerInstance).Select(i => (long)i), log);
        Assert.Equal(2 * PerInstance, db.Annotations.Count(a => a.DocumentId == _documentId));

        foreach (var (hub, seen, name) in watchers)
        {
            await Eventually.Until(() => { lock (seen) return seen.Count >= 2 * PerInstance; }, Wait, $"every change reaches the watcher on {name}");
            lock (seen) Assert.Equal(Enumerable.Range(1, 2 * PerInstance).Select(i => (long)i), seen);
            await hub.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_writer_marks_a_change_that_follows_one_another_instance_committed_moments_ago()
    {
        var adminId = await _a.AdminIdAsync();
        var onB = new List<DocumentChangeEvent>();
        using var _ = _b.Get<EventBus>().SubscribeAll<DocumentChangeEvent>(events =>
        {
            if (!EventBus.DeliveringRemote) lock (onB) onB.AddRange(events);
            return Task.CompletedTask;
        });

        Assert.True((await _a.Get<AnnotationService>().CreateAsync(_documentId, adminId, 0, 7, LabelId("claim"), null)).Succeeded);
        Assert.True((await _b.Get<AnnotationService>().CreateAsync(_documentId, adminId, 8, 15, LabelId("claim"), null)).Succeeded);
        Assert.True((await _b.Get<AnnotationService>().CreateAsync(_documentId, adminId, 16, 20, LabelId("actor"), null)).Succeeded);

        // B's first follows A's change 1 (B's hub relay sends it only after A's); its second follows its own.
        lock (onB)
        {
            Assert.Equal([(2L, true), (3L, false)], onB.Select(e => (e.Sequence, e.FollowsOtherWriter)));
        }
    }

    /// <summary>A hub client on <paramref name="server"/> joined to the document, and the sequences it receives, as received.</summary>
    private async Task<(HubConnection Hub, List<long> Seen, string Name)> WatchAsync(AppServer server)
    {
        var hub = await server.ConnectToHubAsync();
        var seen = new List<long>();
        hub.On<ChangeDto>("Change", c => { lock (seen) seen.Add(c.Sequence); });
        hub.On<ChangeDto[]>("Changes", cs => { lock (seen) seen.AddRange(cs.Select(c => c.Sequence)); });
        await hub.InvokeAsync<JoinResult>("JoinDocument", _documentId, null);
        return (hub, seen, server == _a ? "A" : "B");
    }

    [Fact]
    public async Task Who_is_on_the_document_on_B_shows_on_A_and_leaves_when_they_leave()
    {
        var name = "ben-" + Guid.NewGuid().ToString("N")[..6];
        await _a.CreateUserAsync(name);
        // Through the team service, as a supervisor would: B hears of the new member through the access-change rows.
        var added = await _a.Get<TeamService>().SetMemberAsync(_projectId, await _a.AdminIdAsync(), name, ProjectRole.Supervisor);
        Assert.True(added.Succeeded, added.Error);
        var pageA = await fixture.SignedInPageAsync(AppServer.AdminUserName, AppServer.AdminPassword, _a);
        await DocumentView.OpenAsync(pageA, _documentId, Text);
        var pageB = await fixture.SignedInPageAsync(name, AppServer.AnnotatorPassword, _b);
        await DocumentView.OpenAsync(pageB, _documentId, Text);

        var benOnA = pageA.Locator($"[data-testid=presence] [data-testid=viewer][data-user='{name}']");
        await Expect(benOnA).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        // And the other way round: B lists the admin who is on A.
        await Expect(pageB.Locator("[data-testid=presence] [data-testid=viewer][data-user='Administrator']")).ToHaveCountAsync(1, new() { Timeout = 15_000 });

        // Ben goes to the project list (in the app, so his page on B leaves the document at once). Closing the browser
        // instead leaves only if its unload beacon reaches B; if not, Ben shows "away (offline)" until Blazor gives up the
        // circuit (3 min): the test that closed the browser failed on that, now and then, under load.
        await pageB.Locator("a.brand").ClickAsync();
        await Expect(benOnA).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        await pageB.Context.CloseAsync();
        await pageA.Context.CloseAsync();
    }

    [Fact]
    public async Task A_team_change_on_B_ends_an_annotators_stream_on_A()
    {
        var name = "ana-" + Guid.NewGuid().ToString("N")[..6];
        var anaId = await _a.CreateUserAsync(name);
        await _a.AddMemberAsync(anaId, _projectId);
        await using var ana = await _a.ConnectToHubAsync(name, AppServer.AnnotatorPassword);
        var revoked = new TaskCompletionSource<AccessRevokedDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        ana.On<AccessRevokedDto>("AccessRevoked", r => revoked.TrySetResult(r));
        await ana.InvokeAsync<JoinResult>("JoinDocument", _documentId, null);

        var removed = await _b.Get<TeamService>().RemoveMemberAsync(_projectId, await _b.AdminIdAsync(), anaId);
        Assert.True(removed.Succeeded, removed.Error);

        var told = await revoked.Task.WaitAsync(Wait);
        Assert.Equal(_documentId, told.DocumentId);
        var refused = await ana.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(_documentId, 0, 7, "claim", null, null));
        Assert.Equal("not_found", refused.Code);
    }

    [Fact]
    public async Task With_Redis_stopped_and_started_a_page_on_A_catches_up_on_what_B_saved_meanwhile()
    {
        var pageA = await fixture.SignedInPageAsync(AppServer.AdminUserName, AppServer.AdminPassword, _a);
        var viewA = await DocumentView.OpenAsync(pageA, _documentId, Text);
        var adminId = await _b.AdminIdAsync();

        await _redis.StopAsync();
        var whileAway = await _b.Get<AnnotationService>().CreateAsync(_documentId, adminId, 84, 96, LabelId("actor"), "saved while Redis was away");
        Assert.True(whileAway.Succeeded, whileAway.Error);
        await _redis.StartAsync();

        // Nothing saved is lost: once the bus is back the page reads the change log.
        await Expect(viewA.CommittedSpanRun("The Pentagon")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        // And live delivery goes on.
        var after = await _b.Get<AnnotationService>().CreateAsync(_documentId, adminId, 32, 66, LabelId("casualty figure"), null);
        Assert.True(after.Succeeded, after.Error);
        await Expect(viewA.CommittedSpanRun("At least ten soldiers were injured")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await pageA.Context.CloseAsync();
    }
}
