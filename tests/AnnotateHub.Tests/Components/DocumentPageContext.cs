using AnnotateHub.Core.Projects;
using AnnotateHub.Web.Features;
using System.Security.Claims;
using AnnotateHub.Core.Documents;
using AnnotateHub.Core.Labels;
using AnnotateHub.Core.Text;
using AnnotateHub.Tests.Support;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Documents;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AnnotateHub.Tests.Components;

/// <summary>
/// Hosts <see cref="DocumentPage"/> on a real SQLite file migrated like the app's, with the app's feature services,
/// two users (Ana, signed in, and Bob), a project with the default labels, seed 000 and a short document whose
/// emoji make code-point and UTF-16 offsets differ.
/// </summary>
public abstract class DocumentPageContext : MudBunitContext, IAsyncLifetime
{
    /// <summary>Three lines (paragraphs) with two surrogate pairs in the first.</summary>
    protected const string EmojiText =
        "Rocket attack 👍🏽 on the base 🇮🇶\n" +
        "Officials said at least ten US soldiers were injured, some of them critically.\n" +
        "Arabic: قاعدة عين الأسد; Chinese: 基地遭到火箭袭击; combining: cafe\u0301 closed.";

    private readonly string _dbPath = Path.Combine(Path.GetTempPath(), $"annotatehub-bunit-{Guid.NewGuid():N}.db");

    protected DocumentPageContext()
    {
        DefaultWaitTimeout = TimeSpan.FromSeconds(10);
        Ana = new AppUser { UserName = "ana", NormalizedUserName = "ANA", DisplayName = "Ana", SecurityStamp = Guid.NewGuid().ToString() };
        Bob = new AppUser { UserName = "bob", NormalizedUserName = "BOB", DisplayName = "Bob", SecurityStamp = Guid.NewGuid().ToString() };

        // As Data/DataServiceExtensions.cs and Features/FeatureServiceExtensions.cs register them.
        Services.AddLogging();
        Services.AddDbContextFactory<AnnotateHubDbContext>(o => o.UseSqlite($"Data Source={_dbPath};Pooling=False"));
        Services.AddSingleton(TimeProvider.System);
        Services.AddAnnotationServices();

        var auth = AddAuthorization();
        auth.SetAuthorized("ana");
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, Ana.Id));
    }

    protected AppUser Ana { get; }
    protected AppUser Bob { get; }
    protected int SeedDocumentId { get; private set; }
    protected string SeedText { get; } = ArticleText.Normalize(RepositoryFiles.ReadSeed("000"));
    protected int EmojiDocumentId { get; private set; }
    protected IReadOnlyDictionary<string, int> LabelIds { get; private set; } = new Dictionary<string, int>();

    protected IDbContextFactory<AnnotateHubDbContext> DbFactory => Services.GetRequiredService<IDbContextFactory<AnnotateHubDbContext>>();
    protected AnnotationService AnnotationService => Services.GetRequiredService<AnnotationService>();

    public async Task InitializeAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        await db.Database.MigrateAsync();
        db.Users.AddRange(Ana, Bob);
        var project = new Project { Name = "Ain al-Asad (tests)", OwnerId = Ana.Id, CreatedAt = DateTime.UtcNow };
        project.Labels.AddRange(LabelRules.Defaults.Select((l, i) => new LabelDefinition
        {
            Name = l.Name, Color = l.Color, Hotkey = l.Hotkey, Description = l.Description, SortOrder = i,
        }));
        var seed = NewDocument("Explainer", SeedText);
        var emoji = NewDocument("Emoji report", EmojiText);
        project.Documents.AddRange(seed, emoji);
        db.Projects.Add(project);
        await db.SaveChangesAsync();
        // Ana supervises the project; Bob annotates every document of it.
        db.ProjectMembers.AddRange(
            new ProjectMember { ProjectId = project.Id, UserId = Ana.Id, Role = ProjectRole.Supervisor },
            new ProjectMember { ProjectId = project.Id, UserId = Bob.Id, Role = ProjectRole.Annotator });
        db.Assignments.AddRange(new[] { seed, emoji }.Select(d => new Assignment { DocumentId = d.Id, UserId = Bob.Id, ProjectId = project.Id }));
        await db.SaveChangesAsync();
        SeedDocumentId = seed.Id;
        EmojiDocumentId = emoji.Id;
        LabelIds = project.Labels.ToDictionary(l => l.Name, l => l.Id);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeComponentsAsync();
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            File.Delete(_dbPath + suffix);
        }
    }

    private static Document NewDocument(string title, string text) => new()
    {
        Title = title, Text = text, Length = new CodePointIndex(text).Length, ContentHash = ArticleText.ContentHash(text),
        CreatedAt = DateTime.UtcNow,
    };

    protected IRenderedComponent<DocumentPage> RenderDocument(int documentId)
    {
        var cut = Render<DocumentPage>(p => p.Add(d => d.DocumentId, documentId));
        cut.WaitForElement("[data-testid=doc-text]");
        return cut;
    }

    /// <summary>The UTF-16 range of <paramref name="part"/> in <paramref name="text"/>, as the browser reports a selection.</summary>
    protected static (int Start, int End) Utf16Range(string text, string part)
    {
        var start = text.IndexOf(part, StringComparison.Ordinal);
        Assert.True(start >= 0, $"'{part}' is not in the text");
        return (start, start + part.Length);
    }

    protected static Task Select(IRenderedComponent<DocumentPage> cut, (int Start, int End) range) =>
        cut.InvokeAsync(() => cut.Instance.OnSelection(range.Start, range.End, 10, 10));

    protected async Task<List<Annotation>> AnnotationsInDatabase()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        return await db.Annotations.AsNoTracking().OrderBy(a => a.Id).ToListAsync();
    }

    /// <summary>Adds a document to the test project directly.</summary>
    protected async Task<int> StoreDocument(string title, string text, string? url = null, string? outlet = null)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var document = NewDocument(title, text);
        document.ProjectId = await db.Projects.Select(p => p.Id).SingleAsync();
        document.Url = url;
        document.Outlet = outlet;
        db.Documents.Add(document);
        await db.SaveChangesAsync();
        db.Assignments.Add(new Assignment { DocumentId = document.Id, UserId = Bob.Id, ProjectId = document.ProjectId });
        await db.SaveChangesAsync();
        return document.Id;
    }

    /// <summary>Stores a span directly, as if made earlier (or by someone else).</summary>
    protected async Task<Annotation> StoreAnnotation(int documentId, AppUser by, int start, int end, string label)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var annotation = new Annotation
        {
            DocumentId = documentId, AnnotatorId = by.Id, Start = start, End = end, LabelId = LabelIds[label],
            CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow, Version = 1,
        };
        db.Annotations.Add(annotation);
        await db.SaveChangesAsync();
        return annotation;
    }
}
