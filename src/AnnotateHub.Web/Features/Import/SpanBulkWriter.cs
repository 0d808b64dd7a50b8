using System.Data.Common;
using AnnotateHub.Core.Projects;
using AnnotateHub.Web.Data;

namespace AnnotateHub.Web.Features.Import;

/// <summary>
/// Inserts an import's spans and assignments with prepared commands on the import's own connection and transaction.
/// EF Core's change tracker costs about ten times the insert itself at a million rows (docs/benchmarks.md); documents,
/// labels and accounts still go through EF. Prepared with <see cref="PreparedSql"/>; the integration tests read every
/// column back through EF.
/// </summary>
internal sealed class SpanBulkWriter(AnnotateHubDbContext db) : IAsyncDisposable
{
    private DbCommand? _annotation, _gold, _suggestion, _assignment, _staged;

    public Task AnnotationAsync(int documentId, string annotatorId, int start, int end, int labelId, string? note, DateTime at, CancellationToken ct) =>
        RunAsync(_annotation ??= Prepare(
            """INSERT INTO "Annotations" ("DocumentId", "AnnotatorId", "Start", "End", "LabelId", "Note", "CreatedAt", "UpdatedAt", "Version") VALUES (@d, @a, @s, @e, @l, @n, @t, @t, 1)""",
            "@d", "@a", "@s", "@e", "@l", "@n", "@t"), ct, documentId, annotatorId, start, end, labelId, note, at);

    public Task GoldAsync(int documentId, int start, int end, int labelId, DateTime at, CancellationToken ct) =>
        RunAsync(_gold ??= Prepare(
            """INSERT INTO "GoldAnnotations" ("DocumentId", "Start", "End", "LabelId", "CreatedAt") VALUES (@d, @s, @e, @l, @t)""",
            "@d", "@s", "@e", "@l", "@t"), ct, documentId, start, end, labelId, at);

    public Task SuggestionAsync(int documentId, string source, int start, int end, int labelId, DateTime at, CancellationToken ct) =>
        RunAsync(_suggestion ??= Prepare(
            """INSERT INTO "Suggestions" ("DocumentId", "Source", "Start", "End", "LabelId", "CreatedAt") VALUES (@d, @o, @s, @e, @l, @t)""",
            "@d", "@o", "@s", "@e", "@l", "@t"), ct, documentId, source, start, end, labelId, at);

    public Task AssignmentAsync(int documentId, string userId, int projectId, AssignmentState state, DateTime at, CancellationToken ct) =>
        RunAsync(_assignment ??= Prepare(
            """INSERT INTO "Assignments" ("DocumentId", "UserId", "ProjectId", "State", "AssignedAt", "StartedAt", "DoneAt") VALUES (@d, @u, @p, @s, @t, @t, @x)""",
            "@d", "@u", "@p", "@s", "@t", "@x"), ct, documentId, userId, projectId, state.ToString(), at,
            state == AssignmentState.Done ? at : null);

    /// <summary>A span for a document the project already has, held until the import's final commit (decision 0030).</summary>
    public Task StagedAsync(int batchId, int documentId, StagedSpanKind kind, string? who, int start, int end, int labelId, string? note, CancellationToken ct) =>
        RunAsync(_staged ??= Prepare(
            """INSERT INTO "ImportStagedSpans" ("BatchId", "DocumentId", "Kind", "Who", "Start", "End", "LabelId", "Note") VALUES (@b, @d, @k, @w, @s, @e, @l, @n)""",
            "@b", "@d", "@k", "@w", "@s", "@e", "@l", "@n"), ct, batchId, documentId, kind.ToString(), who, start, end, labelId, note);

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
}
