using Microsoft.AspNetCore.SignalR.Client;
using System.Net;
using AnnotateHub.Web.Data;
using AnnotateHub.Core.Projects;
using AnnotateHub.Web.Features.Corpus;
using AnnotateHub.Web.Features.Projects;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AnnotateHub.IntegrationTests.Infrastructure;

/// <summary>
/// The real app on Kestrel at a free loopback port, with its own SQLite file in a temp folder.
/// One instance per test class (or collection); tests that need two starts on one file pass the path.
/// </summary>
public sealed class AppServer : IAsyncLifetime
{
    public const string AdminUserName = "admin";
    public const string AdminPassword = "Test-Admin-pw-1234";
    /// <summary>The password of every user made by <see cref="CreateUserAsync"/>.</summary>
    public const string AnnotatorPassword = "Annotator-pw-1234";
    public const string DemoProjectName = "Ain al-Asad attacks (demo)";
    public const int SeedArticleCount = 5;

    private readonly bool _ownsDirectory;
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;
    private AppFactory? _factory;

    public AppServer() : this(settings: new Dictionary<string, string?>())
    {
    }

    /// <summary>A server whose configuration has <paramref name="settings"/> on top (e.g. a low rate limit), and whose
    /// services <paramref name="services"/> may replace (e.g. with a counting decorator).</summary>
    internal AppServer(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        _settings = settings;
        _services = services;
        Directory = Path.Combine(Path.GetTempPath(), "annotatehub-it-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        DatabasePath = Path.Combine(Directory, "test.db");
        _ownsDirectory = true;
    }

    /// <summary>A server on an existing database file (on PostgreSQL: the database named after it); the caller owns (and
    /// deletes) its folder.</summary>
    internal AppServer(string databasePath, IReadOnlyDictionary<string, string?>? settings = null)
    {
        _settings = settings ?? new Dictionary<string, string?>();
        DatabasePath = databasePath;
        Directory = Path.GetDirectoryName(databasePath)!;
        _ownsDirectory = false;
    }

    /// <summary>Set (a connection string without a database, e.g. "Host=127.0.0.1;Port=55432;Username=postgres") when the
    /// suite runs on PostgreSQL: each server then has a database of its own, named after its file path.</summary>
    public static string? PostgresServer => Environment.GetEnvironmentVariable("ANNOTATEHUB_TEST_POSTGRES") is { Length: > 0 } value ? value : null;

    /// <summary>The database this server's app uses: its SQLite file, or on PostgreSQL a database named after that path.</summary>
    public string ConnectionString => PostgresServer is { } server ? $"{server};Database={PostgresDatabase}" : $"Data Source={DatabasePath}";

    private string PostgresDatabase => PostgresDatabaseFor(DatabasePath);

    private static string PostgresDatabaseFor(string databasePath) =>
        "ah_it_" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(databasePath)))[..24].ToLowerInvariant();

    /// <summary>On PostgreSQL, drops the database that servers on <paramref name="databasePath"/> used (nothing on SQLite,
    /// where the file goes with its folder).</summary>
    public static async Task DropPostgresDatabaseAsync(string databasePath)
    {
        if (PostgresServer is not { } server) return;
        Npgsql.NpgsqlConnection.ClearAllPools();
        await using var admin = new Npgsql.NpgsqlConnection($"{server};Database=postgres");
        await admin.OpenAsync();
        await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS \"{PostgresDatabaseFor(databasePath)}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    public string Directory { get; }
    public string DatabasePath { get; }
    public Uri BaseAddress { get; private set; } = null!;
    public IServiceProvider Services => (_factory ?? throw new InvalidOperationException("The server has not started.")).Services;

    public Task InitializeAsync()
    {
        _factory = new AppFactory(ConnectionString, _settings, _services);
        _factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _factory.StartServer();
        var addresses = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.Single());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null) await _factory.DisposeAsync();
        // Pooled connections keep the file open; close them before deleting it.
        SqliteConnection.ClearAllPools();
        if (_ownsDirectory) await DropPostgresDatabaseAsync(DatabasePath);
        if (_ownsDirectory)
        {
            try { System.IO.Directory.Delete(Directory, recursive: true); }
            catch (IOException) { /* a leftover temp folder is harmless */ }
        }
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public AnnotateHubDbContext CreateDbContext() => Get<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContext();

    /// <summary>
    /// The app's origin ("http://127.0.0.1:PORT"), as its own pages send it in <c>Origin</c>. A test client that POSTs
    /// to /api with the sign-in cookie sends it too: a cookie request without it is refused as cross-site (decision 0045).
    /// </summary>
    public string Origin => BaseAddress.GetLeftPart(UriPartial.Authority);

    public HttpClient CreateHttpClient(bool allowAutoRedirect = true) =>
        new(new HttpClientHandler { AllowAutoRedirect = allowAutoRedirect, UseCookies = false }) { BaseAddress = BaseAddress };

    public async Task<string> AdminIdAsync()
    {
        await using var db = CreateDbContext();
        return await db.Users.Where(u => u.UserName == AdminUserName).Select(u => u.Id).SingleAsync();
    }

    public async Task<int> DemoProjectIdAsync()
    {
        await using var db = CreateDbContext();
        return await db.Projects.Where(p => p.Name == DemoProjectName).Select(p => p.Id).SingleAsync();
    }

    /// <summary>Creates a user through Identity (as the app would) and returns its id.</summary>
    public async Task<string> CreateUserAsync(string userName)
    {
        using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = userName, DisplayName = userName };
        var result = await users.CreateAsync(user, AnnotatorPassword);
        if (!result.Succeeded) throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
        return user.Id;
    }

    /// <summary>Makes a user a member of a project (as a supervisor would) and, by default, assigns an annotator every
    /// document the project has now.</summary>
    public async Task AddMemberAsync(string userId, int projectId, ProjectRole role = ProjectRole.Annotator, bool assignAll = true)
    {
        await using (var db = CreateDbContext())
        {
            var existing = await db.ProjectMembers.FirstOrDefaultAsync(m => m.ProjectId == projectId && m.UserId == userId);
            if (existing is null) db.ProjectMembers.Add(new ProjectMember { ProjectId = projectId, UserId = userId, Role = role, AddedAt = DateTime.UtcNow });
            else existing.Role = role;
            if (role == ProjectRole.Annotator && assignAll)
            {
                var assigned = await db.Assignments.Where(a => a.ProjectId == projectId && a.UserId == userId).Select(a => a.DocumentId).ToListAsync();
                var documents = await db.Documents.Where(d => d.ProjectId == projectId && !assigned.Contains(d.Id)).Select(d => d.Id).ToListAsync();
                db.Assignments.AddRange(documents.Select(d => new Assignment { DocumentId = d, UserId = userId, ProjectId = projectId, AssignedAt = DateTime.UtcNow }));
            }
            await db.SaveChangesAsync();
        }
        Get<ProjectAccess>().Invalidate(projectId);
    }

    public async Task<int> ProjectOfAsync(int documentId)
    {
        await using var db = CreateDbContext();
        return await db.Documents.Where(d => d.Id == documentId).Select(d => d.ProjectId).SingleAsync();
    }

    /// <summary>Assigns one document to an annotator who is already a member.</summary>
    public async Task AssignAsync(string userId, int documentId)
    {
        await using var db = CreateDbContext();
        var projectId = await db.Documents.Where(d => d.Id == documentId).Select(d => d.ProjectId).SingleAsync();
        db.Assignments.Add(new Assignment { DocumentId = documentId, UserId = userId, ProjectId = projectId, AssignedAt = DateTime.UtcNow });
        await db.SaveChangesAsync();
        Get<ProjectAccess>().Invalidate(projectId);
    }

    /// <summary>A new project with the default labels, so a test's documents and change log are its own.</summary>
    public async Task<int> CreateProjectAsync(string name)
    {
        return await Get<TextDocumentImporter>().EnsureProjectAsync(name, await AdminIdAsync(), description: null);
    }

    /// <summary>Imports one text through the real importer and returns the new document's id.</summary>
    public async Task<int> ImportDocumentAsync(int projectId, string text, string? fileName = null)
    {
        fileName ??= $"test-{Guid.NewGuid():N}.txt";
        var summary = await Get<TextDocumentImporter>().ImportAsync(projectId, [new TextFile(fileName, text)]);
        if (summary.Imported != 1) throw new InvalidOperationException($"Expected to import 1 document, imported {summary.Imported}.");
        await using var db = CreateDbContext();
        return await db.Documents.Where(d => d.ProjectId == projectId && d.SourceName == fileName).Select(d => d.Id).SingleAsync();
    }

    /// <summary>Signs in through the real login form and returns the sign-in cookie ("name=value").</summary>
    public async Task<string> SignInCookieAsync(string userName, string password)
    {
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        var form = await http.GetStringAsync("/Account/Login");
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var response = await http.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.UserName"] = userName, ["Input.Password"] = password, ["__RequestVerificationToken"] = token, ["_handler"] = "login",
        }));
        var cookie = cookies.GetCookies(BaseAddress).FirstOrDefault(c => c.Name == ".AspNetCore.Identity.Application")
            ?? throw new InvalidOperationException($"Signing in as {userName} failed ({(int)response.StatusCode}).");
        return $"{cookie.Name}={cookie.Value}";
    }

    /// <summary>A started SignalR connection to the annotation hub, signed in with the user's cookie.</summary>
    /// <param name="path">The hub: the annotation hub unless told (the curation hub is <c>CurationHub.Path</c>).</param>
    public async Task<Microsoft.AspNetCore.SignalR.Client.HubConnection> ConnectToHubAsync(string userName = AdminUserName, string password = AdminPassword,
        string path = AnnotateHub.Web.Features.Annotations.AnnotationHub.Path)
    {
        var cookie = await SignInCookieAsync(userName, password);
        var connection = new Microsoft.AspNetCore.SignalR.Client.HubConnectionBuilder()
            .WithUrl(new Uri(BaseAddress, path), o =>
            {
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                o.Headers["Cookie"] = cookie;
            })
            .Build();
        await connection.StartAsync();
        return connection;
    }

    private sealed class AppFactory(string connectionString, IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services)
        : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            // Development so the static web assets of MudBlazor and the app resolve from the build output.
            builder.UseEnvironment("Development");
            builder.UseSetting($"ConnectionStrings:{DataServiceExtensions.ConnectionStringName}", connectionString);
            if (PostgresServer is not null) builder.UseSetting($"{DatabaseOptions.Section}:{nameof(DatabaseOptions.Provider)}", DatabaseOptions.PostgresProvider);
            builder.UseSetting("Seed:AdminPassword", AdminPassword);
            // The suites sign in as admin from 127.0.0.1 dozens of times a minute (and mistype on purpose now and then);
            // SignInLimitTests set their own low limits.
            builder.UseSetting("RateLimits:SignIn:PerAddress:PermitLimit", "100000");
            builder.UseSetting("RateLimits:SignIn:PerAccount:PermitLimit", "100000");
            builder.UseSetting("RateLimits:SignIn:PairFailuresBeforeDelay", "100000");
            builder.UseSetting("RateLimits:SignIn:AddressFailuresBeforeDelay", "100000");
            // Some suites send changes through the hub faster than a person; HubRateLimitTests set their own low limit.
            builder.UseSetting("RateLimits:Hub:BurstLimit", "1000000");
            builder.UseSetting("RateLimits:Hub:PerSecond", "1000000");
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
            builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
            if (services is not null) builder.ConfigureTestServices(services);
        }
    }
}
