using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AnnotateHub.Web.Data;

/// <summary>
/// The app's context on SQLite (the default): the model of <see cref="AnnotateHubDbContext"/> with the migrations in
/// <c>Data/Migrations</c>. Each provider has a context type of its own because EF Core gives a context the migrations and
/// snapshot of its base types too: with the SQLite ones on the shared type, PostgreSQL would get them (decision 0066).
/// </summary>
public sealed class SqliteDbContext(DbContextOptions<SqliteDbContext> options) : AnnotateHubDbContext(options);

/// <summary>
/// The app's context on PostgreSQL: the same model as <see cref="AnnotateHubDbContext"/> (every feature still asks for
/// that type), with its own migrations in <c>Data/Migrations/Postgres</c>, generated from the same configurations
/// (decision 0066). <c>bash build/tasks.sh migration NAME</c> adds one to each provider.
/// </summary>
public sealed class PostgresDbContext(DbContextOptions<PostgresDbContext> options) : AnnotateHubDbContext(options)
{
    /// <summary>Timestamps are stored as SQLite stores them, without a time zone (every one the app writes is UTC), so a
    /// DateTime of any kind is written as it is: set before any model is built, at run time and by <c>dotnet ef</c> alike.</summary>
    public static void UseTimestampsWithoutTimeZone() => AppContext.SetSwitch("Npgsql.EnableLegacyTimestampBehavior", true);

    static PostgresDbContext() => UseTimestampsWithoutTimeZone();
}

/// <summary>What <c>dotnet ef</c> builds the SQLite migrations with: the model only, no file is opened.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteDbContext>
{
    public SqliteDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteDbContext>().UseSqlite("Data Source=annotatehub-design.db").Options);
}

/// <summary>What <c>dotnet ef</c> builds the PostgreSQL migrations with: the model only, no connection is opened.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresDbContext>
{
    public PostgresDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresDbContext>().UseNpgsql("Host=localhost;Database=annotatehub_design").Options);
}

/// <summary>Hands out the provider's context as the type every feature asks for.</summary>
internal sealed class UpcastDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<AnnotateHubDbContext>
    where TContext : AnnotateHubDbContext
{
    public AnnotateHubDbContext CreateDbContext() => inner.CreateDbContext();

    public async Task<AnnotateHubDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
        await inner.CreateDbContextAsync(cancellationToken);
}
