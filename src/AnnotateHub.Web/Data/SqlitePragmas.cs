using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AnnotateHub.Web.Data;

/// <summary>
/// Per-connection SQLite settings: wait for a busy writer instead of failing at once, and the durability level
/// (FULL: a commit is on disk before the user sees it saved; with WAL that costs one fsync per commit).
/// </summary>
public sealed class SqlitePragmas(string synchronous = "FULL") : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken ct = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = 5000; PRAGMA synchronous = {synchronous};";
        command.ExecuteNonQuery();
    }
}
