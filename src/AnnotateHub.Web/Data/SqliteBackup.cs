using System.Globalization;
using Microsoft.Data.Sqlite;

namespace AnnotateHub.Web.Data;

/// <summary>
/// Copies of the SQLite database through SQLite's online backup API (decision 0038): a copy is one read transaction,
/// so it is a consistent snapshot however many users write meanwhile (in WAL mode readers never block the writer),
/// and writing into a database is one write transaction, so a copy killed half-way leaves the target as it was.
/// Used by the <c>backup</c> and <c>restore</c> commands (docs/operations.md).
/// </summary>
public static class SqliteBackup
{
    /// <summary>What a database file holds: every table's row count and the newest migration applied.</summary>
    public sealed record Contents(IReadOnlyDictionary<string, long> Rows, IReadOnlyList<string> Migrations)
    {
        public long TotalRows => Rows.Values.Sum();
        public string? LatestMigration => Migrations.Count == 0 ? null : Migrations[^1];
    }

    /// <summary>
    /// Copies the live database at <paramref name="source"/> to a new self-contained file <paramref name="target"/>
    /// (rollback journal, no -wal file beside it), then checks the copy. The file appears at <paramref name="target"/>
    /// only once it is complete and checked.
    /// </summary>
    public static Contents Copy(string source, string target)
    {
        var partial = target + ".partial";
        File.Delete(partial);
        try
        {
            using (var from = Open(source, SqliteOpenMode.ReadOnly))
            using (var to = Open(partial, SqliteOpenMode.ReadWriteCreate))
            {
                from.BackupDatabase(to);
                // The copy keeps the source's WAL flag; a backup file should be one file that opens anywhere.
                Execute(to, "PRAGMA journal_mode = DELETE;");
            }
            var contents = Check(partial);
            File.Move(partial, target, overwrite: true);
            return contents;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(partial);
        }
    }

    /// <summary>
    /// Writes the whole of <paramref name="source"/> over the database at <paramref name="target"/> in one transaction of
    /// the target (created when missing). The caller holds the target exclusively: no server or command has it open.
    /// </summary>
    public static void Overwrite(string source, string target)
    {
        try
        {
            using var from = Open(source, SqliteOpenMode.ReadOnly);
            using var to = Open(target, SqliteOpenMode.ReadWriteCreate);
            from.BackupDatabase(to);
            // The restored file takes the backup's journal mode; the server's start sets WAL again (DatabaseInitializer).
            Execute(to, "PRAGMA journal_mode = WAL;");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }

    /// <summary>
    /// Opens <paramref name="path"/> read-only and checks it is a whole AnnotateHub database: a SQLite file that passes
    /// <c>PRAGMA integrity_check</c> and has EF Core's migration history. Throws <see cref="InvalidDataException"/> with the
    /// reason otherwise.
    /// </summary>
    public static Contents Check(string path)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"{path} does not exist.");
        try
        {
            using var connection = Open(path, SqliteOpenMode.ReadOnly);
            var problems = Query(connection, "PRAGMA integrity_check;", r => r.GetString(0)).ToList();
            if (problems is not ["ok"])
                throw new InvalidDataException($"{path} is damaged (SQLite integrity check: {string.Join("; ", problems.Take(3))}).");
            var tables = Query(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name;", r => r.GetString(0)).ToList();
            if (!tables.Contains("__EFMigrationsHistory"))
                throw new InvalidDataException($"{path} is a SQLite file but not an AnnotateHub database (it has no migration history).");
            var rows = tables.ToDictionary(t => t, t => Query(connection, $"SELECT count(*) FROM \"{t.Replace("\"", "\"\"", StringComparison.Ordinal)}\";", r => r.GetInt64(0)).Single(), StringComparer.Ordinal);
            var migrations = Query(connection, "SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\" ORDER BY \"MigrationId\";", r => r.GetString(0)).ToList();
            return new Contents(rows, migrations);
        }
        catch (SqliteException e)
        {
            throw new InvalidDataException($"{path} is not a readable SQLite database ({e.Message.TrimEnd('.')}).", e);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }

    /// <summary>A size for people: "12.3 MB".</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => (bytes / 1024d).ToString("0.#", CultureInfo.InvariantCulture) + " KB",
        < 1024L * 1024 * 1024 => (bytes / (1024d * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MB",
        _ => (bytes / (1024d * 1024 * 1024)).ToString("0.##", CultureInfo.InvariantCulture) + " GB",
    };

    private static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        // As the app does (SqlitePragmas): wait for a busy writer rather than fail at once.
        Execute(connection, $"PRAGMA busy_timeout = {SqlitePragmas.BusyTimeoutMilliseconds};");
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static IEnumerable<T> Query<T>(SqliteConnection connection, string sql, Func<SqliteDataReader, T> read)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        while (reader.Read()) yield return read(reader);
    }
}
