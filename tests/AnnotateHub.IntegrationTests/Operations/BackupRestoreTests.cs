using System.Globalization;
using AnnotateHub.IntegrationTests.CommandLine;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.CommandLine;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Annotations;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace AnnotateHub.IntegrationTests.Operations;

/// <summary>
/// <c>backup --output FILE</c> and <c>restore --input FILE</c> (decision 0038): a backup taken while users write is a
/// consistent snapshot, and restoring it into a fresh database gives every table row for row; a restore never runs
/// under a server, never takes a file that is not a whole backup, and keeps the database it replaces.
/// </summary>
[Collection(CommandLineCollection.Name)]
[Trait("Database", "SqliteOnly")] // SQLite's backup and restore of the database file
public sealed class BackupRestoreTests(ITestOutputHelper output) : CommandLineSandbox
{
    private string Live => Path.Combine(Folder, "live.db");
    private string BackupFile => Path.Combine(Folder, "backup.db");

    [Fact]
    public async Task A_backup_taken_while_users_write_restores_into_a_fresh_database_with_every_table_equal()
    {
        var server = new AppServer(Live);
        await server.InitializeAsync();
        long backedUpWhileWriting;
        int liveAnnotations;
        try
        {
            var (documents, labelId, userId) = await DemoAsync(server);
            var annotations = server.Get<AnnotationService>();
            var created = 0;
            var extraAfterStop = 20;
            using var stop = new CancellationTokenSource();
            var writer = Task.Run(async () =>
            {
                // Writes until 20 creates after the backup is done; bounded at 100,000 (a backup takes a second or two).
                for (var i = 0; i < 100_000; i++)
                {
                    var result = await annotations.CreateAsync(documents[i % documents.Count], userId, i % 200, i % 200 + 5, labelId, note: $"n{i}");
                    Assert.True(result.Succeeded, result.Error);
                    Interlocked.Increment(ref created);
                    if (stop.IsCancellationRequested && --extraAfterStop <= 0) break;
                }
            });
            while (Volatile.Read(ref created) < 50 && !writer.IsCompleted) await Task.Delay(10);

            var backup = await RunOnAsync(Live, "backup", "--output", BackupFile);
            var atBackup = Volatile.Read(ref created);
            await stop.CancelAsync();
            await writer;
            output.WriteLine($"backup: {backup.Out.Trim()}");
            output.WriteLine($"creates acknowledged before the backup started: >= 50; when it ended: {atBackup}; in all: {created}");

            Assert.Equal(ExitCodes.Ok, backup.ExitCode);
            Assert.Contains("Backed up", backup.Out, StringComparison.Ordinal);
            Assert.False(File.Exists(BackupFile + ".partial"));
            // Users kept working meanwhile, and went on after it.
            Assert.True(created > atBackup, $"the writer stopped at the backup ({created} creates)");

            backedUpWhileWriting = Scalar(BackupFile, "SELECT count(*) FROM Annotations;");
            liveAnnotations = await CountAnnotationsAsync(server);
            Assert.InRange(backedUpWhileWriting, 50, liveAnnotations - 1);
        }
        finally
        {
            await server.DisposeAsync();
        }

        // A snapshot: every annotation the backup holds has its change-log entry, every change its annotation, and each
        // document's log runs 1..n without a gap (a copy that mixed two moments would break one of these).
        Assert.Equal(backedUpWhileWriting, Scalar(BackupFile, "SELECT count(*) FROM DocumentChanges WHERE Kind = 'AnnotationCreated';"));
        Assert.Equal(0, Scalar(BackupFile, "SELECT count(*) FROM Annotations a WHERE NOT EXISTS (SELECT 1 FROM DocumentChanges c WHERE c.AnnotationId = a.Id);"));
        Assert.Equal(0, Scalar(BackupFile, "SELECT count(*) FROM (SELECT DocumentId, max(Sequence) AS top, count(*) AS n FROM DocumentChanges GROUP BY DocumentId) WHERE top <> n;"));
        Assert.Equal("delete", ScalarText(BackupFile, "PRAGMA journal_mode;"));

        var fresh = Path.Combine(Folder, "fresh", "restored.db");
        Directory.CreateDirectory(Path.GetDirectoryName(fresh)!);
        var restore = await RunOnAsync(fresh, "restore", "--input", BackupFile);
        output.WriteLine($"restore: {restore.Out.Trim()}");
        Assert.Equal(ExitCodes.Ok, restore.ExitCode);
        Assert.Contains($"Restored {fresh}", restore.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("kept at", restore.Out, StringComparison.Ordinal); // nothing was there to keep

        var expected = Dump(BackupFile);
        var actual = Dump(fresh);
        Assert.Equal(expected.Keys, actual.Keys);
        Assert.Contains("Annotations", expected.Keys);
        Assert.Contains("AspNetUsers", expected.Keys);
        foreach (var (table, rows) in expected) Assert.True(rows.SequenceEqual(actual[table]), $"table {table} differs after the restore");
        output.WriteLine($"compared {expected.Count} tables, {expected.Values.Sum(r => r.Count)} rows: equal");

        // The restored database serves: the server starts on it, with the backup's spans and not one more.
        var restored = new AppServer(fresh);
        await restored.InitializeAsync();
        try
        {
            Assert.Equal(backedUpWhileWriting, await CountAnnotationsAsync(restored));
            var (documents, labelId, userId) = await DemoAsync(restored);
            var next = await restored.Get<AnnotationService>().CreateAsync(documents[0], userId, 300, 310, labelId, note: null);
            Assert.True(next.Succeeded, next.Error);
        }
        finally
        {
            await restored.DisposeAsync();
        }
    }

    [Fact]
    public async Task Restore_is_refused_while_a_server_uses_the_database_and_changes_nothing()
    {
        var server = new AppServer(Live);
        await server.InitializeAsync();
        try
        {
            var (documents, labelId, userId) = await DemoAsync(server);
            Assert.True((await server.Get<AnnotationService>().CreateAsync(documents[0], userId, 0, 4, labelId, null)).Succeeded);
            Assert.Equal(ExitCodes.Ok, (await RunOnAsync(Live, "backup", "--output", BackupFile)).ExitCode);
            Assert.True((await server.Get<AnnotationService>().CreateAsync(documents[0], userId, 5, 9, labelId, null)).Succeeded);
            var before = Dump(Live);

            var restore = await RunOnAsync(Live, "restore", "--input", BackupFile);

            Assert.Equal(ExitCodes.Refused, restore.ExitCode);
            Assert.Contains("is in use by a running server or command", restore.Error, StringComparison.Ordinal);
            Assert.Contains("Nothing was changed.", restore.Error, StringComparison.Ordinal);
            Assert.Equal(2, await CountAnnotationsAsync(server));
            AssertSame(before, Dump(Live));
            Assert.Empty(Directory.GetFiles(Folder, "*.before-restore-*"));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Restore_over_a_database_keeps_the_one_it_replaces_and_the_server_starts_on_the_backup()
    {
        long kept, lost;
        var server = new AppServer(Live);
        await server.InitializeAsync();
        try
        {
            var (documents, labelId, userId) = await DemoAsync(server);
            var annotations = server.Get<AnnotationService>();
            kept = (await annotations.CreateAsync(documents[0], userId, 0, 4, labelId, "before the backup")).Annotation!.Id;
            Assert.Equal(ExitCodes.Ok, (await RunOnAsync(Live, "backup", "--output", BackupFile)).ExitCode);
            lost = (await annotations.CreateAsync(documents[0], userId, 5, 9, labelId, "after the backup")).Annotation!.Id;
        }
        finally
        {
            await server.DisposeAsync();
        }

        var restore = await RunOnAsync(Live, "restore", "--input", BackupFile);

        output.WriteLine(restore.Out);
        Assert.Equal(ExitCodes.Ok, restore.ExitCode);
        var previous = Assert.Single(Directory.GetFiles(Folder, "live.db.before-restore-*"));
        Assert.Contains($"The database it replaced is kept at {previous}", restore.Out, StringComparison.Ordinal);
        // The span made after the backup is not in the restored database, and not lost either: it is in the kept one.
        Assert.Equal(1, Scalar(previous, $"SELECT count(*) FROM Annotations WHERE Id = {lost};"));
        Assert.Equal(0, Scalar(Live, $"SELECT count(*) FROM Annotations WHERE Id = {lost};"));
        AssertSame(Dump(BackupFile), Dump(Live));

        var restarted = new AppServer(Live);
        await restarted.InitializeAsync();
        try
        {
            var ids = (await restarted.Get<AnnotationService>().ListAsync((await DemoAsync(restarted)).Documents[0])).Select(a => a.Id).ToList();
            Assert.Equal([kept], ids);
            var cookie = await restarted.SignInCookieAsync(AppServer.AdminUserName, AppServer.AdminPassword);
            Assert.False(string.IsNullOrEmpty(cookie));
        }
        finally
        {
            await restarted.DisposeAsync();
        }
    }

    [Fact]
    public async Task Restore_refuses_a_file_that_is_not_a_whole_backup_of_a_known_schema_and_changes_nothing()
    {
        var server = new AppServer(Live);
        await server.InitializeAsync();
        await server.DisposeAsync();
        Assert.Equal(ExitCodes.Ok, (await RunOnAsync(Live, "backup", "--output", BackupFile)).ExitCode);
        var before = Dump(Live);

        var text = Path.Combine(Folder, "notes.txt");
        await File.WriteAllTextAsync(text, "not a database at all, just some words in a file that is long enough to have a header");
        var truncated = Path.Combine(Folder, "truncated.db");
        var bytes = await File.ReadAllBytesAsync(BackupFile);
        await File.WriteAllBytesAsync(truncated, bytes[..(bytes.Length / 2)]);
        var foreign = Path.Combine(Folder, "foreign.db");
        Execute(foreign, "CREATE TABLE things (id INTEGER PRIMARY KEY); INSERT INTO things VALUES (1);");
        var newer = Path.Combine(Folder, "newer.db");
        File.Copy(BackupFile, newer);
        Execute(newer, "INSERT INTO \"__EFMigrationsHistory\" VALUES ('29991231000000_FromTheFuture', '99.0.0');");

        var cases = new (string File, string Message)[]
        {
            (Path.Combine(Folder, "missing.db"), "does not exist"),
            (text, "is not a readable SQLite database"),
            (truncated, ""), // damaged or unreadable: either message, as long as it is refused
            (foreign, "not an AnnotateHub database"),
            (newer, "made by a newer AnnotateHub (its schema has 29991231000000_FromTheFuture"),
        };
        foreach (var (file, message) in cases)
        {
            var restore = await RunOnAsync(Live, "restore", "--input", file);
            output.WriteLine($"{Path.GetFileName(file)}: {restore.Error.Trim()}");
            Assert.Equal(ExitCodes.Refused, restore.ExitCode);
            Assert.Contains(message, restore.Error, StringComparison.Ordinal);
            Assert.Contains("Nothing was changed.", restore.Error, StringComparison.Ordinal);
            AssertSame(before, Dump(Live));
        }
        Assert.Empty(Directory.GetFiles(Folder, "*.before-restore-*"));
    }

    [Fact]
    public async Task Backup_refuses_to_overwrite_without_force_and_never_creates_a_database_that_was_not_there()
    {
        var missing = Path.Combine(Folder, "nothing-here.db");
        var none = await RunOnAsync(missing, "backup", "--output", BackupFile);
        Assert.Equal(ExitCodes.Refused, none.ExitCode);
        Assert.Contains($"there is no database at {missing}", none.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(missing));
        Assert.False(File.Exists(BackupFile));

        var server = new AppServer(Live);
        await server.InitializeAsync();
        await server.DisposeAsync();
        await File.WriteAllTextAsync(BackupFile, "an older backup someone wants to keep");

        var refused = await RunOnAsync(Live, "backup", "--output", BackupFile);
        Assert.Equal(ExitCodes.Refused, refused.ExitCode);
        Assert.Contains("exists; add --force to replace it", refused.Error, StringComparison.Ordinal);
        Assert.Equal("an older backup someone wants to keep", await File.ReadAllTextAsync(BackupFile));

        var noFolder = await RunOnAsync(Live, "backup", "--output", Path.Combine(Folder, "no", "such", "folder", "b.db"));
        Assert.Equal(ExitCodes.Refused, noFolder.ExitCode);
        Assert.Contains("does not exist", noFolder.Error, StringComparison.Ordinal);

        var usage = await RunOnAsync(Live, "backup");
        Assert.Equal(ExitCodes.Usage, usage.ExitCode);
        Assert.Contains("--output FILE is required", usage.Error, StringComparison.Ordinal);

        var forced = await RunOnAsync(Live, "backup", "--output", BackupFile, "--force");
        Assert.Equal(ExitCodes.Ok, forced.ExitCode);
        AssertSame(Dump(Live), Dump(BackupFile));
    }

    // --- helpers ---

    private static async Task<(IReadOnlyList<int> Documents, int LabelId, string UserId)> DemoAsync(AppServer server)
    {
        var projectId = await server.DemoProjectIdAsync();
        await using var db = server.CreateDbContext();
        var documents = await db.Documents.Where(d => d.ProjectId == projectId).OrderBy(d => d.Id).Select(d => d.Id).ToListAsync();
        var label = await db.Labels.Where(l => l.ProjectId == projectId).OrderBy(l => l.Id).Select(l => l.Id).FirstAsync();
        return (documents, label, await server.AdminIdAsync());
    }

    private static async Task<int> CountAnnotationsAsync(AppServer server)
    {
        await using var db = server.CreateDbContext();
        return await db.Annotations.CountAsync();
    }

    private static async Task<CommandRun> RunOnAsync(string databasePath, params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var settings = new Dictionary<string, string?> { [$"ConnectionStrings:{DataServiceExtensions.ConnectionStringName}"] = $"Data Source={databasePath}" };
        var code = await CommandLineHost.RunAsync(args, new StringReader(""), stdout, stderr, settings, CancellationToken.None);
        return new CommandRun(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Every row of every table, in rowid order, each as one line of its values.</summary>
    private static Dictionary<string, List<string>> Dump(string path)
    {
        using var connection = Open(path);
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name;";
            using var reader = list.ExecuteReader();
            while (reader.Read()) tables.Add(reader.GetString(0));
        }
        var dump = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\" ORDER BY rowid;";
            using var reader = select.ExecuteReader();
            var rows = new List<string>();
            while (reader.Read())
            {
                var values = new string[reader.FieldCount];
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    values[i] = reader.IsDBNull(i) ? "NULL" : reader.GetValue(i) switch
                    {
                        byte[] b => "x" + Convert.ToHexString(b),
                        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                        var v => v.ToString()!,
                    };
                }
                rows.Add(string.Join('|', values));
            }
            dump[table] = rows;
        }
        return dump;
    }

    private static void AssertSame(Dictionary<string, List<string>> expected, Dictionary<string, List<string>> actual)
    {
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (table, rows) in expected) Assert.True(rows.SequenceEqual(actual[table]), $"table {table} differs");
    }

    private static long Scalar(string path, string sql)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static string ScalarText(string path, string sql)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture)!;
    }

    private static void Execute(string path, string sql)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        return connection;
    }
}
