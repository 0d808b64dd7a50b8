using AnnotateHub.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Corpus;

public sealed record ProjectSummary(int Id, string Name, string? Description, int Documents, int Spans);

public sealed record DocumentRow(
    int Id, string Title, string? Outlet, DateOnly? PublishedOn, int Length, int Spans,
    IReadOnlyDictionary<int, int> SpansPerLabel, IReadOnlyDictionary<string, int> SpansPerAnnotator);

public sealed record DocumentContent(int Id, int ProjectId, string ProjectName, string Title, string? Outlet, DateOnly? PublishedOn, string? Url, string Text);

/// <summary>A document's project and length in code points: what every change checks.</summary>
public sealed record DocumentFacts(int ProjectId, int Length);

/// <summary>What one viewer of a project may see of it: only some documents (an annotator's assigned ones), and
/// only one annotator's spans (in a blind project). Null means no limit.</summary>
public sealed record CorpusScope(IReadOnlySet<int>? Documents, string? Annotator)
{
    public static readonly CorpusScope Everything = new(null, null);
}

public sealed class CorpusService(IDbContextFactory<AnnotateHubDbContext> dbFactory)
{
    public const int MaxSearchLength = 200;

    /// <summary>The projects with the given ids (the ones a user may see), with document and span counts.</summary>
    public async Task<IReadOnlyList<ProjectSummary>> ListProjectsAsync(IReadOnlyCollection<int> projectIds, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ids = projectIds.ToList();
        return await db.Projects.AsNoTracking().Where(p => ids.Contains(p.Id)).OrderBy(p => p.Name)
            .Select(p => new ProjectSummary(p.Id, p.Name, p.Description, p.Documents.Count,
                db.Annotations.Count(a => p.Documents.Select(d => d.Id).Contains(a.DocumentId))))
            .ToListAsync(ct);
    }

    public async Task<ProjectSummary?> FindProjectAsync(int projectId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Projects.AsNoTracking().Where(p => p.Id == projectId)
            .Select(p => new ProjectSummary(p.Id, p.Name, p.Description, p.Documents.Count,
                db.Annotations.Count(a => p.Documents.Select(d => d.Id).Contains(a.DocumentId))))
            .FirstOrDefaultAsync(ct);
    }

    /// <summary>The project's documents whose title or text contains <paramref name="search"/> (case-insensitive), with span counts.</summary>
    public async Task<IReadOnlyList<DocumentRow>> ListDocumentsAsync(int projectId, string? search, CancellationToken ct = default) =>
        await ListDocumentsAsync(projectId, search, CorpusScope.Everything, ct);

    /// <summary>The documents of the project within <paramref name="scope"/>, with the counts of the spans within it.</summary>
    public async Task<IReadOnlyList<DocumentRow>> ListDocumentsAsync(int projectId, string? search, CorpusScope scope, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Documents.AsNoTracking().Where(d => d.ProjectId == projectId);
        if (scope.Documents is { } only)
        {
            var allowed = only.ToList();
            query = query.Where(d => allowed.Contains(d.Id));
        }
        var term = search?.Trim();
        if (!string.IsNullOrEmpty(term))
        {
            if (term.Length > MaxSearchLength) term = term[..MaxSearchLength];
            var lowered = term.ToLowerInvariant();
            // ToLower + Contains translates on SQLite and PostgreSQL alike (no provider-specific ILIKE).
            query = query.Where(d => d.Title.ToLower().Contains(lowered) || d.Text.ToLower().Contains(lowered));
        }
        var docs = await query.OrderBy(d => d.PublishedOn == null).ThenBy(d => d.PublishedOn).ThenBy(d => d.Title)
            .Select(d => new { d.Id, d.Title, d.Outlet, d.PublishedOn, d.Length })
            .ToListAsync(ct);
        var ids = docs.Select(d => d.Id).ToList();
        var spans = db.Annotations.AsNoTracking().Where(a => ids.Contains(a.DocumentId));
        if (scope.Annotator is { } annotator) spans = spans.Where(a => a.AnnotatorId == annotator);
        var perLabel = await spans
            .GroupBy(a => new { a.DocumentId, a.LabelId })
            .Select(g => new { g.Key.DocumentId, g.Key.LabelId, Count = g.Count() })
            .ToListAsync(ct);
        var perAnnotator = await spans
            .GroupBy(a => new { a.DocumentId, a.AnnotatorId })
            .Select(g => new { g.Key.DocumentId, g.Key.AnnotatorId, Count = g.Count() })
            .ToListAsync(ct);
        var annotatorIds = perAnnotator.Select(p => p.AnnotatorId).Distinct().ToList();
        var names = await db.Users.AsNoTracking().Where(u => annotatorIds.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => u.DisplayName ?? u.UserName ?? u.Id, ct);

        return docs.Select(d => new DocumentRow(d.Id, d.Title, d.Outlet, d.PublishedOn, d.Length,
                perLabel.Where(p => p.DocumentId == d.Id).Sum(p => p.Count),
                perLabel.Where(p => p.DocumentId == d.Id).ToDictionary(p => p.LabelId, p => p.Count),
                perAnnotator.Where(p => p.DocumentId == d.Id).ToDictionary(p => names.GetValueOrDefault(p.AnnotatorId, p.AnnotatorId), p => p.Count)))
            .ToList();
    }

    public async Task<DocumentContent?> GetDocumentAsync(int documentId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Documents.AsNoTracking().Where(d => d.Id == documentId)
            .Select(d => new DocumentContent(d.Id, d.ProjectId, d.Project!.Name, d.Title, d.Outlet, d.PublishedOn, d.Url, d.Text))
            .FirstOrDefaultAsync(ct);
    }

    /// <summary>The project a document belongs to, or null when there is no such document.</summary>
    public async Task<int?> ProjectOfDocumentAsync(int documentId, CancellationToken ct = default) =>
        (await FactsAsync(documentId, ct))?.ProjectId;

    /// <summary>A document's project and length in code points, or null when there is no such document. A document's
    /// text never changes once imported, so these are kept after the first read (every change checks them).</summary>
    public async Task<DocumentFacts?> FactsAsync(int documentId, CancellationToken ct = default)
    {
        if (_facts.TryGetValue(documentId, out var known)) return known;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var facts = await db.Documents.AsNoTracking().Where(d => d.Id == documentId)
            .Select(d => new DocumentFacts(d.ProjectId, d.Length)).FirstOrDefaultAsync(ct);
        if (facts is not null) _facts.TryAdd(documentId, facts);
        return facts;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, DocumentFacts> _facts = new();
}
