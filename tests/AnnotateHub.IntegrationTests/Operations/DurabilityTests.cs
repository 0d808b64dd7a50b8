using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using AnnotateHub.IntegrationTests.CommandLine;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Tokens;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace AnnotateHub.IntegrationTests.Operations;

/// <summary>
/// Issue 13's SIGKILL tests: real server processes (<see cref="AppProcess"/>) killed with SIGKILL on one SQLite file, under
/// hub writes and during start-up, then started again on it. The users and the team are made with the command line
/// in-process (hence the "Command line" collection: it builds a host, see <see cref="CommandLineCollection"/>). Decision 0041.
/// </summary>
[Collection(CommandLineCollection.Name)]
[Trait("Database", "SqliteOnly")] // kills the server on a SQLite file
public sealed class DurabilityTests(ITestOutputHelper output) : CommandLineSandbox
{
    private const int Rounds = 5;
    private const int Writers = 4;
    private const int MaxCreatesPerRound = 20_000; // per writer: a bound the kill comes long before
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Acknowledged_creates_survive_five_SIGKILLs_and_clients_catch_up()
    {
        var clock = Stopwatch.StartNew();
        var names = Enumerable.Range(1, Writers).Select(i => $"writer{i}").ToList();
        foreach (var name in names) await RunOkAsync("users", "add", name, "--password", AppServer.AnnotatorPassword);
        var clients = names.Select(n => new DurabilityClient(n, AppServer.AnnotatorPassword)).ToList();
        var random = new Random(13);
        IReadOnlyList<(int Id, int Length)> documents = [];
        var caughtUp = 0;
        DurabilityClient? away = null;

        for (var round = 1; round <= Rounds + 1; round++)
        {
            using var app = AppProcess.Start(DatabasePath);
            await app.WaitUntilHealthyAsync(StartLimit);
            if (round == 1)
            {
                // Nothing has read the demo project's team yet, so the server sees the command line's changes at once.
                foreach (var name in names) await RunOkAsync("projects", "add-member", AppServer.DemoProjectName, name);
                await RunOkAsync("projects", "assign", AppServer.DemoProjectName, "--each", Writers.ToString(System.Globalization.CultureInfo.InvariantCulture));
                documents = await DemoDocumentsAsync();
                Assert.Equal(AppServer.SeedArticleCount, documents.Count);
            }

            // Every client comes back with the last sequence it applied per document and must end up with exactly the
            // spans the file had when the server was killed (nothing was written while it was down).
            var stored = await StoredAsync();
            foreach (var client in clients)
            {
                await client.ConnectAsync(app.BaseAddress, documents.Select(d => d.Id));
                foreach (var (documentId, _) in documents)
                {
                    Assert.Equal(stored.Where(a => a.DocumentId == documentId).OrderBy(a => a.Id), client.Known(documentId));
                }
            }
            Assert.All(clients, c => Assert.Empty(c.Errors));
            var roundCaughtUp = clients.Sum(c => c.LastCatchUp);
            caughtUp += roundCaughtUp;
            if (round > 1) output.WriteLine($"  restart {round}: {roundCaughtUp} changes caught up by the {Writers} clients, {away!.LastCatchUp} of them by {away.UserName}, who was away");
            if (round > Rounds)
            {
                output.WriteLine($"after the last kill: every client caught up with {stored.Count} stored creates ({roundCaughtUp} changes in catch-up)");
                foreach (var client in clients) await client.DisconnectAsync();
                break;
            }

            var writing = clients.Select((c, i) => c.WriteAsync(documents, new Random(round * 100 + i), MaxCreatesPerRound, CancellationToken.None)).ToList();
            var before = clients.Sum(c => c.Acknowledged.Count);
            // One client goes away half-way (a closed laptop) and misses the rest of the round and the crash.
            var writingFor = TimeSpan.FromMilliseconds(1000 + random.Next(1000));
            away = clients[(round - 1) % Writers];
            await Task.Delay(writingFor / 2);
            await away.DisconnectAsync();
            await Task.Delay(writingFor / 2);
            var stillWriting = writing.Count(w => !w.IsCompleted); // all but the one away, unless a loop ran out
            app.Kill();
            await Task.WhenAll(writing).WaitAsync(TimeSpan.FromSeconds(60));
            foreach (var client in clients) await client.DisconnectAsync();

            var acknowledged = clients.Sum(c => c.Acknowledged.Count) - before;
            Assert.True(acknowledged > 0, $"Round {round}: no create was acknowledged before the kill.\n{app.Output}");
            Assert.All(clients, c => Assert.Empty(c.Refusals));
            Assert.All(clients, c => Assert.Empty(c.Errors));

            // Read the file itself, with the server dead: what a restart will find.
            stored = await StoredAsync();
            var byId = stored.ToDictionary(a => a.Id);
            var all = clients.SelectMany(c => c.Acknowledged).ToList();
            var lost = all.Where(a => !byId.TryGetValue(a.Id, out var s) || s != a).ToList();
            Assert.True(lost.Count == 0, $"Round {round}: {lost.Count} acknowledged creates are not stored as acknowledged, e.g. {lost.FirstOrDefault()}");
            await AssertChangeLogsAreGaplessAsync(documents.Select(d => d.Id));
            output.WriteLine($"round {round}: killed after {clock.Elapsed.TotalSeconds:0.0} s with {stillWriting}/{Writers} writers mid-loop " +
                $"(stopped by {string.Join(", ", clients.Select(c => c.StoppedBy ?? "none").Distinct())}); " +
                $"{acknowledged} creates acknowledged this round, {all.Count} in all, {stored.Count} stored ({stored.Count - all.Count} of them committed but never acknowledged, a kill or a disconnect cut their answers)");
        }

        output.WriteLine($"{Rounds} rounds, {clients.Sum(c => c.Acknowledged.Count)} acknowledged creates, all stored; {caughtUp} changes caught up after restarts, " +
            $"{clients.Sum(c => c.DuplicatesSkipped)} live events skipped as already applied; {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task A_server_killed_during_start_up_starts_next_time()
    {
        var clock = Stopwatch.StartNew();
        // On a fresh file: as the migration starts and a little into it (each only while one is pending), as it ends, at
        // fixed moments from the process's start (the first ones fall before it opens the database), as the demo corpus lands.
        KillMoment[] moments =
        [
            new("Applying", 0), new("Applying", 0.1), new("Applying", 0.3), new("Applying", 0.6), new("Migrated", 0),
            new(null, 0.3), new(null, 0.8), new(null, 1.2), new(null, 2.0), new("Imported", 0),
        ];
        var cleared = 0;
        foreach (var moment in moments)
        {
            using var app = AppProcess.Start(DatabasePath);
            var started = Stopwatch.StartNew();
            string what;
            if (moment.Fragment is { } fragment)
            {
                var seen = app.WhenOutputContains(fragment);
                var healthy = app.WaitUntilHealthyAsync(StartLimit);
                var first = await Task.WhenAny(seen, healthy);
                if (first == seen) await Task.Delay(TimeSpan.FromSeconds(moment.Seconds));
                // A later start may have nothing left to migrate or import: then it is killed once it answers.
                what = first == seen ? $"{moment.Seconds:0.00} s after \"{fragment}\""
                    : $"when healthy (no \"{fragment}\": {(healthy.IsFaulted ? healthy.Exception!.InnerException!.Message : "nothing left to do")})";
                app.Kill();
                try { await healthy; }
                catch (InvalidOperationException) { /* it exited: killed before it answered */ }
            }
            else
            {
                await Task.Delay(TimeSpan.FromSeconds(moment.Seconds));
                what = $"at {moment.Seconds:0.0} s";
            }
            app.Kill();
            if (app.Output.Contains("Cleared the migration lock", StringComparison.Ordinal)) cleared++;
            output.WriteLine($"killed {what}, {started.Elapsed.TotalSeconds:0.00} s into the start; left: {await StartUpStateAsync()}");
        }

        using (var app = AppProcess.Start(DatabasePath))
        {
            var started = Stopwatch.StartNew();
            await app.WaitUntilHealthyAsync(StartLimit);
            if (app.Output.Contains("Cleared the migration lock", StringComparison.Ordinal)) cleared++;
            output.WriteLine($"the next start was healthy after {started.Elapsed.TotalSeconds:0.0} s; starts that cleared a dead migrator's lock row: {cleared}");

            await using (var db = OpenDb())
            {
                Assert.Empty(await db.Database.GetPendingMigrationsAsync());
                var project = Assert.Single(await db.Projects.Where(p => p.Name == AppServer.DemoProjectName).ToListAsync());
                Assert.False(project.ImportPending);
                Assert.Equal(AppServer.SeedArticleCount, await db.Documents.CountAsync(d => d.ProjectId == project.Id));
                Assert.Equal(AppServer.SeedArticleCount, await db.Documents.Where(d => d.ProjectId == project.Id).Select(d => d.SourceName).Distinct().CountAsync());
                var admin = Assert.Single(await db.Users.Where(u => u.UserName == AppServer.AdminUserName).ToListAsync());
                Assert.Equal(1, await db.UserRoles.CountAsync(r => r.UserId == admin.Id && db.Roles.Any(x => x.Id == r.RoleId && x.Name == AppRoles.Admin)));
                Assert.Equal(1, await db.Roles.CountAsync(r => r.Name == AppRoles.Admin));
                Assert.Equal(1, await db.ProjectMembers.CountAsync(m => m.ProjectId == project.Id && m.UserId == admin.Id));
                Assert.Equal(0, await LockRowsAsync(db));
            }

            using var http = SignInForm.CreateClient(app.BaseAddress);
            using var signIn = await SignInForm.PostAsync(http, AppServer.AdminUserName, AppServer.AdminPassword);
            var cookie = SignInForm.SetCookie(signIn, SignInForm.IdentityCookie) ?? throw new InvalidOperationException($"Signing in as admin failed ({(int)signIn.StatusCode}).");
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me") { Headers = { { "Cookie", cookie.Split(';')[0] } } };
            using var me = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            var body = await me.Content.ReadFromJsonAsync<MeResponse>();
            Assert.Equal(AppServer.AdminUserName, body!.UserName);
            Assert.Equal([AppRoles.Admin], body.Roles);
        }
        output.WriteLine($"{moments.Length} kills and a clean start in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>Kill <see cref="Seconds"/> after the server writes <see cref="Fragment"/>, or after its process starts.</summary>
    private sealed record KillMoment(string? Fragment, double Seconds);

    /// <summary>What a killed start left in the file, for the test's output.</summary>
    private async Task<string> StartUpStateAsync()
    {
        if (!File.Exists(DatabasePath)) return "no database file";
        await using var db = OpenDb();
        var applied = (await db.Database.GetAppliedMigrationsAsync()).Count();
        var all = db.Database.GetMigrations().Count();
        if (applied < all) return $"{applied}/{all} migrations, {await LockRowsAsync(db)} lock row(s)";
        var admins = await db.Users.CountAsync(u => u.UserName == AppServer.AdminUserName);
        var documents = await db.Documents.CountAsync(d => d.Project!.Name == AppServer.DemoProjectName);
        return $"migrated, {await LockRowsAsync(db)} lock row(s), {admins} admin, {documents} demo documents";
    }

    private async Task RunOkAsync(params string[] args)
    {
        var run = await RunAsync(args);
        Assert.True(run.ExitCode == 0, $"{string.Join(' ', args)}: {run.Error}");
    }

    // Not pooled: the test must hold no connection to the file while a server process starts on it or is killed.
    private SqliteDbContext OpenDb() =>
        new(new DbContextOptionsBuilder<SqliteDbContext>().UseSqlite($"{ConnectionString};Pooling=False").Options);

    private async Task<IReadOnlyList<(int Id, int Length)>> DemoDocumentsAsync()
    {
        await using var db = OpenDb();
        var rows = await db.Documents.Where(d => d.Project!.Name == AppServer.DemoProjectName).OrderBy(d => d.Id).Select(d => new { d.Id, d.Length }).ToListAsync();
        return rows.Select(r => (r.Id, r.Length)).ToList();
    }

    private async Task<List<DurabilityClient.Span>> StoredAsync()
    {
        if (!File.Exists(DatabasePath)) return [];
        await using var db = OpenDb();
        return await db.Annotations.AsNoTracking()
            .Select(a => new DurabilityClient.Span(a.Id, a.DocumentId, a.Start, a.End, a.LabelId, a.AnnotatorId))
            .ToListAsync();
    }

    /// <summary>Each document's change log numbers its changes 1, 2, 3, ... with none missing.</summary>
    private async Task AssertChangeLogsAreGaplessAsync(IEnumerable<int> documentIds)
    {
        await using var db = OpenDb();
        foreach (var documentId in documentIds)
        {
            var sequences = await db.DocumentChanges.Where(c => c.DocumentId == documentId).OrderBy(c => c.Sequence).Select(c => c.Sequence).ToListAsync();
            Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);
        }
    }

    private static async Task<long> LockRowsAsync(AnnotateHubDbContext db)
    {
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsLock';";
        if ((long)(await command.ExecuteScalarAsync())! == 0) return 0;
        command.CommandText = "SELECT count(*) FROM \"__EFMigrationsLock\";";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
