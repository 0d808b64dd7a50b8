using System.Runtime.CompilerServices;
using AnnotateHub.Core.Agreement;
using AnnotateHub.Core.Labels;
using AnnotateHub.Core.Projects;
using AnnotateHub.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Agreement;

/// <summary>
/// Reads a project's documents, spans and done assignments for the agreement report, a batch of documents at a time,
/// so memory stays flat however large the project. For each document, the annotators who count are those whose
/// assignment is Done; their spans count, anyone else's do not. Callers check who may see the report (supervisors).
/// </summary>
public sealed class AgreementService(IDbContextFactory<AnnotateHubDbContext> dbFactory, Labels.DocumentLabelService documentLabels)
{
    public const int BatchSize = 200;

    /// <summary>
    /// The agreement report of the project: every document someone marked done, read a batch at a time. Unless
    /// <paramref name="options"/> gives them, the labels' attribute definitions say which values are compared and how.
    /// </summary>
    public async Task<AgreementReport> ComputeAsync(int projectId, AgreementOptions? options = null, CancellationToken ct = default)
    {
        options ??= AgreementOptions.Default;
        if (options.LabelAttributes is null) options = options with { LabelAttributes = await LabelAttributesAsync(projectId, ct) };
        var calculator = new AgreementCalculator(options);
        await foreach (var document in ReadDocumentsAsync(projectId, ct)) calculator.Add(document);
        var report = calculator.Build();
        // What annotators say about whole documents, after what the spans say (label "(document)").
        var documents = await documentLabels.AgreementAsync(projectId, ct);
        return documents.Count == 0 ? report : report with { Attributes = [.. report.Attributes, .. documents] };
    }

    /// <summary>The attribute definitions of the project's labels, by label name (a label without attributes has an empty list).</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<AttributeDefinition>>> LabelAttributesAsync(int projectId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var labels = await db.Labels.AsNoTracking().Where(l => l.ProjectId == projectId).Select(l => new { l.Name, l.Attributes }).ToListAsync(ct);
        var result = new Dictionary<string, IReadOnlyList<AttributeDefinition>>(StringComparer.Ordinal);
        foreach (var l in labels) result[l.Name] = AttributeJson.ParseDefinitions(l.Attributes);
        return result;
    }

    /// <summary>The project's documents that someone marked done, in id order, each with the annotators who did and their
    /// spans. The others say nothing about agreement (the calculator skips them), so their text is never read.</summary>
    public async IAsyncEnumerable<AgreementDocument> ReadDocumentsAsync(int projectId, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var lastId = 0;
        while (true)
        {
            List<int> ids;
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                ids = await db.Assignments.AsNoTracking().Where(a => a.ProjectId == projectId && a.State == AssignmentState.Done && a.DocumentId > lastId)
                    .Select(a => a.DocumentId).Distinct().OrderBy(id => id).Take(BatchSize).ToListAsync(ct);
            }
            if (ids.Count == 0) yield break;
            foreach (var document in await ReadBatchAsync(projectId, ids, ct)) yield return document;
            lastId = ids[^1];
        }
    }

    /// <summary>The project's documents with these ids, in the order given (ids of other projects are skipped).</summary>
    public async IAsyncEnumerable<AgreementDocument> ReadDocumentsAsync(int projectId, IReadOnlyList<int> documentIds, [EnumeratorCancellation] CancellationToken ct = default)
    {
        for (var i = 0; i < documentIds.Count; i += BatchSize)
        {
            foreach (var document in await ReadBatchAsync(projectId, documentIds.Skip(i).Take(BatchSize).ToList(), ct)) yield return document;
        }
    }

    private async Task<List<AgreementDocument>> ReadBatchAsync(int projectId, List<int> ids, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var texts = await db.Documents.AsNoTracking().Where(d => d.ProjectId == projectId && ids.Contains(d.Id))
            .Select(d => new { d.Id, d.Text }).ToDictionaryAsync(d => d.Id, d => d.Text, ct);
        var done = await db.Assignments.AsNoTracking().Where(a => ids.Contains(a.DocumentId) && a.State == AssignmentState.Done)
            .Join(db.Users, a => a.UserId, u => u.Id, (a, u) => new { a.DocumentId, a.UserId, u.UserName })
            .ToListAsync(ct);
        // Only the spans of annotators who are done with the document, chosen in the database: the rest would be dropped anyway.
        // The ids are one batch (at most BatchSize), never the project's.
        var spans = await db.Annotations.AsNoTracking()
            .Where(a => ids.Contains(a.DocumentId)
                        && db.Assignments.Any(s => s.DocumentId == a.DocumentId && s.UserId == a.AnnotatorId && s.State == AssignmentState.Done))
            .Select(a => new { a.DocumentId, Annotator = a.Annotator!.UserName!, a.Start, a.End, Label = a.Label!.Name, a.Attributes })
            .ToListAsync(ct);
        var spansOf = spans.ToLookup(s => s.DocumentId);
        var doneOf = done.ToLookup(d => d.DocumentId, d => d.UserName!);
        return ids.Where(texts.ContainsKey).Select(id => AgreementDocument.FromText(id.ToString(System.Globalization.CultureInfo.InvariantCulture), texts[id],
            doneOf[id], spansOf[id].Select(s => new AgreementSpan(s.Annotator, s.Start, s.End, s.Label,
                s.Attributes is null ? null : AttributeJson.ParseValues(s.Attributes))))).ToList();
    }
}
