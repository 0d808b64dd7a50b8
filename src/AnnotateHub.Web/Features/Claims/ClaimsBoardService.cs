using AnnotateHub.Core.Claims;
using AnnotateHub.Core.Labels;
using AnnotateHub.Core.Projects;
using AnnotateHub.Core.Text;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Labels;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Claims;

/// <summary>
/// Reads a project's claims board (issue 19): the spans of its figure labels (those whose spans say a status or a
/// count) and claim labels (a stance or a source), with what they say, the spans the viewer may see (all of them, or
/// only their own in a blind project), laid out by <see cref="ClaimsBoard.Build"/>.
/// </summary>
public sealed class ClaimsBoardService(IDbContextFactory<AnnotateHubDbContext> dbFactory, LabelService labels)
{
    /// <summary>The most spans one board reads (the newest beyond it are left out, and the board says so).</summary>
    public const int MaxSpans = 20_000;

    public sealed record Result(ClaimsBoard Board, int Spans, bool Truncated, IReadOnlyList<string> FigureLabels, IReadOnlyList<string> ClaimLabels);

    public async Task<Result> BuildAsync(int projectId, ProjectPermissions viewer, string userId, CancellationToken ct = default)
    {
        var set = await labels.ListAsync(projectId, ct);
        var kinds = new Dictionary<int, BoardKind>();
        foreach (var label in set)
        {
            var names = label.Attributes.Select(a => a.Name.Trim().ToLowerInvariant()).ToHashSet();
            if (names.Contains("status") || names.Contains("count")) kinds[label.Id] = BoardKind.Figure;
            else if (names.Contains("stance") || names.Contains("source")) kinds[label.Id] = BoardKind.Claim;
        }
        var ids = kinds.Keys.ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Annotations.AsNoTracking()
            .Where(a => ids.Contains(a.LabelId) && db.Documents.Any(d => d.Id == a.DocumentId && d.ProjectId == projectId));
        if (!viewer.SeesOthers) query = query.Where(a => a.AnnotatorId == userId);
        var rows = await query.OrderBy(a => a.Id).Take(MaxSpans + 1)
            .Select(a => new { a.Id, a.DocumentId, a.Start, a.End, a.LabelId, a.Attributes, Annotator = a.Annotator!.DisplayName ?? a.Annotator.UserName ?? "" })
            .ToListAsync(ct);
        var truncated = rows.Count > MaxSpans;
        if (truncated) rows.RemoveAt(rows.Count - 1);
        var documentIds = rows.Select(r => r.DocumentId).Distinct().ToList();
        var documents = await db.Documents.AsNoTracking().Where(d => documentIds.Contains(d.Id))
            .Select(d => new { d.Id, d.Title, d.Outlet, d.PublishedOn, d.Text }).ToListAsync(ct);
        var texts = documents.ToDictionary(d => d.Id, d => (d.Text, Index: new CodePointIndex(d.Text)));
        var spans = rows.Select(r =>
        {
            var (text, index) = texts[r.DocumentId];
            var words = text[index.ToUtf16(Math.Min(r.Start, index.Length))..index.ToUtf16(Math.Min(r.End, index.Length))];
            return new BoardSpan(r.Id, r.DocumentId, r.Start, r.End, kinds[r.LabelId], words, AttributeJson.ParseValues(r.Attributes), r.Annotator);
        }).ToList();
        var board = ClaimsBoard.Build(documents.Select(d => new BoardDocument(d.Id, d.Title, d.Outlet, d.PublishedOn)).ToList(), spans);
        return new Result(board, spans.Count, truncated,
            set.Where(l => kinds.GetValueOrDefault(l.Id, (BoardKind)(-1)) == BoardKind.Figure).Select(l => l.Name).ToList(),
            set.Where(l => kinds.GetValueOrDefault(l.Id, (BoardKind)(-1)) == BoardKind.Claim).Select(l => l.Name).ToList());
    }
}
