using System.Globalization;
using AnnotateHub.Core.Agreement;
using AnnotateHub.Core.Projects;
using AnnotateHub.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Agreement;

/// <summary>The dashboard's data: the same report as the REST answer, titles, and agreement over time.</summary>
public sealed record AgreementDashboard(AgreementReport Report, IReadOnlyDictionary<string, string> Titles, IReadOnlyList<AgreementTimePoint> Timeline, DateTime ComputedAt)
{
    public string TitleOf(string documentId) => Titles.GetValueOrDefault(documentId) ?? "Document " + documentId;
}

/// <summary>The report over the first <see cref="Documents"/> documents in the order they were completed; <see cref="CompletedAt"/> is when the last of them was.</summary>
public sealed record AgreementTimePoint(int Documents, DateTime CompletedAt, double? AlphaNominal, double? CohenKappaMean);

/// <summary>A document behind a pair or a label on the drill-down list, with its own figure (lowest first).</summary>
public sealed record DrillDownDocument(int DocumentId, string Title, IReadOnlyList<string> Annotators, double? Figure, double? SecondFigure, int Disagreements);

/// <summary>Two annotators' spans of one document, classified (<see cref="Disagreements"/>).</summary>
public sealed record SpanComparisonView(int DocumentId, string Title, string Text, string A, string B, IReadOnlyList<string> DocumentAnnotators, IReadOnlyList<SpanComparison> Comparisons)
{
    public IReadOnlyDictionary<SpanComparisonKind, int> Counts { get; } = Disagreements.Count(Comparisons);
}

/// <summary>
/// Everything the agreement pages show beyond the plain report: document titles, agreement over time, the documents behind
/// a pair or a label, and the side-by-side comparison. Reads through <see cref="AgreementService"/>, so the same
/// annotators count (those who marked a document done). Callers check that the user is a supervisor of the project.
/// </summary>
public sealed class AgreementDashboardService(IDbContextFactory<AnnotateHubDbContext> dbFactory, AgreementService agreement, TimeProvider clock)
{
    /// <summary>At most this many points on the agreement-over-time chart (each is a report of the documents so far).</summary>
    public const int MaxTimePoints = 40;

    private static readonly AgreementOptions TokenMeasuresOnly = AgreementOptions.Default with { Gamma = false, PerDocument = false };

    public async Task<AgreementDashboard> LoadAsync(int projectId, CancellationToken ct = default)
    {
        var report = await agreement.ComputeAsync(projectId, AgreementOptions.Default, ct);
        var completed = await CompletionOrderAsync(projectId, ct);
        var titles = await TitlesAsync(projectId, completed.Select(c => c.DocumentId).ToList(), ct);
        var timeline = await TimelineAsync(projectId, completed, ct);
        return new AgreementDashboard(report, titles, timeline, clock.GetUtcNow().UtcDateTime);
    }

    /// <summary>The documents both annotators marked done, lowest pair kappa first (undefined last).</summary>
    public async Task<IReadOnlyList<DrillDownDocument>> PairDocumentsAsync(int projectId, string a, string b, CancellationToken ct = default)
    {
        var ids = await DocumentsDoneByAsync(projectId, [a, b], ct);
        var titles = await TitlesAsync(projectId, ids, ct);
        var rows = new List<DrillDownDocument>();
        await foreach (var d in agreement.ReadDocumentsAsync(projectId, ids, ct))
        {
            var pair = d with { Annotators = [a, b], Spans = d.Spans.Where(s => s.Annotator == a || s.Annotator == b).ToList() };
            var figures = AgreementCalculator.Compute([pair], TokenMeasuresOnly).Pairs.SingleOrDefault();
            var disagreements = Disagreements.Compare(SpansOf(pair, a), SpansOf(pair, b)).Count(c => c.IsDisagreement);
            rows.Add(new DrillDownDocument(int.Parse(d.Id, CultureInfo.InvariantCulture), titles.GetValueOrDefault(d.Id) ?? d.Id, d.Annotators,
                figures?.CohenKappa, figures?.SpanF1Overlap, disagreements));
        }
        return LowestFirst(rows);
    }

    /// <summary>The counted documents where someone used the label, lowest token alpha of the label first (undefined last).</summary>
    public async Task<IReadOnlyList<DrillDownDocument>> LabelDocumentsAsync(int projectId, string label, CancellationToken ct = default)
    {
        var ids = await DocumentsWithLabelAsync(projectId, label, ct);
        var titles = await TitlesAsync(projectId, ids, ct);
        var rows = new List<DrillDownDocument>();
        await foreach (var d in agreement.ReadDocumentsAsync(projectId, ids, ct))
        {
            if (!d.Spans.Any(s => s.Label == label)) continue; // used only by someone not done with it
            var figures = AgreementCalculator.Compute([d], TokenMeasuresOnly).Labels.GetValueOrDefault(label);
            var disagreements = 0;
            for (var i = 0; i < d.Annotators.Count; i++)
            for (var j = i + 1; j < d.Annotators.Count; j++)
                disagreements += Disagreements.Compare(SpansOf(d, d.Annotators[i]), SpansOf(d, d.Annotators[j]))
                    .Count(c => c.IsDisagreement && (c.A?.Label == label || c.B?.Label == label));
            rows.Add(new DrillDownDocument(int.Parse(d.Id, CultureInfo.InvariantCulture), titles.GetValueOrDefault(d.Id) ?? d.Id,
                d.Annotators.Order(StringComparer.Ordinal).ToList(), figures?.NominalTokensAlpha, figures?.UnitizingAlpha, disagreements));
        }
        return LowestFirst(rows);
    }

    /// <summary>The two annotators' spans of the document, classified; null when the document is not in the project.
    /// Only annotators who marked the document done count (as in the report): anyone else's list is empty.</summary>
    public async Task<SpanComparisonView?> CompareAsync(int projectId, int documentId, string a, string b, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var document = await db.Documents.AsNoTracking().Where(d => d.Id == documentId && d.ProjectId == projectId)
            .Select(d => new { d.Title, d.Text }).FirstOrDefaultAsync(ct);
        if (document is null) return null;
        AgreementDocument? read = null;
        await foreach (var d in agreement.ReadDocumentsAsync(projectId, [documentId], ct)) read = d;
        if (read is null) return null;
        var comparisons = Disagreements.Compare(
            read.Annotators.Contains(a) ? SpansOf(read, a) : [],
            read.Annotators.Contains(b) ? SpansOf(read, b) : []);
        return new SpanComparisonView(documentId, document.Title, document.Text, a, b, read.Annotators.Order(StringComparer.Ordinal).ToList(), comparisons);
    }

    /// <summary>Document titles by the report's ids (the document id as text).</summary>
    public async Task<IReadOnlyDictionary<string, string>> TitlesAsync(int projectId, IReadOnlyList<int>? documentIds = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Documents.AsNoTracking().Where(d => d.ProjectId == projectId);
        // Large lists are read whole: an IN with thousands of parameters costs more than the titles.
        if (documentIds is { Count: <= 500 }) query = query.Where(d => documentIds.Contains(d.Id));
        return await query.ToDictionaryAsync(d => d.Id.ToString(CultureInfo.InvariantCulture), d => d.Title, ct);
    }

    private static IEnumerable<AgreementSpan> SpansOf(AgreementDocument d, string annotator) => d.Spans.Where(s => s.Annotator == annotator);

    private static List<DrillDownDocument> LowestFirst(List<DrillDownDocument> rows) =>
        rows.OrderBy(r => r.Figure is null).ThenBy(r => r.Figure).ThenByDescending(r => r.Disagreements).ThenBy(r => r.DocumentId).ToList();

    private sealed record Completion(int DocumentId, DateTime CompletedAt);

    /// <summary>Documents someone marked done, by when the last of their done annotators did (the moment the document took its final
    /// place in the report), then by id.</summary>
    private async Task<List<Completion>> CompletionOrderAsync(int projectId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Assignments.AsNoTracking().Where(a => a.ProjectId == projectId && a.State == AssignmentState.Done)
            .Select(a => new { a.DocumentId, a.DoneAt }).ToListAsync(ct);
        return rows.GroupBy(r => r.DocumentId)
            .Select(g => new Completion(g.Key, DateTime.SpecifyKind(g.Max(r => r.DoneAt) ?? DateTime.MinValue, DateTimeKind.Utc)))
            .OrderBy(c => c.CompletedAt).ThenBy(c => c.DocumentId).ToList();
    }

    /// <summary>
    /// Agreement as the documents came in: the token measures over the first n completed documents, for at most
    /// <see cref="MaxTimePoints"/> values of n spread evenly up to all of them. One calculator takes the documents in
    /// completion order and builds a report at each point, so the cost is one pass over the documents.
    /// </summary>
    private async Task<IReadOnlyList<AgreementTimePoint>> TimelineAsync(int projectId, List<Completion> completed, CancellationToken ct)
    {
        if (completed.Count == 0) return [];
        var checkpoints = new SortedSet<int>();
        for (var k = 1; k <= MaxTimePoints; k++) checkpoints.Add((int)Math.Ceiling(completed.Count * (double)k / MaxTimePoints));
        var calculator = new AgreementCalculator(TokenMeasuresOnly);
        var points = new List<AgreementTimePoint>();
        var n = 0;
        await foreach (var d in agreement.ReadDocumentsAsync(projectId, completed.Select(c => c.DocumentId).ToList(), ct))
        {
            calculator.Add(d);
            n++;
            if (!checkpoints.Contains(n)) continue;
            var report = calculator.Build();
            points.Add(new AgreementTimePoint(n, completed[n - 1].CompletedAt, report.KrippendorffAlpha.NominalTokens, report.CohenKappaMean));
        }
        return points;
    }

    private async Task<List<int>> DocumentsDoneByAsync(int projectId, string[] userNames, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var done = await db.Assignments.AsNoTracking().Where(a => a.ProjectId == projectId && a.State == AssignmentState.Done)
            .Join(db.Users.Where(u => userNames.Contains(u.UserName!)), a => a.UserId, u => u.Id, (a, u) => new { a.DocumentId, u.UserName })
            .ToListAsync(ct);
        return done.GroupBy(d => d.DocumentId).Where(g => g.Select(x => x.UserName).Distinct().Count() == userNames.Distinct().Count())
            .Select(g => g.Key).Order().ToList();
    }

    private async Task<List<int>> DocumentsWithLabelAsync(int projectId, string label, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Annotations.AsNoTracking()
            .Where(a => a.Label!.Name == label && a.Label.ProjectId == projectId
                        && db.Assignments.Any(s => s.DocumentId == a.DocumentId && s.UserId == a.AnnotatorId && s.State == AssignmentState.Done))
            .Select(a => a.DocumentId).Distinct().OrderBy(id => id).ToListAsync(ct);
    }
}
