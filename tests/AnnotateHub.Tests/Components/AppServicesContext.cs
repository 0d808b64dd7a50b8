using System.Security.Claims;
using AnnotateHub.Core.Documents;
using AnnotateHub.Core.Labels;
using AnnotateHub.Core.Projects;
using AnnotateHub.Core.Text;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AnnotateHub.Tests.Components;

/// <summary>
/// Hosts components over the app's feature services on a real SQLite file migrated like the app's, with two users:
/// Ana (signed in) and Bob. What a context seeds beyond the users it adds in <see cref="SeedAsync"/>, usually with
/// <see cref="AddProjectAsync"/>. Shared by <see cref="DocumentPageContext"/> and <see cref="PanelContext"/>.
/// </summary>
public abstract class AppServicesContext : MudBunitContext, IAsyncLifetime
{
    private readonly string _dbPath = Path.Combine(Path.GetTempPath(), $"annotatehub-bunit-{Guid.NewGuid():N}.db");

    protected AppServicesContext()
    {
        DefaultWaitTimeout = TimeSpan.FromSeconds(10);
        Ana = new AppUser { UserName = "ana", NormalizedUserName = "ANA", DisplayName = "Ana", SecurityStamp = Guid.NewGuid().ToString() };
        Bob = new AppUser { UserName = "bob", NormalizedUserName = "BOB", DisplayName = "Bob", SecurityStamp = Guid.NewGuid().ToString() };

        // As Data/DataServiceExtensions.cs and Features/FeatureServiceExtensions.cs register them; an empty configuration
        // leaves every limit at its default.
        Services.AddLogging();
        Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        Services.AddSqliteDbContextFactory($"Data Source={_dbPath};Pooling=False");
        Services.AddSingleton(TimeProvider.System);
        Services.AddAnnotationServices();

        Authorization = AddAuthorization();
        SignIn(Ana);
    }

    private BunitAuthorizationContext Authorization { get; }

    protected AppUser Ana { get; }
    protected AppUser Bob { get; }

    /// <summary>Who the components see signed in from the next render on (Ana until a test says otherwise).</summary>
    protected void SignIn(AppUser user)
    {
        Authorization.SetAuthorized(user.UserName!);
        Authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, user.Id));
    }

    protected IDbContextFactory<AnnotateHubDbContext> DbFactory => Services.GetRequiredService<IDbContextFactory<AnnotateHubDbContext>>();

    public async Task InitializeAsync()
    {
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            await db.Database.MigrateAsync();
            db.Users.AddRange(Ana, Bob);
            await db.SaveChangesAsync();
        }
        await SeedAsync();
    }

    /// <summary>What the tests of this context start from, stored after the users.</summary>
    protected abstract Task SeedAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        // The context's own asynchronous disposal: some of MudBlazor's services (the popovers') dispose only asynchronously.
        await DisposeAsync();
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            File.Delete(_dbPath + suffix);
        }
    }

    /// <summary>Stores a project with the default labels and <paramref name="documents"/>: Ana supervises it, Bob annotates
    /// every document of it.</summary>
    protected async Task<Project> AddProjectAsync(string name, params Document[] documents)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var project = new Project { Name = name, OwnerId = Ana.Id, CreatedAt = DateTime.UtcNow };
        project.Labels.AddRange(LabelRules.Defaults.Select((l, i) => new LabelDefinition
        {
            Name = l.Name, Color = l.Color, Hotkey = l.Hotkey, Description = l.Description, SortOrder = i,
        }));
        project.Documents.AddRange(documents);
        db.Projects.Add(project);
        await db.SaveChangesAsync();
        db.ProjectMembers.AddRange(
            new ProjectMember { ProjectId = project.Id, UserId = Ana.Id, Role = ProjectRole.Supervisor },
            new ProjectMember { ProjectId = project.Id, UserId = Bob.Id, Role = ProjectRole.Annotator });
        db.Assignments.AddRange(documents.Select(d => new Assignment { DocumentId = d.Id, UserId = Bob.Id, ProjectId = project.Id }));
        await db.SaveChangesAsync();
        return project;
    }

    protected static Document NewDocument(string title, string text) => new()
    {
        Title = title, Text = text, Length = new CodePointIndex(text).Length, ContentHash = ArticleText.ContentHash(text),
        CreatedAt = DateTime.UtcNow,
    };
}
