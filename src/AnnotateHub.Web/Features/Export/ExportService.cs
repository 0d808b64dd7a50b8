using AnnotateHub.Core.Formats;
using AnnotateHub.Core.Projects;
using AnnotateHub.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Export;

/// <summary>Which spans an export holds: every annotator's, or one annotator's.</summary>
public sealed record ExportLayer(string? Annotator)
{
    public static readonly ExportLayer All = new((string?)null);

    /// <summary>Reads "all" or "annotator:NAME"; anything else is an error a person can act on.</summary>
    public static (ExportLayer? Layer, string? Error) Parse(string? text)
    {
        var value = (text ?? "all").Trim();
        if (value.Equals("all", StringComparison.OrdinalIgnoreCase)) return (All, null);
        if (value.StartsWith("annotator:", StringComparison.OrdinalIgnoreCase) && value.Length > "annotator:".Length)
            return (new ExportLayer(value["annotator:".Length..]), null);
        if (value.Equals("gold", StringComparison.OrdinalIgnoreCase))
            return (null, "The gold layer comes with curation, which this version does not have yet; export \"all\" or \"annotator:NAME\".");
        return (null, $"Unknown layer \"{value}\"; use \"all\" or \"annotator:NAME\".");
    }
}

/// <summary>
/// Writes a project's documents and spans in the JSONL interchange format, a batch of documents at a time, so memory
/// stays flat however large the project. Callers check that the user may export (supervisors) first.
/// </summary>
public sealed class ExportService(IDbContextFactory<AnnotateHubDbContext> dbFactory)
{
    public const int BatchSize = 200;

    /// <summary>Null when the layer names an annotator who is not a member of the project.</summary>
    public async Task<string?> ResolveAnnotatorAsync(int projectId, string userName, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var normalized = userName.Trim().ToUpperInvariant();
        return await (from m in db.ProjectMembers
                      join u in db.Users on m.UserId equals u.Id
                      where m.ProjectId == projectId && u.NormalizedUserName == normalized
                      select u.Id).FirstOrDefaultAsync(ct);
    }

    public async Task<int> WriteJsonlAsync(int projectId, string? annotatorId, Stream output, CancellationToken ct = default)
    {
        var written = 0;
        var lastId = 0;
        using var buffer = new MemoryStream();
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var documents = await db.Documents.AsNoTracking().Where(d => d.ProjectId == projectId && d.Id > lastId).OrderBy(d => d.Id).Take(BatchSize)
                .Select(d => new { d.Id, d.Title, d.Outlet, d.PublishedOn, d.Url, d.SourceName, d.Text }).ToListAsync(ct);
            if (documents.Count == 0) break;
            var ids = documents.Select(d => d.Id).ToList();
            var spans = db.Annotations.AsNoTracking().Where(a => ids.Contains(a.DocumentId));
            if (annotatorId is not null) spans = spans.Where(a => a.AnnotatorId == annotatorId);
            var rows = await spans.OrderBy(a => a.DocumentId).ThenBy(a => a.Start).ThenBy(a => a.End).ThenBy(a => a.Id)
                .Select(a => new { a.DocumentId, Annotator = a.Annotator!.UserName!, a.Start, a.End, Label = a.Label!.Name, a.Note })
                .ToListAsync(ct);
            var done = await db.Assignments.AsNoTracking().Where(a => ids.Contains(a.DocumentId) && a.State == AssignmentState.Done)
                .Join(db.Users, a => a.UserId, u => u.Id, (a, u) => new { a.DocumentId, a.UserId, u.UserName })
                .ToListAsync(ct);
            var spansOf = rows.ToLookup(r => r.DocumentId);
            var doneOf = done.Where(d => annotatorId is null || d.UserId == annotatorId).ToLookup(d => d.DocumentId, d => d.UserName!);

            buffer.SetLength(0);
            foreach (var d in documents)
            {
                var meta = new Dictionary<string, string?>
                {
                    ["title"] = d.Title, ["outlet"] = d.Outlet, ["published"] = d.PublishedOn?.ToString("yyyy-MM-dd"),
                    ["url"] = d.Url, ["source"] = d.SourceName,
                };
                InterchangeJsonl.WriteLine(buffer, new InterchangeDocument(
                    d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), d.Text, meta,
                    doneOf[d.Id].Order(StringComparer.Ordinal).ToList(),
                    spansOf[d.Id].Select(s => new InterchangeSpan(s.Annotator, s.Start, s.End, s.Label,
                        s.Note is null ? null : new Dictionary<string, string> { ["note"] = s.Note })).ToList(),
                    []));
                written++;
            }
            buffer.Position = 0;
            await buffer.CopyToAsync(output, ct);
            await output.FlushAsync(ct);
            lastId = documents[^1].Id;
        }
        return written;
    }
}
