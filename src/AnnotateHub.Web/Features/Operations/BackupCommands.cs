using AnnotateHub.Web.CommandLine;
using AnnotateHub.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Operations;

/// <summary>
/// <c>backup --output FILE</c>: a consistent copy of the app's SQLite database, taken while the server runs and users
/// write (docs/operations.md, decision 0038). It neither migrates nor seeds the database it copies.
/// </summary>
public sealed class BackupCommand : Command
{
    public override string Name => "backup";
    public override string Summary => "Copy the database to a file while the server runs (a consistent snapshot; users keep working).";
    public override bool PreparesDatabase => false;

    public override IReadOnlyList<CommandOption> Options =>
    [
        new("--output", "FILE", "the backup file to write (it appears only once complete and checked)"),
        new("--force", null, "replace FILE if it exists"),
    ];

    public override async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var target = context.PathOption("--output") ?? throw new CommandUsageException("--output FILE is required.");
        var database = await BackupSupport.DatabasePathAsync(context, ct);
        if (database is null) return context.Refuse(["backup copies a SQLite database file; this app's connection string names none."]);
        if (!File.Exists(database)) return context.Refuse([$"there is no database at {database} to back up."]);
        if (string.Equals(target, database, StringComparison.Ordinal)) return context.Refuse(["--output is the database itself; name another file."]);
        if (Directory.Exists(target)) return context.Refuse([$"{target} is a folder; name a file in it."]);
        if (File.Exists(target) && !context.Arguments.Has("--force")) return context.Refuse([$"{target} exists; add --force to replace it."]);
        if (Path.GetDirectoryName(target) is { } folder && !Directory.Exists(folder)) return context.Refuse([$"the folder {folder} does not exist."]);

        // Shared, as a running server holds it: only a restore, which replaces the file, excludes a backup.
        using var inUse = DatabaseFileLock.TryAcquire(DatabaseFileLock.InUseLockPath(database), exclusive: false);
        if (inUse is null) return context.Refuse([$"a restore is replacing {database}; back up once it has finished."]);

        SqliteBackup.Contents contents;
        try
        {
            contents = await Task.Run(() => SqliteBackup.Copy(database, target), ct);
        }
        catch (Exception e) when (e is InvalidDataException or Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            return context.Refuse([$"the backup failed and {target} was not written: {e.Message}"]);
        }
        context.Out.WriteLine($"Backed up {database} to {target} ({SqliteBackup.Size(new FileInfo(target).Length)}): " +
            $"{contents.Rows.Count} tables, {contents.TotalRows} rows, schema {contents.LatestMigration ?? "(none)"}.");
        context.Out.WriteLine(BackupSupport.Summary(contents));
        return ExitCodes.Ok;
    }
}

/// <summary>
/// <c>restore --input FILE</c>: replaces the app's database with a backup, with every server and command using it
/// stopped (it takes the "in use" lock exclusively). The database it replaces is kept beside it first.
/// </summary>
public sealed class RestoreCommand : Command
{
    public override string Name => "restore";
    public override string Summary => "Replace the database with a backup file (stop the server first; the current database is kept beside it).";
    public override bool PreparesDatabase => false;

    public override IReadOnlyList<CommandOption> Options =>
    [
        new("--input", "FILE", "the backup file (made by 'backup')"),
    ];

    public override async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var source = context.PathOption("--input") ?? throw new CommandUsageException("--input FILE is required.");
        var database = await BackupSupport.DatabasePathAsync(context, ct);
        if (database is null) return context.Refuse(["restore writes a SQLite database file; this app's connection string names none."]);
        if (string.Equals(source, database, StringComparison.Ordinal)) return context.Refuse(["--input is the database itself; name a backup file."]);

        SqliteBackup.Contents backup;
        try
        {
            backup = SqliteBackup.Check(source);
        }
        catch (InvalidDataException e)
        {
            return context.Refuse([$"{e.Message} Nothing was changed."]);
        }
        var known = BackupSupport.KnownMigrations(context);
        var unknown = backup.Migrations.Where(m => !known.Contains(m, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
            return context.Refuse([$"the backup was made by a newer AnnotateHub (its schema has {string.Join(", ", unknown)}, which this version does not know). Restore it with that version or a later one. Nothing was changed."]);

        // Exclusive: no server or command has the database open, and none can open it until the restore is done.
        using var inUse = DatabaseFileLock.TryAcquire(DatabaseFileLock.InUseLockPath(database), exclusive: true);
        if (inUse is null)
        {
            return context.Refuse([$"{database} is in use by a running server or command (lock file {DatabaseFileLock.InUseLockPath(database)}). " +
                "Stop every AnnotateHub server and command using it, then restore again. Nothing was changed."]);
        }
        using var migrating = DatabaseFileLock.TryAcquire(DatabaseFileLock.MigrationLockPath(database), exclusive: true);
        if (migrating is null) return context.Refuse([$"another process is migrating {database}; nothing was changed."]);

        string? kept = null;
        try
        {
            if (File.Exists(database))
            {
                // Nothing anyone saved is lost by a restore run by mistake: the database it replaces is kept, whole.
                kept = $"{database}.before-restore-{DateTime.UtcNow:yyyyMMdd-HHmmss}";
                await Task.Run(() => SqliteBackup.Copy(database, kept), ct);
            }
            await Task.Run(() => SqliteBackup.Overwrite(source, database), ct);
            var restored = SqliteBackup.Check(database);
            if (!restored.Rows.OrderBy(r => r.Key, StringComparer.Ordinal).SequenceEqual(backup.Rows.OrderBy(r => r.Key, StringComparer.Ordinal)))
                throw new InvalidDataException("the restored database does not hold the backup's rows.");
        }
        catch (Exception e) when (e is InvalidDataException or Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            return context.Refuse([$"the restore failed: {e.Message}" + (kept is null ? "" : $" The database as it was before is kept at {kept}.")]);
        }

        context.Out.WriteLine($"Restored {database} from {source}: {backup.Rows.Count} tables, {backup.TotalRows} rows, schema {backup.LatestMigration ?? "(none)"}.");
        context.Out.WriteLine(BackupSupport.Summary(backup));
        if (kept is not null) context.Out.WriteLine($"The database it replaced is kept at {kept}.");
        var pending = known.Count(m => !backup.Migrations.Contains(m, StringComparer.Ordinal));
        if (pending > 0) context.Out.WriteLine($"The backup's schema is older than this version's: the next start applies {pending} migration(s).");
        return ExitCodes.Ok;
    }
}

internal static class BackupSupport
{
    public static async Task<string?> DatabasePathAsync(CommandContext context, CancellationToken ct)
    {
        await using var db = await context.Services.GetRequiredService<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContextAsync(ct);
        return DatabaseInitializer.SqliteFilePath(db);
    }

    public static IReadOnlyList<string> KnownMigrations(CommandContext context)
    {
        using var db = context.Services.GetRequiredService<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContext();
        return db.Database.GetMigrations().ToList();
    }

    /// <summary>The rows people care about, in one line: "projects 2, documents 5, annotations 40, ...".</summary>
    public static string Summary(SqliteBackup.Contents contents)
    {
        var named = new (string Table, string Name)[]
        {
            ("Projects", "projects"), ("Documents", "documents"), ("Annotations", "annotations"), ("GoldAnnotations", "gold spans"),
            ("Suggestions", "suggestions"), ("AspNetUsers", "users"), ("DocumentChanges", "changes"),
        };
        return "  " + string.Join(", ", named.Where(n => contents.Rows.ContainsKey(n.Table)).Select(n => $"{n.Name} {contents.Rows[n.Table]}"));
    }
}
