using AnnotateHub.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Tests.Components;

/// <summary>
/// Hosts the project's panels (corpus, labels, import, export) over the app's services (<see cref="AppServicesContext"/>):
/// a project with the default labels and three documents from three outlets, supervised by Ana (signed in), annotated
/// by Bob, who has marked one casualty figure.
/// </summary>
public abstract class PanelContext : AppServicesContext
{
    protected const string ProjectName = "Ain al-Asad panels (tests)";

    /// <summary>The documents' titles, oldest first (the page's default order).</summary>
    protected static readonly string[] Titles = ["Rockets hit the base", "Iran's account", "Officials count the injured"];

    protected const string InjuredText = "Officials said eleven US soldiers were treated for concussion.";

    protected int ProjectId { get; private set; }
    protected IReadOnlyDictionary<string, int> LabelIds { get; private set; } = new Dictionary<string, int>();

    protected override async Task SeedAsync()
    {
        var documents = new[]
        {
            Dated(NewDocument(Titles[0], "Rockets hit Ain al-Asad air base in western Iraq."), "Reuters", new DateOnly(2020, 1, 8)),
            Dated(NewDocument(Titles[1], "Iran's state television claimed eighty were killed."), "BBC", new DateOnly(2020, 1, 9)),
            Dated(NewDocument(Titles[2], InjuredText), "AP", new DateOnly(2020, 1, 17)),
        };
        var project = await AddProjectAsync(ProjectName, documents);
        ProjectId = project.Id;
        LabelIds = project.Labels.ToDictionary(l => l.Name, l => l.Id);

        await using var db = await DbFactory.CreateDbContextAsync();
        var start = InjuredText.IndexOf("eleven US soldiers", StringComparison.Ordinal);
        db.Annotations.Add(new Annotation
        {
            DocumentId = documents[2].Id, AnnotatorId = Bob.Id, Start = start, End = start + "eleven US soldiers".Length,
            LabelId = LabelIds["casualty figure"], CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow, Version = 1,
        });
        await db.SaveChangesAsync();
    }

    private static Document Dated(Document document, string outlet, DateOnly published)
    {
        document.Outlet = outlet;
        document.PublishedOn = published;
        return document;
    }

    protected async Task<List<string>> DocumentTitlesInDatabase()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        return await db.Documents.Where(d => d.ProjectId == ProjectId).OrderBy(d => d.Id).Select(d => d.Title).ToListAsync();
    }

    protected async Task<List<LabelDefinition>> LabelsInDatabase()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        return await db.Labels.AsNoTracking().Where(l => l.ProjectId == ProjectId).OrderBy(l => l.SortOrder).ThenBy(l => l.Id).ToListAsync();
    }
}
