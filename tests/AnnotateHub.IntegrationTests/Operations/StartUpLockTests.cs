using AnnotateHub.IntegrationTests.CommandLine;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace AnnotateHub.IntegrationTests.Operations;

/// <summary>
/// The migration lock (decision 0032) in-process: a <c>__EFMigrationsLock</c> row left by a killed process is cleared, a
/// start with nothing pending takes no lock, and one that must wait for another migrator says so and gives up clearly.
/// The command line is the start-up here (it migrates the same way as the server); <see cref="DurabilityTests"/> kills real servers.
/// </summary>
[Collection(CommandLineCollection.Name)]
[Trait("Database", "SqliteOnly")] // SQLite's file locks around migrations
public sealed class StartUpLockTests : CommandLineSandbox
{
    private const string FirstMigration = "20261122210936_InitialSchema";

    [Fact]
    public async Task A_migration_lock_left_by_a_killed_migrator_is_cleared_with_a_warning_and_the_migration_completes()
    {
        await using (var db = CreateDbContext())
        {
            await db.GetService<IMigrator>().MigrateAsync(FirstMigration);
        }
        await PlantLockRowAsync();

        var run = await RunAsync("users", "list");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Cleared the migration lock left in", run.Error, StringComparison.Ordinal);
        Assert.Contains("taken at 2026-12-01 07:59:58", run.Error, StringComparison.Ordinal);
        await using var check = CreateDbContext();
        Assert.Empty(await check.Database.GetPendingMigrationsAsync());
        Assert.Equal(0, await CountLockRowsAsync());
    }

    [Fact]
    public async Task A_leftover_lock_row_on_an_up_to_date_database_does_not_stop_the_server_starting()
    {
        Assert.Equal(0, (await RunAsync("users", "list")).ExitCode); // migrates the fresh file
        await PlantLockRowAsync();

        var server = new AppServer(DatabasePath);
        try
        {
            // Before decision 0032 this start waited forever in EF Core's lock loop; bounded here so a regression fails.
            await Task.Run(server.InitializeAsync).WaitAsync(TimeSpan.FromSeconds(60));
            using var http = server.CreateHttpClient();
            using var health = await http.GetAsync("/health");
            Assert.Equal((System.Net.HttpStatusCode.OK, "Healthy"), (health.StatusCode, await health.Content.ReadAsStringAsync()));
            Assert.Equal(0, await CountLockRowsAsync());
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task With_nothing_pending_a_start_takes_no_migration_lock()
    {
        Assert.Equal(0, (await RunAsync("users", "list")).ExitCode);
        using var held = DatabaseFileLock.TryAcquire(DatabaseFileLock.MigrationLockPath(DatabasePath), exclusive: true);
        Assert.NotNull(held);

        var run = await RunAsync(["users", "list"], lockWaitSeconds: 1);

        Assert.Equal((0, "NAME  DISPLAY NAME  ADMIN  LOCKED OUT\n", ""), (run.ExitCode, run.Out, run.Error));
    }

    [Fact]
    public async Task A_start_that_must_wait_for_another_migrator_says_so_and_gives_up_with_the_lock_file_named()
    {
        var lockPath = DatabaseFileLock.MigrationLockPath(DatabasePath);
        using var held = DatabaseFileLock.TryAcquire(lockPath, exclusive: true);
        Assert.NotNull(held);

        var run = await RunAsync(["users", "list"], lockWaitSeconds: 1);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"Waiting for another process to finish migrating {DatabasePath} (lock file {lockPath}", run.Error, StringComparison.Ordinal);
        Assert.Contains($"error: Gave up after 1 s waiting for the lock file {lockPath}: another process holds it.", run.Error, StringComparison.Ordinal);
        await using var check = CreateDbContext();
        Assert.NotEmpty(await check.Database.GetPendingMigrationsAsync()); // it did not migrate behind the holder's back
    }

    [Fact]
    public async Task The_migration_file_lock_is_exclusive_and_the_in_use_lock_is_shared_but_excludes_an_exclusive_holder()
    {
        var migrate = DatabaseFileLock.MigrationLockPath(DatabasePath);
        using (var first = DatabaseFileLock.TryAcquire(migrate, exclusive: true))
        {
            Assert.NotNull(first);
            Assert.Null(DatabaseFileLock.TryAcquire(migrate, exclusive: true));
        }
        using (var again = DatabaseFileLock.TryAcquire(migrate, exclusive: true)) Assert.NotNull(again);

        var inUse = DatabaseFileLock.InUseLockPath(DatabasePath);
        using (var server = DatabaseFileLock.TryAcquire(inUse, exclusive: false))
        using (var command = DatabaseFileLock.TryAcquire(inUse, exclusive: false))
        {
            Assert.NotNull(server);
            Assert.NotNull(command);
            Assert.Null(DatabaseFileLock.TryAcquire(inUse, exclusive: true));
        }
        using var restore = DatabaseFileLock.TryAcquire(inUse, exclusive: true);
        Assert.NotNull(restore);
        Assert.Null(DatabaseFileLock.TryAcquire(inUse, exclusive: false));
    }

    private async Task<CommandRun> RunAsync(string[] args, int lockWaitSeconds)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var settings = new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{DataServiceExtensions.ConnectionStringName}"] = ConnectionString,
            ["Database:LockWaitSeconds"] = lockWaitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var code = await Web.CommandLine.CommandLineHost.RunAsync(args, new StringReader(""), output, error, settings, CancellationToken.None);
        return new CommandRun(code, output.ToString(), error.ToString());
    }

    // What EF Core's SQLite lock leaves when its holder is killed: the table and its one row.
    private async Task PlantLockRowAsync()
    {
        await using var connection = new SqliteConnection($"{ConnectionString};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS "__EFMigrationsLock" ("Id" INTEGER NOT NULL CONSTRAINT "PK___EFMigrationsLock" PRIMARY KEY, "Timestamp" TEXT NOT NULL);
            INSERT INTO "__EFMigrationsLock" ("Id", "Timestamp") VALUES (1, '2026-12-01 07:59:58');
            """;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> CountLockRowsAsync()
    {
        await using var connection = new SqliteConnection($"{ConnectionString};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM \"__EFMigrationsLock\"";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
