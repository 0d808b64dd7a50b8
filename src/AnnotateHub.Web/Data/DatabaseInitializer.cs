using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Data;

/// <summary>
/// Before the app takes requests: marks the database as in use, applies pending migrations (under a file lock, clearing a
/// migration lock a killed process left: decision 0032), then runs the features' <see cref="IDatabaseSeeder"/>s in
/// registration order (the first admin, then the demo corpus: decision 0053). Each step survives being killed half-way:
/// the next start finds it undone or done, never half done.
/// </summary>
public sealed class DatabaseInitializer(IServiceProvider services, Microsoft.Extensions.Options.IOptions<DatabaseOptions> database,
    ILogger<DatabaseInitializer> logger) : IHostedService, IDisposable
{
    private DatabaseFileLock? _inUse;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var scope = services.CreateScope();
        var sp = scope.ServiceProvider;
        var dbFactory = sp.GetRequiredService<IDbContextFactory<AnnotateHubDbContext>>();
        _inUse = await HoldInUseLockAsync(dbFactory, logger, database.Value.LockWait, cancellationToken);
        await MigrateAsync(dbFactory, logger, database.Value.LockWait, cancellationToken);

        foreach (var seeder in sp.GetServices<IDatabaseSeeder>()) await seeder.SeedAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _inUse?.Dispose();
        _inUse = null;
    }

    /// <summary>
    /// The shared "in use" lock beside the database, held for as long as the caller keeps it: any number of servers and
    /// commands together, never while <c>restore</c> replaces the file. Null for a database that is not a file.
    /// </summary>
    public static async Task<DatabaseFileLock?> HoldInUseLockAsync(IDbContextFactory<AnnotateHubDbContext> dbFactory, ILogger logger, TimeSpan wait, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (SqliteFilePath(db) is not { } path) return null;
        var lockPath = DatabaseFileLock.InUseLockPath(path);
        return await DatabaseFileLock.AcquireAsync(lockPath, exclusive: false, wait,
            waited => logger.LogWarning("Waiting for {Database} to be released by a restore (lock file {LockFile}; {Seconds:0} s so far, giving up after {Limit:0} s)",
                path, lockPath, waited.TotalSeconds, wait.TotalSeconds), ct);
    }

    /// <summary>Brings the schema up to date; also run by the command line, which does not start the web host.</summary>
    public static Task MigrateAsync(IDbContextFactory<AnnotateHubDbContext> dbFactory, CancellationToken ct) =>
        MigrateAsync(dbFactory, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, DatabaseOptions.DefaultLockWait, ct);

    /// <summary>
    /// Applies pending migrations. Nothing pending and no leftover lock row: no lock at all (the common start). Otherwise
    /// under the exclusive migration file lock: a <c>__EFMigrationsLock</c> row still there can only be a dead process's
    /// (every migrator takes the file lock first), so it is deleted and logged; then EF Core migrates as usual.
    /// </summary>
    public static async Task MigrateAsync(IDbContextFactory<AnnotateHubDbContext> dbFactory, ILogger logger, TimeSpan lockWait, CancellationToken ct)
    {
        await MigrateSchemaAsync(dbFactory, logger, lockWait, ct);
        await FillTitleKeysAsync(dbFactory, logger, ct);
    }

    /// <summary>
    /// Gives every document written before titles had a sort key (decision 0087) its key, a thousand at a time, each batch
    /// committed: a start killed half-way leaves the rest for the next. With none missing it is one look into a filtered
    /// index. Any number of processes may do it at once: they write the same keys.
    /// </summary>
    public static async Task FillTitleKeysAsync(IDbContextFactory<AnnotateHubDbContext> dbFactory, ILogger logger, CancellationToken ct)
    {
        var filled = 0;
        // Bounded: each pass fills up to a batch of keys that were null, and a document's key is never null once set.
        for (var pass = 0; pass < 100_000; pass++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var batch = await db.Documents.IgnoreQueryFilters().Where(d => d.TitleKey == null).OrderBy(d => d.Id).Take(1000)
                .Select(d => new { d.Id, d.Title }).ToListAsync(ct);
            if (batch.Count == 0) break;
            await using (var tx = await db.Database.BeginTransactionAsync(ct))
            {
                foreach (var d in batch)
                {
                    var key = AnnotateHub.Core.Text.NaturalSortKey.Of(d.Title);
                    await db.Documents.IgnoreQueryFilters().Where(x => x.Id == d.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.TitleKey, key), ct);
                }
                await tx.CommitAsync(ct);
            }
            filled += batch.Count;
        }
        if (filled > 0) logger.LogInformation("Gave {Count} documents their title sort key", filled);
    }

    private static async Task MigrateSchemaAsync(IDbContextFactory<AnnotateHubDbContext> dbFactory, ILogger logger, TimeSpan lockWait, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!db.Database.IsSqlite())
        {
            await db.Database.MigrateAsync(ct);
            return;
        }
        // Write-ahead logging: readers never block the writer, and a commit costs one fsync, not several. The mode is
        // stored in the file, so this is a no-op after the first start; first, so migrating is logged the same way.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", ct);

        var path = SqliteFilePath(db);
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        var leftover = await ReadMigrationLockAsync(db, ct);
        if (pending.Count == 0 && leftover is null) return;

        using var fileLock = path is null ? null : await DatabaseFileLock.AcquireAsync(DatabaseFileLock.MigrationLockPath(path), exclusive: true, lockWait,
            waited => logger.LogWarning("Waiting for another process to finish migrating {Database} (lock file {LockFile}; {Seconds:0} s so far, giving up after {Limit:0} s)",
                path, DatabaseFileLock.MigrationLockPath(path), waited.TotalSeconds, lockWait.TotalSeconds), ct);

        // Read again under the lock: whoever held it may have migrated, or died half-way.
        leftover = await ReadMigrationLockAsync(db, ct);
        if (leftover is not null)
        {
            await db.Database.ExecuteSqlRawAsync("DELETE FROM \"__EFMigrationsLock\";", ct);
            logger.LogWarning("Cleared the migration lock left in {Database} by a process that stopped while migrating (taken at {Taken}); no other process is migrating it",
                path ?? "the database", leftover);
        }
        pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count == 0) return;
        logger.LogInformation("Applying {Count} migration(s) to {Database}: {Migrations}", pending.Count, path ?? "the database", string.Join(", ", pending));
        await db.Database.MigrateAsync(ct);
        logger.LogInformation("Migrated {Database} to {Migration}", path ?? "the database", pending[^1]);
    }

    /// <summary>The full path of a context's SQLite file, or null for an in-memory database.</summary>
    public static string? SqliteFilePath(AnnotateHubDbContext db)
    {
        if (!db.Database.IsSqlite()) return null;
        var csb = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db.Database.GetConnectionString());
        if (string.IsNullOrEmpty(csb.DataSource) || csb.DataSource == ":memory:" || csb.Mode == Microsoft.Data.Sqlite.SqliteOpenMode.Memory) return null;
        return Path.GetFullPath(csb.DataSource);
    }

    /// <summary>When EF Core's migration lock row exists, the time it was taken (as stored); else null.</summary>
    private static async Task<string?> ReadMigrationLockAsync(AnnotateHubDbContext db, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened) await connection.OpenAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsLock';";
            if (Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) == 0) return null;
            command.CommandText = "SELECT \"Timestamp\" FROM \"__EFMigrationsLock\" LIMIT 1;";
            return await command.ExecuteScalarAsync(ct) is { } taken and not DBNull ? Convert.ToString(taken, System.Globalization.CultureInfo.InvariantCulture) : null;
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
    }
}
