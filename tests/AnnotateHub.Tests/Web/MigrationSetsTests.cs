using AnnotateHub.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Tests.Web;

/// <summary>One model, one migration set per provider (decision 0066): each set is up to date with the model, and each
/// provider's context sees its own set only. No database is opened.</summary>
public sealed class MigrationSetsTests
{
    private static SqliteDbContext Sqlite() => new(new DbContextOptionsBuilder<SqliteDbContext>().UseSqlite("Data Source=:memory:").Options);

    private static PostgresDbContext Postgres() =>
        new(new DbContextOptionsBuilder<PostgresDbContext>().UseNpgsql("Host=127.0.0.1;Database=annotatehub_model_only").Options);

    [Fact]
    public void The_sqlite_migrations_have_no_pending_model_changes()
    {
        using var db = Sqlite();
        Assert.False(db.Database.HasPendingModelChanges(), "The model changed since the last SQLite migration: bash build/tasks.sh migration NAME");
    }

    [Fact]
    public void The_postgres_migrations_have_no_pending_model_changes()
    {
        using var db = Postgres();
        Assert.False(db.Database.HasPendingModelChanges(), "The model changed since the last PostgreSQL migration: bash build/tasks.sh migration NAME");
    }

    [Fact]
    public void Each_provider_has_its_own_migrations_only()
    {
        using var sqlite = Sqlite();
        using var postgres = Postgres();
        var sqliteSet = sqlite.Database.GetMigrations().ToList();
        var postgresSet = postgres.Database.GetMigrations().ToList();

        Assert.Contains(sqliteSet, m => m.EndsWith("_InitialSchema", StringComparison.Ordinal));
        Assert.Contains(postgresSet, m => m.EndsWith("_InitialPostgres", StringComparison.Ordinal));
        Assert.Empty(sqliteSet.Intersect(postgresSet));
        Assert.DoesNotContain(postgresSet, m => m.EndsWith("_InitialSchema", StringComparison.Ordinal));
    }
}
