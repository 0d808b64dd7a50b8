using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AnnotateHub.Web.Data;

/// <summary>
/// Per-connection SQLite settings (docs/operations.md): wait up to 5 s for a busy writer instead of failing at once; the
/// durability level (FULL: a commit is on disk before the user sees it saved; with WAL that costs one fsync per commit);
/// and a WAL file that shrinks back to 64 MiB after a checkpoint once a large import has grown it.
/// WAL itself is a property of the file, set once at start-up (<see cref="DatabaseInitializer.MigrateAsync(Microsoft.EntityFrameworkCore.IDbContextFactory{AnnotateHubDbContext}, ILogger, TimeSpan, CancellationToken)"/>).
/// </summary>
public sealed class SqlitePragmas(string synchronous = DatabaseOptions.DefaultSynchronous) : DbConnectionInterceptor
{
    public const int BusyTimeoutMilliseconds = 5000;
    public const long JournalSizeLimitBytes = 64L * 1024 * 1024;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA synchronous = {synchronous}; PRAGMA journal_size_limit = {JournalSizeLimitBytes};";
        command.ExecuteNonQuery();
    }
}
