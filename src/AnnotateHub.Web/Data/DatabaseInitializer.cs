using AnnotateHub.Web.Features.Corpus;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Data;

public sealed class SeedOptions
{
    public const string Section = "Seed";
    /// <summary>Folder of .txt articles imported into the demo project; relative paths resolve against the app's base directory.</summary>
    public string Directory { get; set; } = "seeds";
    public string ProjectName { get; set; } = "Ain al-Asad attacks (demo)";
    public string AdminUserName { get; set; } = "admin";
    /// <summary>When empty, the first run makes a random password and prints it once.</summary>
    public string? AdminPassword { get; set; }
}

/// <summary>Applies migrations, makes the first admin and imports the demo corpus, before the app takes requests.</summary>
public sealed class DatabaseInitializer(IServiceProvider services, Microsoft.Extensions.Options.IOptions<SeedOptions> options, ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        using var scope = services.CreateScope();
        var sp = scope.ServiceProvider;
        await MigrateAsync(sp.GetRequiredService<IDbContextFactory<AnnotateHubDbContext>>(), ct);

        var adminId = await EnsureAdminAsync(sp);
        var importer = sp.GetRequiredService<TextDocumentImporter>();
        var seedDir = ResolveSeedDirectory(options.Value.Directory);
        if (seedDir is null)
        {
            logger.LogWarning("No seed folder found at {Directory}; the demo project is not imported", options.Value.Directory);
            return;
        }
        var projectId = await importer.EnsureProjectAsync(options.Value.ProjectName, adminId,
            "Five news reports of attacks on the Ain al-Asad air base, with conflicting casualty figures and claims.", ct);
        var files = System.IO.Directory.GetFiles(seedDir, "*.txt").Select(f => new TextFile(Path.GetFileName(f), File.ReadAllText(f)));
        var summary = await importer.ImportAsync(projectId, files, ct);
        if (summary.Imported > 0) logger.LogInformation("Imported {Count} demo articles from {Directory}", summary.Imported, seedDir);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>Brings the schema up to date; also run by the command line, which does not start the web host.</summary>
    public static async Task MigrateAsync(IDbContextFactory<AnnotateHubDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.MigrateAsync(ct);
        if (db.Database.IsSqlite())
        {
            // Write-ahead logging: readers never block the writer, and a commit costs one fsync, not several.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", ct);
        }
    }

    private async Task<string> EnsureAdminAsync(IServiceProvider sp)
    {
        var users = sp.GetRequiredService<UserManager<AppUser>>();
        var roles = sp.GetRequiredService<RoleManager<IdentityRole>>();
        if (!await roles.RoleExistsAsync(LabelService.AdminRole))
            Check(await roles.CreateAsync(new IdentityRole(LabelService.AdminRole)));

        var name = options.Value.AdminUserName;
        var admin = await users.FindByNameAsync(name);
        if (admin is not null) return admin.Id;

        var password = string.IsNullOrEmpty(options.Value.AdminPassword) ? PasswordGenerator.Generate() : options.Value.AdminPassword;
        admin = new AppUser { UserName = name, DisplayName = "Administrator", EmailConfirmed = true };
        Check(await users.CreateAsync(admin, password));
        Check(await users.AddToRoleAsync(admin, LabelService.AdminRole));
        if (string.IsNullOrEmpty(options.Value.AdminPassword))
        {
            // Printed once, on the run that creates the account; it is not stored anywhere in clear.
            Console.WriteLine();
            Console.WriteLine("==================================================================");
            Console.WriteLine($"  First run: sign in as '{name}' with password: {password}");
            Console.WriteLine("==================================================================");
            Console.WriteLine();
        }
        return admin.Id;
    }

    private static string? ResolveSeedDirectory(string configured)
    {
        if (Path.IsPathRooted(configured)) return System.IO.Directory.Exists(configured) ? configured : null;
        var candidate = Path.Combine(AppContext.BaseDirectory, configured);
        return System.IO.Directory.Exists(candidate) ? candidate : null;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
    }
}
