using AnnotateHub.Core.Projects;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Projects;
using AnnotateHub.Web.Realtime;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Corpus;

public sealed record ProjectSummary(int Id, string Name, string? Description, int Documents, int Spans, DateTime? ArchivedAt = null, string? GuidelinesUrl = null);

/// <summary>A document on the project page: its facts, the spans it holds within the viewer's scope, and the viewer's
/// own assignment state (when the scope names a viewer).</summary>
public sealed record DocumentRow(
    int Id, string Title, string? Outlet, DateOnly? PublishedOn, int Length, int Spans,
    IReadOnlyDictionary<int, int> SpansPerLabel, IReadOnlyDictionary<string, int> SpansPerAnnotator, AssignmentState? Assignment = null,
    DocumentStatus Status = DocumentStatus.NotStarted);

/// <summary>Where a document stands, as the project page filters and sorts it. For a supervisor: curated once a curator
/// finished it; else done when it has assignments and every one is done; in progress when any is started; not started
/// otherwise (also with no assignments). For an annotator the first three are their own assignment's state.</summary>
public enum DocumentStatus
{
    NotStarted = 0,
    InProgress = 1,
    Done = 2,
    Curated = 3,
}

public sealed record DocumentContent(int Id, int ProjectId, string ProjectName, string Title, string? Outlet, DateOnly? PublishedOn, string? Url, string Text);

/// <summary>A document's project and length in code points: what every change checks.</summary>
public sealed record DocumentFacts(int ProjectId, int Length);

/// <summary>
/// What one viewer of a project may see of it: only the documents assigned to <see cref="AssignedTo"/> (an annotator),
/// and only <see cref="Annotator"/>'s spans (in a blind project). Null means no limit. <see cref="Viewer"/>, when set,
/// is whose assignment state each row carries.
/// </summary>
public sealed record CorpusScope(string? AssignedTo, string? Annotator, string? Viewer = null)
{
    public static readonly CorpusScope Everything = new(null, null);

    /// <summary>What <paramref name="userId"/> sees on the project page: supervisors every document and span, annotators
    /// their assigned documents, with the others' spans only in an open project.</summary>
    public static CorpusScope For(string userId, ProjectPermissions permissions) => permissions.IsSupervisor
        ? new CorpusScope(null, null, userId)
        : new CorpusScope(userId, permissions.SeesOthers ? null : userId, userId);
}

/// <summary>How the project page orders documents; every order ends with the document id.</summary>
public enum DocumentSort
{
    /// <summary>By publication date (undated last), then title.</summary>
    Published = 0,
    Title = 1,
    Outlet = 2,
    /// <summary>By the number of spans within the viewer's scope.</summary>
    Spans = 3,
    /// <summary>By <see cref="DocumentStatus"/>, then title.</summary>
    Status = 4,
}

/// <summary>One page of a project's document list: a search, an order and a window.</summary>
/// <remarks>Filters: <paramref name="Status"/>, documents assigned to <paramref name="AssigneeId"/>, documents with a span
/// (within the viewer's scope) of label <paramref name="LabelId"/>. Title order is natural ("Doc 2" before "Doc 10").</remarks>
public sealed record DocumentQuery(string? Search = null, DocumentSort Sort = DocumentSort.Published, bool Descending = false, int Offset = 0,
    int Limit = DocumentQuery.DefaultLimit, DocumentStatus? Status = null, string? AssigneeId = null, int? LabelId = null)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 1000;

    /// <summary>Why this query cannot be answered, or null.</summary>
    public string? Check() =>
        Offset < 0 ? "offset must be 0 or more."
        : Limit is < 1 or > MaxLimit ? $"limit must be between 1 and {MaxLimit}."
        : !Enum.IsDefined(Sort) ? "Unknown sort."
        : Status is { } status && !Enum.IsDefined(status) ? "Unknown status."
        : null;
}

/// <summary>A page of documents and how many match in all.</summary>
public sealed record DocumentListPage(IReadOnlyList<DocumentRow> Rows, int Total, int Offset, int Limit)
{
    public bool HasMore => Offset + Rows.Count < Total;
}

public sealed class CorpusService
{
    public const int MaxSearchLength = 200;

    private readonly IDbContextFactory<AnnotateHubDbContext> _dbFactory;

    public CorpusService(IDbContextFactory<AnnotateHubDbContext> dbFactory, EventBus bus)
    {
        _dbFactory = dbFactory;
        // A project's change may be a deletion of its documents, here or (through AccessChangeWatcher) in another process
        // (the command line): its documents' facts are read again, so a deleted one is "no such document" everywhere.
        // Synchronous, so it has run before open pages re-check their standing on the same event.
        bus.SubscribeAll<TeamChangedEvent>(changes =>
        {
            var projects = changes.Select(c => c.ProjectId).ToHashSet();
            foreach (var (id, facts) in _facts)
            {
                if (projects.Contains(facts.ProjectId)) _facts.TryRemove(id, out _);
            }
            return Task.CompletedTask;
        });
    }

    /// <summary>The projects with the given ids (the ones a user may see), with document and span counts.</summary>
    public async Task<IReadOnlyList<ProjectSummary>> ListProjectsAsync(IReadOnlyCollection<int> projectIds, CancellationToken ct = default)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var ids = projectIds.ToList();
        return await db.Projects.AsNoTracking().Where(p => ids.Contains(p.Id)).OrderBy(p => p.Name)
            .Select(p => new ProjectSummary(p.Id, p.Name, p.Description, p.Documents.Count,
                db.Annotations.Count(a => p.Documents.Select(d => d.Id).Contains(a.DocumentId)), p.ArchivedAt))
            .ToListAsync(ct);
    }

    public async Task<ProjectSummary?> FindProjectAsync(int projectId, CancellationToken ct = default)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        return await db.Projects.AsNoTracking().Where(p => p.Id == projectId)
            .Select(p => new ProjectSummary(p.Id, p.Name, p.Description, p.Documents.Count,
                db.Annotations.Count(a => p.Documents.Select(d => d.Id).Contains(a.DocumentId)), p.ArchivedAt, p.GuidelinesUrl))
            .FirstOrDefaultAsync(ct);
    }

    /// <summary>The project's documents whose title or text contains <paramref name="search"/> (case-insensitive), with span
    /// counts: the first page (<see cref="DocumentQuery.DefaultLimit"/> rows) in the default order.</summary>
    public async Task<IReadOnlyList<DocumentRow>> ListDocumentsAsync(int projectId, string? search, CancellationToken ct = default) =>
        (await PageDocumentsAsync(projectId, new DocumentQuery(search), CorpusScope.Everything, ct)).Rows;

    /// <summary>
    /// One page of the documents of the project within <paramref name="scope"/>, searched, sorted and cut in the database,
    /// with the total that match and the counts of the page's spans within the scope. Nothing here reads more than the
    /// page's rows into memory, and no statement carries more parameters than a page has rows, however large the project.
    /// </summary>
    public async Task<DocumentListPage> PageDocumentsAsync(int projectId, DocumentQuery query, CorpusScope scope, CancellationToken ct = default)
    {
        if (query.Check() is { } problem) throw new ArgumentException(problem, nameof(query));
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        IQueryable<Document> documents = db.Documents.AsNoTracking().Where(d => d.ProjectId == projectId);
        if (scope.AssignedTo is { } assignee)
        {
            // A join, not a list of the user's document ids: the list grows with the project (decision 0035).
            documents = from a in db.Assignments
                        where a.ProjectId == projectId && a.UserId == assignee
                        join d in db.Documents on a.DocumentId equals d.Id
                        select d;
        }
        var term = query.Search?.Trim();
        if (!string.IsNullOrEmpty(term))
        {
            if (term.Length > MaxSearchLength) term = term[..MaxSearchLength];
            var lowered = term.ToLowerInvariant();
            // ToLower + Contains translates on SQLite and PostgreSQL alike (no provider-specific ILIKE); the culture and
            // comparison overloads the analyzers suggest do not translate to SQL.
#pragma warning disable CA1304, CA1311, CA1862
            documents = documents.Where(d => d.Title.ToLower().Contains(lowered) || d.Text.ToLower().Contains(lowered));
#pragma warning restore CA1304, CA1311, CA1862
        }
        var annotator = scope.Annotator;
        var spansOf = annotator is null ? db.Annotations : db.Annotations.Where(a => a.AnnotatorId == annotator);
        if (query.AssigneeId is { } assignedTo)
            documents = documents.Where(d => db.Assignments.Any(a => a.DocumentId == d.Id && a.UserId == assignedTo));
        if (query.LabelId is { } labelId)
            documents = documents.Where(d => spansOf.Any(a => a.DocumentId == d.Id && a.LabelId == labelId));
        var statusOf = StatusOf(db, scope.AssignedTo);
        if (query.Status is { } status)
            documents = documents.Where(Expression.Lambda<Func<Document, bool>>(Expression.Equal(statusOf.Body, Expression.Constant((int)status)), statusOf.Parameters));
        var total = await documents.CountAsync(ct);
        // Every order ends with the id, so pages neither repeat nor skip a row when titles or dates tie.
        var ordered = (query.Sort, query.Descending) switch
        {
            (DocumentSort.Title, false) => documents.OrderBy(d => d.TitleKey).ThenBy(d => d.Id),
            (DocumentSort.Title, true) => documents.OrderByDescending(d => d.TitleKey).ThenByDescending(d => d.Id),
            (DocumentSort.Status, false) => documents.OrderBy(statusOf).ThenBy(d => d.TitleKey).ThenBy(d => d.Id),
            (DocumentSort.Status, true) => documents.OrderByDescending(statusOf).ThenBy(d => d.TitleKey).ThenBy(d => d.Id),
            (DocumentSort.Outlet, false) => documents.OrderBy(d => d.Outlet == null).ThenBy(d => d.Outlet).ThenBy(d => d.Title).ThenBy(d => d.Id),
            (DocumentSort.Outlet, true) => documents.OrderBy(d => d.Outlet == null).ThenByDescending(d => d.Outlet).ThenBy(d => d.Title).ThenBy(d => d.Id),
            (DocumentSort.Spans, false) => documents.OrderBy(d => spansOf.Count(a => a.DocumentId == d.Id)).ThenBy(d => d.Id),
            (DocumentSort.Spans, true) => documents.OrderByDescending(d => spansOf.Count(a => a.DocumentId == d.Id)).ThenBy(d => d.Id),
            (_, true) => documents.OrderBy(d => d.PublishedOn == null).ThenByDescending(d => d.PublishedOn).ThenBy(d => d.Title).ThenBy(d => d.Id),
            _ => documents.OrderBy(d => d.PublishedOn == null).ThenBy(d => d.PublishedOn).ThenBy(d => d.Title).ThenBy(d => d.Id),
        };
        var viewer = scope.Viewer;
        var docs = await ordered.Skip(query.Offset).Take(query.Limit)
            .Select(d => new
            {
                d.Id, d.Title, d.Outlet, d.PublishedOn, d.Length,
                State = viewer == null ? null
                    : db.Assignments.Where(a => a.DocumentId == d.Id && a.UserId == viewer).Select(a => (AssignmentState?)a.State).FirstOrDefault(),
            })
            .ToListAsync(ct);
        if (docs.Count == 0) return new DocumentListPage([], total, query.Offset, query.Limit);

        // The page's ids: at most Limit of them (DocumentQuery.MaxLimit), whatever the size of the project.
        var ids = docs.Select(d => d.Id).ToList();
        var statusRow = Expression.Lambda<Func<Document, KeyValuePair<int, int>>>(
            Expression.New(typeof(KeyValuePair<int, int>).GetConstructor([typeof(int), typeof(int)])!,
                Expression.Property(statusOf.Parameters[0], nameof(Document.Id)), statusOf.Body),
            statusOf.Parameters);
        var statuses = await db.Documents.AsNoTracking().Where(d => ids.Contains(d.Id)).Select(statusRow).ToDictionaryAsync(p => p.Key, p => p.Value, ct);
        var spans = spansOf.Where(a => ids.Contains(a.DocumentId));
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

        var rows = docs.Select(d => new DocumentRow(d.Id, d.Title, d.Outlet, d.PublishedOn, d.Length,
                perLabel.Where(p => p.DocumentId == d.Id).Sum(p => p.Count),
                perLabel.Where(p => p.DocumentId == d.Id).ToDictionary(p => p.LabelId, p => p.Count),
                perAnnotator.Where(p => p.DocumentId == d.Id).ToDictionary(p => names.GetValueOrDefault(p.AnnotatorId, p.AnnotatorId), p => p.Count),
                d.State, (DocumentStatus)statuses.GetValueOrDefault(d.Id)))
            .ToList();
        return new DocumentListPage(rows, total, query.Offset, query.Limit);
    }

    /// <summary>A document's <see cref="DocumentStatus"/> as a number, in SQL: the annotator's own assignment when
    /// <paramref name="assignedTo"/> is set, else every assignment of the document.</summary>
    private static Expression<Func<Document, int>> StatusOf(AnnotateHubDbContext db, string? assignedTo) => assignedTo is { } me
        ? d => d.CuratedAt != null ? (int)DocumentStatus.Curated
            : db.Assignments.Any(a => a.DocumentId == d.Id && a.UserId == me && a.State == AssignmentState.Done) ? (int)DocumentStatus.Done
            : db.Assignments.Any(a => a.DocumentId == d.Id && a.UserId == me && a.State == AssignmentState.InProgress) ? (int)DocumentStatus.InProgress
            : (int)DocumentStatus.NotStarted
        : d => d.CuratedAt != null ? (int)DocumentStatus.Curated
            : db.Assignments.Any(a => a.DocumentId == d.Id) && !db.Assignments.Any(a => a.DocumentId == d.Id && a.State != AssignmentState.Done) ? (int)DocumentStatus.Done
            : db.Assignments.Any(a => a.DocumentId == d.Id && a.State != AssignmentState.NotStarted) ? (int)DocumentStatus.InProgress
            : (int)DocumentStatus.NotStarted;

    public async Task<DocumentContent?> GetDocumentAsync(int documentId, CancellationToken ct = default)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        return await db.Documents.AsNoTracking().Where(d => d.Id == documentId)
            .Select(d => new DocumentContent(d.Id, d.ProjectId, d.Project!.Name, d.Title, d.Outlet, d.PublishedOn, d.Url, d.Text))
            .FirstOrDefaultAsync(ct);
    }

    /// <summary>A document's project and length in code points, or null when there is no such document (or it is still
    /// being imported). A document's text never changes once imported and it never moves, so these are kept after the
    /// first read (every change checks them): decision 0061; a deletion (decision 0084) drops them through its project's
    /// <see cref="TeamChangedEvent"/>. A document of an import still in progress sits in a hidden
    /// staging project and moves when the import commits, so it is "no such document" until then, never cached.</summary>
    public async Task<DocumentFacts?> FactsAsync(int documentId, CancellationToken ct = default)
    {
        if (_facts.TryGetValue(documentId, out var known)) return known;
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        // The join goes through the projects' query filter, which hides staging projects.
        var facts = await (from d in db.Documents.AsNoTracking()
                           join p in db.Projects on d.ProjectId equals p.Id
                           where d.Id == documentId
                           select new DocumentFacts(d.ProjectId, d.Length)).FirstOrDefaultAsync(ct);
        if (facts is not null) _facts.TryAdd(documentId, facts);
        return facts;
    }

    /// <summary>Forget a deleted document's facts (the one change that ends them): the next question finds no document.</summary>
    public void Forget(IEnumerable<int> documentIds)
    {
        foreach (var id in documentIds) _facts.TryRemove(id, out _);
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, DocumentFacts> _facts = new();
}
