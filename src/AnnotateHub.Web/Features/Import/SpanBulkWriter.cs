using System.Data.Common;
using AnnotateHub.Core.Projects;
using AnnotateHub.Web.Data;

namespace AnnotateHub.Web.Features.Import;

/// <summary>
/// Inserts an import's spans and assignments with prepared commands on the import's own connection and transaction.
/// EF Core's change tracker costs about ten times the insert itself at a million rows (docs/benchmarks.md); documents,
/// labels and accounts still go through EF. Prepared with <see cref="PreparedSql"/>, with table, column and enum names
/// from the EF model (<see cref="ModelSql"/>, decision 0054); the annotation's insert is the live creates' too
/// (<see cref="AnnotationInsert"/>). The integration tests read every column back through EF.
/// </summary>
internal sealed class SpanBulkWriter(AnnotateHubDbContext db) : IAsyncDisposable
{
    private readonly Sql _sql = ModelSql.Of(db).Statements(static s => new Sql(s));
    private DbCommand? _annotation, _gold, _suggestion, _assignment, _staged;

    /// <summary>An annotation with its note and its checked attribute values (canonical JSON, or null).</summary>
    public async Task AnnotationAsync(int documentId, string annotatorId, int start, int end, int labelId, string? note, string? attributes, DateTime at, CancellationToken ct)
    {
        var command = _annotation ??= AnnotationInsert.Prepare(db, returningId: false);
        AnnotationInsert.Bind(command, documentId, annotatorId, start, end, labelId, note, at, attributes);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A gold span with its provenance (imported, with no rule, curator, sources or note, when the file gave none).</summary>
    public Task GoldAsync(int documentId, int start, int end, int labelId, DateTime at, CancellationToken ct,
        GoldOrigin origin = GoldOrigin.Imported, string? rule = null, string? curatorId = null, string? sources = null, string? note = null, string? attributes = null) =>
        RunAsync(_gold ??= Prepare(_sql.Gold, "@d", "@s", "@e", "@l", "@t", "@o", "@r", "@c", "@n", "@x", "@a"), ct,
            documentId, start, end, labelId, at, _sql.Origin(origin), rule, curatorId, sources, note, attributes);

    /// <summary>A suggestion with its checked attribute values (canonical JSON, or null).</summary>
    public Task SuggestionAsync(int documentId, string source, int start, int end, int labelId, string? attributes, DateTime at, CancellationToken ct) =>
        RunAsync(_suggestion ??= Prepare(_sql.Suggestion, "@d", "@o", "@s", "@e", "@l", "@t", "@a"), ct, documentId, source, start, end, labelId, at, attributes);

    public Task AssignmentAsync(int documentId, string userId, int projectId, AssignmentState state, DateTime at, CancellationToken ct) =>
        RunAsync(_assignment ??= Prepare(_sql.Assignment, "@d", "@u", "@p", "@s", "@t", "@x"), ct, documentId, userId, projectId, _sql.State(state), at,
            state == AssignmentState.Done ? at : null);

    /// <summary>A span for a document the project already has, held until the import's final commit (decision 0030); a gold
    /// span with its provenance (the curator in <paramref name="who"/>).</summary>
    public Task StagedAsync(int batchId, int documentId, StagedSpanKind kind, string? who, int start, int end, int labelId, string? note, CancellationToken ct,
        GoldOrigin? origin = null, string? rule = null, string? sources = null, string? attributes = null) =>
        RunAsync(_staged ??= Prepare(_sql.Staged, "@b", "@d", "@k", "@w", "@s", "@e", "@l", "@n", "@o", "@r", "@x", "@a"), ct,
            batchId, documentId, _sql.Kind(kind), who, start, end, labelId, note, _sql.StagedOrigin(origin), rule, sources, attributes);

    private DbCommand Prepare(string sql, params string[] names) => PreparedSql.Prepare(db, sql, names);

    private static async Task RunAsync(DbCommand command, CancellationToken ct, params object?[] values)
    {
        PreparedSql.Bind(command, values);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in new[] { _annotation, _gold, _suggestion, _assignment, _staged })
            if (c is not null) await c.DisposeAsync();
    }

    /// <summary>The statements' text, built once per model.</summary>
    private sealed class Sql
    {
        public Sql(ModelSql s)
        {
            Gold = s.Insert<GoldAnnotation>(
                (nameof(GoldAnnotation.DocumentId), "@d"), (nameof(GoldAnnotation.Start), "@s"), (nameof(GoldAnnotation.End), "@e"),
                (nameof(GoldAnnotation.LabelId), "@l"), (nameof(GoldAnnotation.CreatedAt), "@t"), (nameof(GoldAnnotation.Origin), "@o"),
                (nameof(GoldAnnotation.Rule), "@r"), (nameof(GoldAnnotation.CuratorId), "@c"), (nameof(GoldAnnotation.Sources), "@n"),
                (nameof(GoldAnnotation.Note), "@x"), (nameof(GoldAnnotation.Attributes), "@a"));
            Suggestion = s.Insert<Suggestion>(
                (nameof(Data.Suggestion.DocumentId), "@d"), (nameof(Data.Suggestion.Source), "@o"), (nameof(Data.Suggestion.Start), "@s"),
                (nameof(Data.Suggestion.End), "@e"), (nameof(Data.Suggestion.LabelId), "@l"), (nameof(Data.Suggestion.CreatedAt), "@t"),
                (nameof(Data.Suggestion.Attributes), "@a"));
            Assignment = s.Insert<Assignment>(
                (nameof(Data.Assignment.DocumentId), "@d"), (nameof(Data.Assignment.UserId), "@u"), (nameof(Data.Assignment.ProjectId), "@p"),
                (nameof(Data.Assignment.State), "@s"), (nameof(Data.Assignment.AssignedAt), "@t"), (nameof(Data.Assignment.StartedAt), "@t"),
                (nameof(Data.Assignment.DoneAt), "@x"));
            Staged = s.Insert<ImportStagedSpan>(
                (nameof(ImportStagedSpan.BatchId), "@b"), (nameof(ImportStagedSpan.DocumentId), "@d"), (nameof(ImportStagedSpan.Kind), "@k"),
                (nameof(ImportStagedSpan.Who), "@w"), (nameof(ImportStagedSpan.Start), "@s"), (nameof(ImportStagedSpan.End), "@e"),
                (nameof(ImportStagedSpan.LabelId), "@l"), (nameof(ImportStagedSpan.Note), "@n"), (nameof(ImportStagedSpan.Origin), "@o"),
                (nameof(ImportStagedSpan.Rule), "@r"), (nameof(ImportStagedSpan.Sources), "@x"), (nameof(ImportStagedSpan.Attributes), "@a"));
            var state = s.ToProvider<Assignment>(nameof(Data.Assignment.State));
            State = v => state(v);
            var kind = s.ToProvider<ImportStagedSpan>(nameof(ImportStagedSpan.Kind));
            Kind = v => kind(v);
            var origin = s.ToProvider<GoldAnnotation>(nameof(GoldAnnotation.Origin));
            Origin = v => origin(v);
            var stagedOrigin = s.ToProvider<ImportStagedSpan>(nameof(ImportStagedSpan.Origin));
            StagedOrigin = v => v is null ? null : stagedOrigin(v);
        }

        public string Gold { get; }
        public string Suggestion { get; }
        public string Assignment { get; }
        public string Staged { get; }
        public Func<AssignmentState, object?> State { get; }
        public Func<StagedSpanKind, object?> Kind { get; }
        public Func<GoldOrigin, object?> Origin { get; }
        public Func<GoldOrigin?, object?> StagedOrigin { get; }
    }
}
