using AnnotateHub.IntegrationTests.Browser;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Annotations;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.ScaleOut;

/// <summary>
/// Two app processes (<c>dotnet AnnotateHub.Web.dll</c>, Development as `dotnet run` starts it) on one database (a SQLite file, or a PostgreSQL
/// database when the suite runs there) and one Redis of the test's own: nothing is shared but the database, Redis and
/// the network. A client signed in on A uses its cookie on B, and a hub client on A gets B's creates, changes and
/// deletes in order; a span made in a browser on B appears in a browser on A, and a browser signed in on A opens B; a
/// team change made in a browser on B ends a stream on A; with Redis stopped and started, a page and a program on A get
/// what B saved meanwhile.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class TwoProcessTests(BrowserFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "annotatehub-procs-" + Guid.NewGuid().ToString("N"));
    private readonly RedisServer _redis = new();
    private readonly string _database = "ah_it_procs_" + Guid.NewGuid().ToString("N")[..12];
    private AppProcess? _a;
    private AppProcess? _b;

    private string DatabasePath => Path.Combine(_directory, "shared.db");
    private string ConnectionString => AppServer.PostgresServer is { } server ? $"{server};Database={_database}" : $"Data Source={DatabasePath}";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        await _redis.StartAsync();
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__AnnotateHub"] = ConnectionString,
            ["Database__Provider"] = AppServer.PostgresServer is null ? DatabaseOptions.SqliteProvider : DatabaseOptions.PostgresProvider,
            ["Redis__Connection"] = _redis.Connection,
            ["Redis__ChannelPrefix"] = "ah-procs-" + Guid.NewGuid().ToString("N")[..8],
            // As README's two-instance commands run them (`dotnet run`, its launch profile): Development serves the
            // framework's and MudBlazor's static files from the build output, which a browser needs; Production serves
            // them only from a publish folder.
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
        };
        // The first migrates and seeds; then the second joins it.
        _a = AppProcess.Start(DatabasePath, environment);
        await _a.WaitUntilHealthyAsync(StartLimit);
        _b = AppProcess.Start(DatabasePath, environment);
        await _b.WaitUntilHealthyAsync(StartLimit);
    }

    public async Task DisposeAsync()
    {
        _b?.Dispose();
        _a?.Dispose();
        await _redis.DisposeAsync();
        if (AppServer.PostgresServer is { } server)
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await using var admin = new Npgsql.NpgsqlConnection($"{server};Database=postgres");
            await admin.OpenAsync();
            await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { /* a leftover temp folder is harmless */ }
    }

    [Fact]
    public async Task A_hub_client_on_process_A_gets_process_Bs_changes_in_order_with_a_cookie_signed_on_A()
    {
        var cookie = await SignInAsync(_a!.BaseAddress);
        var documentId = await FirstDemoDocumentAsync();
        await using var onA = await ConnectAsync(_a.BaseAddress, cookie);
        await using var onB = await ConnectAsync(_b!.BaseAddress, cookie); // A's cookie, read by B: one key ring
        var seen = new List<ChangeDto>();
        var gate = new Lock();
        onA.On<ChangeDto>("Change", c => { lock (gate) seen.Add(c); });
        onA.On<ChangeDto[]>("Changes", cs => { lock (gate) seen.AddRange(cs); });
        var joined = await onA.InvokeAsync<JoinResult>("JoinDocument", documentId, null);

        var created = await onB.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, 0, 7, "claim", null, null));
        Assert.True(created.Ok, created.Error);
        var updated = await onB.InvokeAsync<MutationResult>("UpdateAnnotation", new UpdateAnnotationRequest(created.Change!.Annotation.Id, 1, "actor", null, "on B"));
        Assert.True(updated.Ok, updated.Error);
        var deleted = await onB.InvokeAsync<MutationResult>("DeleteAnnotation", created.Change.Annotation.Id, 2);
        Assert.True(deleted.Ok, deleted.Error);

        await Eventually.Until(() => { lock (gate) return seen.Count >= 3; }, Wait, "B's three changes reach the client on A");
        lock (gate)
        {
            Assert.Equal(["created", "updated", "deleted"], seen.Select(c => c.Kind));
            Assert.Equal([joined.Sequence + 1, joined.Sequence + 2, joined.Sequence + 3], seen.Select(c => c.Sequence));
        }
    }

    [Fact]
    public async Task A_span_made_in_a_browser_on_process_B_appears_in_a_browser_on_process_A_without_reloading()
    {
        var documentId = await FirstDemoDocumentAsync();
        var text = await DocumentTextAsync(documentId);
        // A phrase inside one paragraph of the seed article: the first five words of its first long paragraph.
        var paragraph = text.Split('\n').First(l => l.Length > 80 && !l.Contains("  ", StringComparison.Ordinal));
        var phrase = string.Join(' ', paragraph.Split(' ').Take(5));
        var pageA = await fixture.SignedInPageAsync(AppServer.AdminUserName, AppServer.AdminPassword, _a!.BaseAddress);
        var pageB = await fixture.SignedInPageAsync(AppServer.AdminUserName, AppServer.AdminPassword, _b!.BaseAddress);
        try
        {
            var viewA = await DocumentView.OpenAsync(pageA, documentId, text);
            var viewB = await DocumentView.OpenAsync(pageB, documentId, text);
            var before = await viewA.CommittedSpanRun(phrase).CountAsync();

            await viewB.DragSelectAsync(phrase);
            await Expect(viewB.Menu).ToBeVisibleAsync(); // the selection reached process B
            await pageB.Keyboard.PressAsync("1");
            await Expect(viewB.CommittedSpanRun(phrase)).ToHaveCountAsync(before + 1);

            // Process A heard of it through Redis and drew it, without a reload.
            await Expect(viewA.CommittedSpanRun(phrase)).ToHaveCountAsync(before + 1, new() { Timeout = 15_000 });
            await Expect(viewA.SpanListItem("claim", phrase)).ToHaveCountAsync(1);
            await fixture.ScreenshotAsync(pageA, "two-processes-span-from-b");

            // Signed in on A, the same browser opens the document on B (one key ring, in the database): no sign-in page.
            await pageA.GotoAsync(new Uri(_b.BaseAddress, $"/documents/{documentId}").ToString());
            await Expect(pageA.Locator("[data-testid=signed-in-as]")).ToHaveTextAsync(AppServer.AdminUserName);
            await Expect(new DocumentView(pageA, text).CommittedSpanRun(phrase)).ToHaveCountAsync(before + 1);
        }
        catch (Exception e)
        {
            await fixture.ScreenshotAsync(pageA, "two-processes-failed-a");
            await fixture.ScreenshotAsync(pageB, "two-processes-failed-b");
            throw WithServerLogs(e);
        }
        finally
        {
            await pageA.Context.CloseAsync();
            await pageB.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_team_change_made_in_a_browser_on_process_B_ends_a_stream_on_process_A()
    {
        var name = "ana-" + Guid.NewGuid().ToString("N")[..6];
        // Set up from a shell, as an admin would: the command line against the shared database.
        Assert.Equal(0, await CommandAsync("users", "add", name, "--password", AppServer.AnnotatorPassword));
        Assert.Equal(0, await CommandAsync("projects", "add-member", AppServer.DemoProjectName, name, "--role", "supervisor"));
        var documentId = await FirstDemoDocumentAsync();
        var projectId = await ProjectOfAsync(documentId);
        await using var ana = await ConnectAsync(_a!.BaseAddress, await SignInAsync(_a.BaseAddress, name, AppServer.AnnotatorPassword));
        var revoked = new TaskCompletionSource<AccessRevokedDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        ana.On<AccessRevokedDto>("AccessRevoked", r => revoked.TrySetResult(r));
        await ana.InvokeAsync<JoinResult>("JoinDocument", documentId, null);

        // The admin removes her on the Team tab of a browser on B.
        var page = await fixture.SignedInPageAsync(AppServer.AdminUserName, AppServer.AdminPassword, _b!.BaseAddress);
        try
        {
            await page.GotoAsync(new Uri(_b.BaseAddress, $"/projects/{projectId}").ToString());
            await Live.WaitForCircuitAsync(page);
            await page.Locator(".mud-tab", new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^Team$") }).ClickAsync();
            var row = page.Locator($"[data-testid=member-row][data-user=\"{name}\"]");
            await row.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
            await Expect(row).ToHaveCountAsync(0);

            // A heard of it through the database's access-change rows and ended her stream.
            var told = await revoked.Task.WaitAsync(Wait);
            Assert.Equal(documentId, told.DocumentId);
            var refused = await ana.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, 0, 7, "claim", null, null));
            Assert.False(refused.Ok);
            Assert.Equal("not_found", refused.Code);
        }
        catch (Exception e)
        {
            throw WithServerLogs(e);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task With_Redis_stopped_and_started_a_page_and_a_program_on_process_A_get_what_process_B_saved_meanwhile()
    {
        var documentId = await FirstDemoDocumentAsync();
        var text = await DocumentTextAsync(documentId);
        var paragraphs = text.Split('\n').Where(l => l.Length > 80 && !l.Contains("  ", StringComparison.Ordinal)).ToList();
        var (away, back) = (Phrase(paragraphs[0]), Phrase(paragraphs[1]));
        var cookie = await SignInAsync(_a!.BaseAddress, AppServer.AdminUserName, AppServer.AdminPassword);
        await using var watcher = await ConnectAsync(_a.BaseAddress, cookie);
        var seen = new List<long>();
        watcher.On<ChangeDto>("Change", c => { lock (seen) seen.Add(c.Sequence); });
        watcher.On<ChangeDto[]>("Changes", cs => { lock (seen) seen.AddRange(cs.Select(c => c.Sequence)); });
        var joined = await watcher.InvokeAsync<JoinResult>("JoinDocument", documentId, null);
        await using var writer = await ConnectAsync(_b!.BaseAddress, cookie);
        var pageA = await fixture.SignedInPageAsync(AppServer.AdminUserName, AppServer.AdminPassword, _a.BaseAddress);
        try
        {
            var viewA = await DocumentView.OpenAsync(pageA, documentId, text);
            var (awayBefore, backBefore) = (await viewA.CommittedSpanRun(away).CountAsync(), await viewA.CommittedSpanRun(back).CountAsync());

            await _redis.StopAsync();
            var whileAway = await writer.InvokeAsync<MutationResult>("CreateAnnotation", Create(documentId, text, away, "actor"));
            Assert.True(whileAway.Ok, whileAway.Error);
            await _redis.StartAsync();

            // Nothing saved is lost: once Redis is back the page reads the change log.
            await Expect(viewA.CommittedSpanRun(away)).ToHaveCountAsync(awayBefore + 1, new() { Timeout = 30_000 });
            // And live delivery goes on, to the page and to the program. Each instance's SignalR backplane reconnects to
            // Redis on its own schedule: a change B publishes before A's backplane has subscribed again reaches A's
            // programs only through the log (the next change shows them the gap). So B saves a change a second until
            // one arrives live on A (at most 20).
            var after = new List<long>();
            var ids = new List<long>();
            for (var i = 0; i < 20 && !Heard(); i++)
            {
                var made = await writer.InvokeAsync<MutationResult>("CreateAnnotation", Create(documentId, text, back, "claim"));
                Assert.True(made.Ok, made.Error);
                after.Add(made.Change!.Sequence);
                ids.Add(made.Change.Annotation.Id);
                await Task.Delay(1000);
            }
            bool Heard()
            {
                lock (seen) return after.Any(seen.Contains);
            }
            Assert.True(Heard(), "no change B saved after Redis was back reached the program on A live");
            await Expect(viewA.CommittedSpanRun(back)).ToHaveCountAsync(backBefore + 1, new() { Timeout = 15_000 });
            foreach (var id in ids) // each drawn on the page (the same words: one run, every id on it)
                await Expect(pageA.Locator($"[data-testid=doc-text] [data-anns~=\"{id}\"]").First).ToBeAttachedAsync(new() { Timeout = 15_000 });
            // The program, seeing a gap (or not, if B's Redis client sent the first one when it was back), reads the log
            // after what it had when it joined, as docs/realtime.md says: every change, in order.
            var fromLog = await watcher.InvokeAsync<ChangeDto[]>("GetChanges", documentId, joined.Sequence, 100);
            Assert.Equal([whileAway.Change!.Sequence, .. after], fromLog.Select(c => c.Sequence));
            lock (seen) Assert.Equal(seen.Order(), seen); // in order, whatever was missed
        }
        catch (Exception e)
        {
            await fixture.ScreenshotAsync(pageA, "two-processes-redis-failed-a");
            throw WithServerLogs(e);
        }
        finally
        {
            await pageA.Context.CloseAsync();
        }
    }

    /// <summary>The first five words of a paragraph.</summary>
    private static string Phrase(string paragraph) => string.Join(' ', paragraph.Split(' ').Take(5));

    private static CreateAnnotationRequest Create(int documentId, string text, string phrase, string label)
    {
        // Offsets count code points (docs/realtime.md).
        var at = text.IndexOf(phrase, StringComparison.Ordinal);
        var start = text[..at].EnumerateRunes().Count();
        return new CreateAnnotationRequest(documentId, start, start + phrase.EnumerateRunes().Count(), label, null, null);
    }

    private InvalidOperationException WithServerLogs(Exception e)
    {
        // What the two servers said (a circuit that died says why only there).
        static string Tail(string output) => string.Join('\n', output.Split('\n').TakeLast(60));
        return new InvalidOperationException($"{e.Message}\n--- process A ---\n{Tail(_a!.Output)}\n--- process B ---\n{Tail(_b!.Output)}", e);
    }

    /// <summary>The app's command line, run here against the two processes' database.</summary>
    private async Task<int> CommandAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var settings = new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{DataServiceExtensions.ConnectionStringName}"] = ConnectionString,
            ["Database:Provider"] = AppServer.PostgresServer is null ? DatabaseOptions.SqliteProvider : DatabaseOptions.PostgresProvider,
        };
        var code = await AnnotateHub.Web.CommandLine.CommandLineHost.RunAsync(args, new StringReader(""), output, error, settings, CancellationToken.None);
        Assert.True(code == 0, $"{string.Join(' ', args)}: {output}{error}");
        return code;
    }

    private async Task<int> ProjectOfAsync(int documentId)
    {
        await using var db = CreateDbContext();
        return await db.Documents.Where(d => d.Id == documentId).Select(d => d.ProjectId).SingleAsync();
    }

    private AnnotateHubDbContext CreateDbContext() => AppServer.PostgresServer is null
        ? new SqliteDbContext(new DbContextOptionsBuilder<SqliteDbContext>().UseSqlite($"{ConnectionString};Pooling=False").Options)
        : new PostgresDbContext(new DbContextOptionsBuilder<PostgresDbContext>().UseNpgsql(ConnectionString).Options);

    private async Task<int> FirstDemoDocumentAsync()
    {
        await using var db = CreateDbContext();
        return await db.Documents.Where(d => d.Project!.Name == AppServer.DemoProjectName).OrderBy(d => d.Id).Select(d => d.Id).FirstAsync();
    }

    private async Task<string> DocumentTextAsync(int documentId)
    {
        await using var db = CreateDbContext();
        return await db.Documents.Where(d => d.Id == documentId).Select(d => d.Text).SingleAsync();
    }

    private static async Task<string> SignInAsync(Uri baseAddress, string userName = AppServer.AdminUserName, string password = AppServer.AdminPassword)
    {
        using var client = SignInForm.CreateClient(baseAddress);
        using var signIn = await SignInForm.PostAsync(client, userName, password);
        var cookie = SignInForm.SetCookie(signIn, SignInForm.IdentityCookie) ?? throw new InvalidOperationException($"Signing in on {baseAddress} failed ({(int)signIn.StatusCode}).");
        return cookie.Split(';')[0];
    }

    private static async Task<HubConnection> ConnectAsync(Uri baseAddress, string cookie)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, AnnotationHub.Path), o =>
            {
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                o.Headers["Cookie"] = cookie;
            })
            .Build();
        await connection.StartAsync();
        return connection;
    }
}
