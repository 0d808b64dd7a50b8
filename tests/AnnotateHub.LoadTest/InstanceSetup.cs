using Npgsql;

namespace AnnotateHub.LoadTest;

/// <summary>
/// The environment of servers started with --postgres / --redis / --instances: a fresh PostgreSQL database and a Redis
/// channel prefix unique to the run, so runs never share state; and the database's removal at the end.
/// </summary>
internal static class InstanceSetup
{
    /// <summary>Adds the provider, connection and Redis settings to <paramref name="environment"/> (a --server-env of the
    /// same key wins) and returns the database name and channel prefix it chose.</summary>
    public static (string? Database, string? ChannelPrefix) Environment(LoadOptions options, Dictionary<string, string> environment)
    {
        var run = Guid.NewGuid().ToString("N");
        string? database = null, prefix = null;
        if (options.Postgres is { } postgres)
        {
            database = $"annotatehub_load_{run}";
            var connection = new NpgsqlConnectionStringBuilder(postgres) { Database = database };
            environment.TryAdd("Database__Provider", "Postgres");
            environment.TryAdd("ConnectionStrings__AnnotateHub", connection.ConnectionString);
        }
        if (options.Redis is { } redis)
        {
            prefix = $"annotatehub-load-{run[..12]}";
            environment.TryAdd("Redis__Connection", redis);
            environment.TryAdd("Redis__ChannelPrefix", prefix);
        }
        return (database, prefix);
    }

    /// <summary>Drops the run's database (its servers are gone by now; FORCE ends any connection left over). Bounded to 30 s.</summary>
    public static async Task DropDatabaseAsync(string postgres, string database, TextWriter log)
    {
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var admin = new NpgsqlConnectionStringBuilder(postgres) { Database = "postgres", Pooling = false };
            await using var connection = new NpgsqlConnection(admin.ConnectionString);
            await connection.OpenAsync(limit.Token);
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync(limit.Token);
            log.WriteLine($"dropped database {database}");
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or InvalidOperationException)
        {
            log.WriteLine($"could not drop database {database}: {ex.Message}");
        }
    }
}
