using AnnotateHub.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests;

public sealed class DatabaseTests(AppServer server) : IClassFixture<AppServer>
{
    [Trait("Database", "SqliteOnly")] // the command line, run against a SQLite file
    [Fact]
    public async Task Start_up_applies_the_migrations_to_the_sqlite_file()
    {
        Assert.True(File.Exists(server.DatabasePath), $"no database at {server.DatabasePath}");
        var applied = new List<string>();
        await using (var connection = new SqliteConnection($"Data Source={server.DatabasePath};Mode=ReadOnly;Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            // EnsureCreated would make the tables but never this history table.
            command.CommandText = "SELECT MigrationId FROM __EFMigrationsHistory ORDER BY MigrationId";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) applied.Add(reader.GetString(0));
        }

        await using var db = server.CreateDbContext();
        Assert.Contains(applied, id => id.EndsWith("_InitialSchema", StringComparison.Ordinal));
        Assert.Equal(db.Database.GetMigrations().ToList(), applied);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task Seeding_creates_the_demo_project_with_labels_articles_and_admin()
    {
        await using var db = server.CreateDbContext();
        var project = await db.Projects.Include(p => p.Labels).Include(p => p.Documents)
            .SingleAsync(p => p.Name == AppServer.DemoProjectName);
        var admin = await db.Users.SingleAsync(u => u.UserName == AppServer.AdminUserName);
        var adminRoles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == admin.Id select r.Name).ToListAsync();

        Assert.Equal(
            [("claim", "1"), ("actor", "2"), ("casualty figure", "3")],
            project.Labels.OrderBy(l => l.SortOrder).Select(l => (l.Name, l.Hotkey)).ToList());
        Assert.Equal(AppServer.SeedArticleCount, project.Documents.Count);
        Assert.Equal(admin.Id, project.OwnerId);
        Assert.Equal(["Admin"], adminRoles);
    }

    [Fact]
    public async Task Seeded_articles_carry_the_metadata_their_text_states()
    {
        await using var db = server.CreateDbContext();
        var projectId = await server.DemoProjectIdAsync();
        var docs = await db.Documents.Where(d => d.ProjectId == projectId).ToDictionaryAsync(d => d.SourceName![..3]);

        Assert.Equal("Rocket Op. Targets US-Occupied Base in Iraq, Several American Personnel Injured", docs["001"].Title);
        Assert.Equal(new DateOnly(2024, 11, 11), docs["001"].PublishedOn);
        Assert.Equal("Press TV", docs["000"].Outlet);
        Assert.Equal("Explainer: Why is Ain al-Assad US military base under Iraqi resistance attack again?", docs["000"].Title);
        Assert.Contains("at least ten US soldiers were injured", docs["000"].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seeded_article_length_counts_code_points()
    {
        await using var db = server.CreateDbContext();
        var projectId = await server.DemoProjectIdAsync();
        var docs = await db.Documents.Where(d => d.ProjectId == projectId).ToListAsync();

        Assert.All(docs, d => Assert.Equal(d.Text.EnumerateRunes().Count(), d.Length));
    }
}

/// <summary>Starting the app twice on one database must not seed twice.</summary>
public sealed class SeedingIdempotenceTests
{
    [Fact]
    public async Task Second_start_on_the_same_database_adds_nothing()
    {
        var folder = Path.Combine(Path.GetTempPath(), "annotatehub-it-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "twice.db");
        try
        {
            var first = new AppServer(path);
            await first.InitializeAsync();
            var firstAdminId = await first.AdminIdAsync();
            await first.DisposeAsync();

            var second = new AppServer(path);
            await second.InitializeAsync();
            try
            {
                await using var db = second.CreateDbContext();
                var projects = await db.Projects.Where(p => p.Name == AppServer.DemoProjectName).Select(p => p.Id).ToListAsync();
                var projectId = Assert.Single(projects);
                Assert.Equal(AppServer.SeedArticleCount, await db.Documents.CountAsync(d => d.ProjectId == projectId));
                Assert.Equal(3, await db.Labels.CountAsync(l => l.ProjectId == projectId));
                Assert.Equal(1, await db.Projects.CountAsync());
                var admins = await db.Users.Where(u => u.UserName == AppServer.AdminUserName).Select(u => u.Id).ToListAsync();
                Assert.Equal([firstAdminId], admins);
                Assert.Equal(1, await db.Roles.CountAsync(r => r.Name == "Admin"));
            }
            finally
            {
                await second.DisposeAsync();
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
