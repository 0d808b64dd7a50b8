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
/// deletes in order; a span made in a browser on B appears in a browser on A, and a browser signed in on A opens B.
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
            // What the two servers said (a circuit that died says why only there).
            await fixture.ScreenshotAsync(pageA, "two-processes-failed-a");
            await fixture.ScreenshotAsync(pageB, "two-processes-failed-b");
            static string Tail(string output) => string.Join('\n', output.Split('\n').TakeLast(60));
            throw new InvalidOperationException($"{e.Message}\n--- process A ---\n{Tail(_a.Output)}\n--- process B ---\n{Tail(_b.Output)}", e);
        }
        finally
        {
            await pageA.Context.CloseAsync();
            await pageB.Context.CloseAsync();
        }
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

    private static async Task<string> SignInAsync(Uri baseAddress)
    {
        using var client = SignInForm.CreateClient(baseAddress);
        using var signIn = await SignInForm.PostAsync(client, AppServer.AdminUserName, AppServer.AdminPassword);
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
