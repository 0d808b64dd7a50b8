using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Data;

/// <summary>The <c>Database</c> section of the configuration (docs/operations.md, decisions 0004 and 0032).</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";
    public const string DefaultSynchronous = "FULL";
    public static readonly TimeSpan DefaultLockWait = TimeSpan.FromMinutes(5);

    /// <summary>SQLite's <c>PRAGMA synchronous</c>: FULL (a commit is on disk before it is acknowledged) or NORMAL.</summary>
    public string SqliteSynchronous { get; set; } = DefaultSynchronous;

    /// <summary>How long a start waits for another process's migration (or a restore) before giving up with a message.</summary>
    public int LockWaitSeconds { get; set; } = (int)DefaultLockWait.TotalSeconds;

    public TimeSpan LockWait => TimeSpan.FromSeconds(Math.Max(0, LockWaitSeconds));

    /// <summary><c>Sqlite</c> (the default: a file beside the app) or <c>Postgres</c> (<c>ConnectionStrings:AnnotateHub</c>
    /// names the server and database).</summary>
    public string Provider { get; set; } = SqliteProvider;

    public const string SqliteProvider = "Sqlite";
    public const string PostgresProvider = "Postgres";
}

public static class DataServiceExtensions
{
    public const string ConnectionStringName = "AnnotateHub";

    /// <summary>EF Core on SQLite (a file next to the app unless configured), Identity on EF Core, and start-up migration
    /// (then the features' <see cref="IDatabaseSeeder"/>s).</summary>
    public static IHostApplicationBuilder AddAnnotateHubData(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<DatabaseOptions>(builder.Configuration.GetSection(DatabaseOptions.Section));
        var provider = builder.Configuration[$"{DatabaseOptions.Section}:{nameof(DatabaseOptions.Provider)}"] ?? DatabaseOptions.SqliteProvider;
        if (string.Equals(provider, DatabaseOptions.PostgresProvider, StringComparison.OrdinalIgnoreCase)) AddPostgres(builder);
        else if (string.Equals(provider, DatabaseOptions.SqliteProvider, StringComparison.OrdinalIgnoreCase)) AddSqlite(builder);
        else throw new InvalidOperationException($"Database:Provider must be {DatabaseOptions.SqliteProvider} or {DatabaseOptions.PostgresProvider}, not '{provider}'.");
        builder.Services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContext());
        AddIdentity(builder);
        // One key ring for every instance on this database: a cookie or antiforgery token from one works on the others
        // (decision 0067). The keys are as safe as the database is.
        builder.Services.AddDataProtection().SetApplicationName("AnnotateHub").PersistKeysToDbContext<AnnotateHubDbContext>();
        // First of the hosted services (hosts start them in order), even of those registered before this (data protection's
        // key ring prefetch among them): the others, and the seeders it runs (decision 0053), find the schema up to date.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, DatabaseInitializer>());
        builder.Services.AddSingleton<TimeProvider>(MicrosecondClock.Instance);
        return builder;
    }

    /// <summary>PostgreSQL through Npgsql, the same model with its own migrations (<see cref="PostgresDbContext"/>).</summary>
    private static void AddPostgres(IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException($"Database:Provider is {DatabaseOptions.PostgresProvider}: set ConnectionStrings:{ConnectionStringName} to the server and database, e.g. \"Host=127.0.0.1;Port=5432;Database=annotatehub;Username=annotatehub;Password=...\".");
        // Timestamps are stored as SQLite stores them, without a time zone (every one is UTC): decision 0065.
        PostgresDbContext.UseTimestampsWithoutTimeZone();
        builder.Services.AddPooledDbContextFactory<PostgresDbContext>(o => o.UseNpgsql(connectionString)
            .ConfigureWarnings(w => w.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.PossibleIncorrectRequiredNavigationWithQueryFilterInteractionWarning)));
        builder.Services.AddSingleton<IDbContextFactory<AnnotateHubDbContext>>(sp => new UpcastDbContextFactory<PostgresDbContext>(sp.GetRequiredService<IDbContextFactory<PostgresDbContext>>()));
    }

    private static void AddSqlite(IHostApplicationBuilder builder)
    {
        var connectionString = ResolveSqlite(builder.Configuration.GetConnectionString(ConnectionStringName) ?? "Data Source=annotatehub.db",
            builder.Environment.ContentRootPath);
        var synchronous = builder.Configuration[$"{DatabaseOptions.Section}:{nameof(DatabaseOptions.SqliteSynchronous)}"] ?? DatabaseOptions.DefaultSynchronous;
        // The value goes into a PRAGMA: only SQLite's own levels.
        if (!new[] { "OFF", "NORMAL", "FULL", "EXTRA" }.Contains(synchronous.ToUpperInvariant()))
            throw new InvalidOperationException($"Database:SqliteSynchronous must be OFF, NORMAL, FULL or EXTRA, not '{synchronous}'.");
        builder.Services.AddSqliteDbContextFactory(connectionString, synchronous);
    }

    /// <summary>The SQLite context factory as the app has it (pooled, its pragmas), handed out as
    /// <see cref="IDbContextFactory{AnnotateHubDbContext}"/>; also for hosts without the web app (benchmarks, component tests).</summary>
    public static IServiceCollection AddSqliteDbContextFactory(this IServiceCollection services, string connectionString, string synchronous = DatabaseOptions.DefaultSynchronous)
    {
        // Pooled: a context per operation is the rule (STYLE.md), and pooling makes each one cheap.
        services.AddPooledDbContextFactory<SqliteDbContext>(o => o.UseSqlite(connectionString).AddInterceptors(new SqlitePragmas(synchronous))
            // Documents reached through a hidden (import-pending) project are meant to disappear with it (decision 0030).
            .ConfigureWarnings(w => w.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.PossibleIncorrectRequiredNavigationWithQueryFilterInteractionWarning)));
        return services.AddSingleton<IDbContextFactory<AnnotateHubDbContext>>(sp => new UpcastDbContextFactory<SqliteDbContext>(sp.GetRequiredService<IDbContextFactory<SqliteDbContext>>()));
    }

    private static void AddIdentity(IHostApplicationBuilder builder)
    {
        builder.Services.AddIdentityCore<AppUser>(o =>
            {
                o.SignIn.RequireConfirmedAccount = false;
                o.User.RequireUniqueEmail = false;
                // Policy (docs/decisions/0012): at least 10 characters, upper, lower, digit and symbol (Identity's
                // defaults), 5 different characters; the Users feature adds its validator (not a common word or the user
                // name dressed up: UsersFeature.AddUsers).
                o.Password.RequiredLength = 10;
                o.Password.RequiredUniqueChars = 5;
                // Wrong passwords never lock an account (the sign-in page passes lockoutOnFailure: false and waits
                // grow per account and address instead, decision 0048): a lock is an admin's act only.
            })
            .AddRoles<IdentityRole>()
            // After AddRoles, which sets the roles' factory: this one adds the "must set a new password" claim.
            .AddClaimsPrincipalFactory<AppUserClaimsPrincipalFactory>()
            .AddEntityFrameworkStores<AnnotateHubDbContext>()
            .AddSignInManager<AppSignInManager>()
            .AddDefaultTokenProviders();
    }

    // A relative SQLite path is taken relative to the content root, not to whatever the current directory is.
    private static string ResolveSqlite(string connectionString, string contentRoot)
    {
        var csb = new SqliteConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(csb.DataSource) && csb.DataSource != ":memory:" && !Path.IsPathRooted(csb.DataSource))
        {
            csb.DataSource = Path.GetFullPath(Path.Combine(contentRoot, csb.DataSource));
        }
        var dir = Path.GetDirectoryName(csb.DataSource);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        return csb.ToString();
    }
}
