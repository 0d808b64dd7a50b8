using AnnotateHub.Core.Documents;
using AnnotateHub.Core.Labels;
using AnnotateHub.Core.Text;
using AnnotateHub.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Corpus;

public sealed record TextFile(string Name, string Content);

public sealed record ImportSummary(int Imported, int Duplicates);

/// <summary>Imports plain-text articles into a project, skipping any whose content hash the project already has.</summary>
public sealed class TextDocumentImporter(IDbContextFactory<AnnotateHubDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>Creates the project with the default labels, and its owner as supervisor, when it does not exist yet; returns its id.</summary>
    public async Task<int> EnsureProjectAsync(string name, string ownerId, string? description, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var existing = await db.Projects.Where(p => p.Name == name).Select(p => (int?)p.Id).FirstOrDefaultAsync(ct);
        if (existing is { } id) return id;
        // One transaction: a process killed between the two saves would leave a project nobody supervises, which the
        // next start (finding the project) would never fix.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var project = new Project
        {
            Name = name, Description = description, OwnerId = ownerId, CreatedAt = clock.GetUtcNow().UtcDateTime,
            DocumentAttributes = AttributeJson.Definitions(AttributeRules.DocumentDefaults),
        };
        project.Labels.AddRange(LabelRules.Defaults.Select((l, i) => new LabelDefinition
        {
            Name = l.Name, Color = l.Color, Hotkey = l.Hotkey, Description = l.Description, SortOrder = i,
            // The default labels say what their spans carry: a casualty figure's count, status, who and qualifier (issue 19).
            Attributes = AttributeJson.Definitions(AttributeRules.Defaults.GetValueOrDefault(l.Name)),
        }));
        db.Projects.Add(project);
        await db.SaveChangesAsync(ct);
        // Whoever creates a project supervises it.
        db.ProjectMembers.Add(new ProjectMember { ProjectId = project.Id, UserId = ownerId, Role = Core.Projects.ProjectRole.Supervisor, AddedAt = project.CreatedAt });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return project.Id;
    }

    /// <summary>Imports the files in one transaction: all of them or, on error, none.</summary>
    public async Task<ImportSummary> ImportAsync(int projectId, IEnumerable<TextFile> files, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var known = (await db.Documents.Where(d => d.ProjectId == projectId).Select(d => d.ContentHash).ToListAsync(ct)).ToHashSet();
        int imported = 0, duplicates = 0;
        foreach (var file in files.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            var text = ArticleText.Normalize(file.Content);
            var hash = ArticleText.ContentHash(text);
            if (!known.Add(hash)) { duplicates++; continue; }
            var meta = ArticleText.ReadMetadata(text, Path.GetFileNameWithoutExtension(file.Name));
            db.Documents.Add(new Document
            {
                ProjectId = projectId, Title = meta.Title, Outlet = meta.Outlet, PublishedOn = meta.Published,
                Text = text, Length = new CodePointIndex(text).Length, ContentHash = hash, SourceName = file.Name,
                CreatedAt = clock.GetUtcNow().UtcDateTime,
            });
            imported++;
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new ImportSummary(imported, duplicates);
    }
}
