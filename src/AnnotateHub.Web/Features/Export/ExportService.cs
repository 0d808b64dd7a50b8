using AnnotateHub.Core.Formats;
using AnnotateHub.Core.Labels;
using AnnotateHub.Core.Projects;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Curation;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Export;

/// <summary>
/// Writes a project's documents and spans in any export format (Core/Formats), a batch of documents at a time, so
/// memory stays flat however large the project. Callers check that the user may export (supervisors) first.
/// </summary>
public sealed class ExportService(IDbContextFactory<AnnotateHubDbContext> dbFactory)
{
    public const int BatchSize = 200;

    /// <summary>The team member called <paramref name="userName"/> (any case): id and name as stored; null for anyone else.</summary>
    private async Task<(string Id, string UserName)?> MemberAsync(int projectId, string userName, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var normalized = userName.Trim().ToUpperInvariant();
        var member = await (from m in db.ProjectMembers
                            join u in db.Users on m.UserId equals u.Id
                            where m.ProjectId == projectId && u.NormalizedUserName == normalized
                            select new { u.Id, u.UserName }).FirstOrDefaultAsync(ct);
        return member is null ? null : (member.Id, member.UserName ?? member.Id);
    }

    /// <summary>
    /// The project's documents in id order as interchange documents, a batch at a time: every annotator's spans (or
    /// only <paramref name="annotatorId"/>'s), the gold layer with each span's provenance, whether the document is curated,
    /// and who marked each document done. Labels and user
    /// names are read once, so the span query needs no joins.
    /// </summary>
    public IAsyncEnumerable<InterchangeDocument> DocumentsAsync(int projectId, string? annotatorId, CancellationToken ct = default) =>
        DocumentsAsync(projectId, annotatorId, suggestions: false, ct);

    /// <summary>
    /// As <see cref="DocumentsAsync(int, string?, CancellationToken)"/>; with <paramref name="suggestions"/> the annotations
    /// are the pending suggestions instead (no one has accepted or rejected them), each with its source as the annotator
    /// and its values, and there is no gold and no one finished a document.
    /// </summary>
    public async IAsyncEnumerable<InterchangeDocument> DocumentsAsync(int projectId, string? annotatorId, bool suggestions,
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
                .Select(d => new { d.Id, d.ExternalId, d.Title, d.Outlet, d.PublishedOn, d.Url, d.SourceName, d.ExtraMeta, d.Text, Curated = d.CuratedAt != null }).ToListAsync(ct);
            if (documents.Count == 0) yield break;
            // The batch's spans by the range of its ids (two parameters, an index range on DocumentId), kept to the
            // project's documents: no list of ids in the SQL (decision 0036).
            int first = documents[0].Id, last = documents[^1].Id;
            var spans = db.Annotations.AsNoTracking().Where(a => a.DocumentId >= first && a.DocumentId <= last
                && db.Documents.Any(d => d.Id == a.DocumentId && d.ProjectId == projectId));
            if (annotatorId is not null) spans = spans.Where(a => a.AnnotatorId == annotatorId);
            var rows = suggestions
                ? await db.Suggestions.AsNoTracking().Where(x => x.DocumentId >= first && x.DocumentId <= last
                        && db.Documents.Any(d => d.Id == x.DocumentId && d.ProjectId == projectId)
                        && !db.SuggestionDecisions.Any(v => v.SuggestionId == x.Id))
                    .Select(x => new { x.DocumentId, AnnotatorId = x.Source, x.Start, x.End, x.LabelId, Note = (string?)null, x.Attributes, x.Id }).ToListAsync(ct)
                : await spans.Select(a => new { a.DocumentId, a.AnnotatorId, a.Start, a.End, a.LabelId, a.Note, a.Attributes, a.Id }).ToListAsync(ct);
            var gold = await db.GoldAnnotations.AsNoTracking().Where(g => !suggestions && g.DocumentId >= first && g.DocumentId <= last
                    && db.Documents.Any(d => d.Id == g.DocumentId && d.ProjectId == projectId))
                .Select(g => new { g.DocumentId, g.Start, g.End, g.LabelId, g.Id, g.Origin, g.Rule, g.CuratorId, g.Sources, g.Note, g.Attributes }).ToListAsync(ct);
            var documentLabels = suggestions ? [] : await db.DocumentLabels.AsNoTracking().Where(l => l.DocumentId >= first && l.DocumentId <= last
                    && db.Documents.Any(d => d.Id == l.DocumentId && d.ProjectId == projectId) && (annotatorId == null || l.AnnotatorId == annotatorId))
                .Select(l => new { l.DocumentId, l.AnnotatorId, l.Values }).ToListAsync(ct);
            var documentLabelsOf = documentLabels.ToLookup(l => l.DocumentId);
            var done = await db.Assignments.AsNoTracking().Where(a => !suggestions && a.ProjectId == projectId && a.DocumentId >= first && a.DocumentId <= last && a.State == AssignmentState.Done)
                .Select(a => new { a.DocumentId, a.UserId }).ToListAsync(ct);
            var spansOf = rows.ToLookup(r => r.DocumentId);
            var goldOf = gold.ToLookup(g => g.DocumentId);
            var doneOf = done.Where(d => annotatorId is null || d.UserId == annotatorId).ToLookup(d => d.DocumentId, d => users.GetValueOrDefault(d.UserId, d.UserId));

            foreach (var d in documents)
            {
                var meta = new Dictionary<string, string?>
                {
                    ["title"] = d.Title, ["outlet"] = d.Outlet, ["published"] = d.PublishedOn?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
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
                            SpanAttributes(s.Attributes, s.Note))).ToList(),
                    goldOf[d.Id].OrderBy(g => g.Start).ThenBy(g => g.End).ThenBy(g => g.Id)
                        .Select(g => new GoldSpan(g.Start, g.End, labels.GetValueOrDefault(g.LabelId, "?"), new GoldProvenance(
                            OriginText(g.Origin), g.Rule, g.CuratorId is null ? null : users.GetValueOrDefault(g.CuratorId, g.CuratorId),
                            CurationService.SplitSources(g.Sources), g.Note), NullIfEmpty(AttributeJson.ParseValues(g.Attributes)))).ToList(),
                    d.Curated && !suggestions,
                    documentLabelsOf[d.Id].Select(l => new InterchangeDocumentLabel(users.GetValueOrDefault(l.AnnotatorId, l.AnnotatorId), AttributeJson.ParseValues(l.Values)))
                        .Where(l => l.Values.Count > 0).OrderBy(l => l.Annotator, StringComparer.Ordinal).ToList() is { Count: > 0 } said ? said : null);
            }
            lastId = documents[^1].Id;
        }
    }

    private static IReadOnlyDictionary<string, string>? NullIfEmpty(IReadOnlyDictionary<string, string> values) => values.Count > 0 ? values : null;

    /// <summary>A span's values (its canonical JSON) with its note under "note", as the interchange span holds them; null for neither.</summary>
    public static IReadOnlyDictionary<string, string>? SpanAttributes(string? values, string? note)
    {
        var attributes = new Dictionary<string, string>(AttributeJson.ParseValues(values), StringComparer.Ordinal);
        attributes.Remove(AttributeRules.ReservedName);
        if (note is not null) attributes[AttributeRules.ReservedName] = note;
        return attributes.Count > 0 ? attributes : null;
    }

    /// <summary>
    /// The options with what the formats need to know of the project's attributes: each label's definitions (brat's A
    /// lines) and, unless given, the attribute names of the CSV and Parquet columns: every name a label defines or a
    /// span has a value for, in ordinal order (a light read of the values column).
    /// </summary>
    public async Task<ExportOptions> WithAttributesAsync(int projectId, ExportOptions options, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var labels = await db.Labels.AsNoTracking().Where(l => l.ProjectId == projectId).Select(l => new { l.Name, l.Attributes }).ToListAsync(ct);
        var definitions = labels.ToDictionary(l => l.Name, l => AttributeJson.ParseDefinitions(l.Attributes), StringComparer.Ordinal);
        if (options.AttributeNames is null)
        {
            var values = await db.Annotations.AsNoTracking()
                .Where(a => a.Attributes != null && db.Documents.Any(d => d.Id == a.DocumentId && d.ProjectId == projectId))
                .Select(a => a.Attributes).Distinct().ToListAsync(ct);
            if (options.Layer.Kind == SpanLayerKind.Suggestions)
                values.AddRange(await db.Suggestions.AsNoTracking()
                    .Where(x => x.Attributes != null && db.Documents.Any(d => d.Id == x.DocumentId && d.ProjectId == projectId))
                    .Select(x => x.Attributes).Distinct().ToListAsync(ct));
            var names = definitions.Values.SelectMany(d => d.Select(x => x.Name.Trim()))
                .Concat(values.SelectMany(v => AttributeJson.ParseValues(v).Keys))
                .Where(n => n != AttributeRules.ReservedName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            options = options with { AttributeNames = names };
        }
        return options with { AttributeDefinitions = definitions };
    }

    /// <summary>The origin as exports write it: "imported", "unanimous", "merged" or "adjudicated".</summary>
    public static string OriginText(GoldOrigin origin) => origin switch
    {
        GoldOrigin.Unanimous => GoldProvenance.Unanimous,
        GoldOrigin.Merged => GoldProvenance.Merged,
        GoldOrigin.Adjudicated => GoldProvenance.Adjudicated,
        _ => GoldProvenance.Imported,
    };

    /// <summary>
    /// Checks what only the database knows about a parsed request (that a named annotator is on the team) and returns
    /// the request with the annotator's name as stored, or an error.
    /// </summary>
    public async Task<(ExportRequest? Request, string? Error)> ResolveAsync(int projectId, ExportRequest request, CancellationToken ct = default)
    {
        if (request.Options.Layer.Kind != SpanLayerKind.Annotator) return (request, null);
        var name = request.Options.Layer.AnnotatorName!;
        return await MemberAsync(projectId, name, ct) is { } member
            ? (request with { Options = request.Options with { Layer = SpanLayer.OfAnnotator(member.UserName) } }, null)
            : (null, $"\"{name}\" is not a member of this project.");
    }

    public async Task<int> CountAsync(int projectId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Documents.CountAsync(d => d.ProjectId == projectId, ct);
    }

    /// <summary>
    /// The options of a (resolved) request with its split, if any, planned from each document's id, outlet and date
    /// (a light read of the whole project).
    /// </summary>
    public async Task<ExportOptions> OptionsAsync(int projectId, ExportRequest request, CancellationToken ct = default)
    {
        if (request.Split is null) return request.Options;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var facts = await db.Documents.AsNoTracking().Where(d => d.ProjectId == projectId)
            .Select(d => new { d.Id, d.ExternalId, d.Outlet, d.PublishedOn }).ToListAsync(ct);
        return request.OptionsFor(facts.Select(f => new DocumentFacts(
            f.ExternalId ?? f.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), f.Outlet, f.PublishedOn?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))));
    }

    /// <summary>
    /// Streams the project's documents through the format's writer. <paramref name="progress"/> hears the number of
    /// documents read so far. Returns how many documents were written.
    /// </summary>
    public async Task<int> WriteAsync(int projectId, IExportFormat format, ExportOptions options, Stream output, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        string? onlyAnnotator = null;
        if (options.Layer.Kind == SpanLayerKind.Annotator)
            onlyAnnotator = (await MemberAsync(projectId, options.Layer.AnnotatorName!, ct))?.Id;
        options = await WithAttributesAsync(projectId, options, ct);
        var count = 0;
        async IAsyncEnumerable<InterchangeDocument> Counted()
        {
            await foreach (var document in DocumentsAsync(projectId, onlyAnnotator, options.Layer.Kind == SpanLayerKind.Suggestions, ct))
            {
                yield return document;
                count++;
                if (count % 100 == 0) progress?.Report(count);
            }
        }
        await format.WriteAsync(Counted(), output, options, ct);
        await output.FlushAsync(ct);
        progress?.Report(count);
        return count;
    }
}
