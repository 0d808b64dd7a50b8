using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace AnnotateHub.Web.Features.Corpus;

/// <summary>The demo corpus's part of the <c>Seed</c> section of the configuration.</summary>
public sealed class DemoCorpusOptions
{
    public const string Section = "Seed";
    /// <summary>Folder of .txt articles imported into the demo project; relative paths resolve against the app's base directory.</summary>
    public string Directory { get; set; } = "seeds";
    public string ProjectName { get; set; } = "Ain al-Asad attacks (demo)";
}

/// <summary>
/// Imports the seed folder's articles into the demo project, owned by the first admin, skipping those it has already
/// (the importer's one transaction: all of a run's new files or none). Runs after <see cref="FirstAdminSeeder"/>.
/// </summary>
public sealed class DemoCorpusSeeder(TextDocumentImporter importer, UserManager<AppUser> users, IOptions<DemoCorpusOptions> options,
    IOptions<FirstAdminOptions> admin, ILogger<DemoCorpusSeeder> logger) : IDatabaseSeeder
{
    public async Task SeedAsync(CancellationToken ct)
    {
        var owner = await users.FindByNameAsync(admin.Value.AdminUserName)
            ?? throw new InvalidOperationException($"The demo project belongs to the first admin '{admin.Value.AdminUserName}', who does not exist: "
                + $"{nameof(FirstAdminSeeder)} must be registered before {nameof(DemoCorpusSeeder)}.");
        var seedDir = ResolveSeedDirectory(options.Value.Directory);
        if (seedDir is null)
        {
            logger.LogWarning("No seed folder found at {Directory}; the demo project is not imported", options.Value.Directory);
            return;
        }
        var projectId = await importer.EnsureProjectAsync(options.Value.ProjectName, owner.Id,
            "Five news reports of attacks on the Ain al-Asad air base, with conflicting casualty figures and claims.", ct);
        var files = System.IO.Directory.GetFiles(seedDir, "*.txt").Select(f => new TextFile(Path.GetFileName(f), File.ReadAllText(f)));
        var summary = await importer.ImportAsync(projectId, files, ct);
        if (summary.Imported > 0) logger.LogInformation("Imported {Count} demo articles from {Directory}", summary.Imported, seedDir);
    }

    private static string? ResolveSeedDirectory(string configured)
    {
        if (Path.IsPathRooted(configured)) return System.IO.Directory.Exists(configured) ? configured : null;
        var candidate = Path.Combine(AppContext.BaseDirectory, configured);
        return System.IO.Directory.Exists(candidate) ? candidate : null;
    }
}
