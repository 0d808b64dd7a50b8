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

    /// <summary>
    /// The project's documents in id order as interchange documents, a batch at a time: every annotator's spans (or
    /// only <paramref name="annotatorId"/>'s), the gold layer, and who marked each document done. Labels and user
    /// names are read once, so the span query needs no joins.
    /// </summary>
    public async IAsyncEnumerable<InterchangeDocument> DocumentsAsync(int projectId, string? annotatorId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        Dictionary<int, string> labels;
        Dictionary<string, string> users;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            labels = await db.Labels.Where(l => l.ProjectId == projectId).ToDictionaryAsync(l => l.Id, l => l.Name, ct);
            users = await db.Users.ToDictionaryAsync(u => u.Id, u => u.UserName ?? u.Id, ct);
        }
        var lastId = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var documents = await db.Documents.AsNoTracking().Where(d => d.ProjectId == projectId && d.Id > lastId).OrderBy(d => d.Id).Take(BatchSize)
                .Select(d => new { d.Id, d.ExternalId, d.Title, d.Outlet, d.PublishedOn, d.Url, d.SourceName, d.ExtraMeta, d.Text }).ToListAsync(ct);
            if (documents.Count == 0) yield break;
            var ids = documents.Select(d => d.Id).ToList();
            var spans = db.Annotations.AsNoTracking().Where(a => ids.Contains(a.DocumentId));
            if (annotatorId is not null) spans = spans.Where(a => a.AnnotatorId == annotatorId);
            var rows = await spans.Select(a => new { a.DocumentId, a.AnnotatorId, a.Start, a.End, a.LabelId, a.Note, a.Id }).ToListAsync(ct);
            var gold = await db.GoldAnnotations.AsNoTracking().Where(g => ids.Contains(g.DocumentId))
                .Select(g => new { g.DocumentId, g.Start, g.End, g.LabelId }).ToListAsync(ct);
            var done = await db.Assignments.AsNoTracking().Where(a => ids.Contains(a.DocumentId) && a.State == AssignmentState.Done)
                .Select(a => new { a.DocumentId, a.UserId }).ToListAsync(ct);
            var spansOf = rows.ToLookup(r => r.DocumentId);
            var goldOf = gold.ToLookup(g => g.DocumentId);
            var doneOf = done.Where(d => annotatorId is null || d.UserId == annotatorId).ToLookup(d => d.DocumentId, d => users.GetValueOrDefault(d.UserId, d.UserId));

            foreach (var d in documents)
            {
                var meta = new Dictionary<string, string?>
                {
                    ["title"] = d.Title, ["outlet"] = d.Outlet, ["published"] = d.PublishedOn?.ToString("yyyy-MM-dd"),
                    ["url"] = d.Url, ["source"] = d.SourceName,
                };
                if (d.ExtraMeta is not null)
                {
                    foreach (var (key, value) in System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string?>>(d.ExtraMeta) ?? [])
                        meta.TryAdd(key, value);
                }
                yield return new InterchangeDocument(
                    d.ExternalId ?? d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), d.Text, meta,
                    doneOf[d.Id].Order(StringComparer.Ordinal).ToList(),
                    spansOf[d.Id].OrderBy(s => s.Start).ThenBy(s => s.End).ThenBy(s => s.Id)
                        .Select(s => new InterchangeSpan(users.GetValueOrDefault(s.AnnotatorId, s.AnnotatorId), s.Start, s.End, labels.GetValueOrDefault(s.LabelId, "?"),
                            s.Note is null ? null : new Dictionary<string, string> { ["note"] = s.Note })).ToList(),
                    goldOf[d.Id].OrderBy(g => g.Start).ThenBy(g => g.End).Select(g => new GoldSpan(g.Start, g.End, labels.GetValueOrDefault(g.LabelId, "?"))).ToList());
            }
            lastId = documents[^1].Id;
        }
    }

    public async Task<int> WriteJsonlAsync(int projectId, string? annotatorId, Stream output, CancellationToken ct = default)
    {
        var written = 0;
        using var buffer = new MemoryStream();
        await foreach (var document in DocumentsAsync(projectId, annotatorId, ct))
        {
            InterchangeJsonl.WriteLine(buffer, document);
            written++;
            if (buffer.Length >= 256 * 1024)
            {
                buffer.Position = 0;
                await buffer.CopyToAsync(output, ct);
                buffer.SetLength(0);
            }
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(output, ct);
        await output.FlushAsync(ct);
        return written;
    }
}
