using System.Data.Common;
using AnnotateHub.Web.Data;

namespace AnnotateHub.Web.Features.Annotations;

/// <summary>
/// The statements of a group of creates (the common case of a busy document), prepared once per group on the writer's
/// connection and transaction (<see cref="PreparedSql"/>): the span (its id returned), an accepted suggestion's
/// decision, the annotator and label names for the view, the document's last sequence, and the change-log row. EF
/// Core's change tracker, SQL generation and query pipeline cost several times the statements themselves on this path
/// (docs/decisions/0026). Updates and deletes, which need the stored version, still go through EF.
/// </summary>
internal sealed class CreateGroupCommands(AnnotateHubDbContext db) : IAsyncDisposable
{
    private DbCommand? _annotation, _decision, _userName, _labelName, _lastSequence, _change;

    public async Task<long> InsertAnnotationAsync(int documentId, string annotatorId, int start, int end, int labelId, string? note, DateTime at)
    {
        var command = _annotation ??= Prepare(
            """INSERT INTO "Annotations" ("DocumentId", "AnnotatorId", "Start", "End", "LabelId", "Note", "CreatedAt", "UpdatedAt", "Version") VALUES (@d, @a, @s, @e, @l, @n, @t, @t, 1) RETURNING "Id" """,
            "@d", "@a", "@s", "@e", "@l", "@n", "@t");
        Bind(command, documentId, annotatorId, start, end, labelId, note, at);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public Task InsertAcceptanceAsync(long suggestionId, string userId, long annotationId, DateTime at)
    {
        var command = _decision ??= Prepare(
            """INSERT INTO "SuggestionDecisions" ("SuggestionId", "UserId", "Verdict", "AnnotationId", "DecidedAt") VALUES (@s, @u, @v, @a, @t)""",
            "@s", "@u", "@v", "@a", "@t");
        Bind(command, suggestionId, userId, nameof(SuggestionVerdict.Accepted), annotationId, at);
        return command.ExecuteNonQueryAsync();
    }

    /// <summary>As the annotation views name them: the display name, else the user name, else empty.</summary>
    public async Task<string> UserNameAsync(string userId)
    {
        var command = _userName ??= Prepare("""SELECT "DisplayName", "UserName" FROM "AspNetUsers" WHERE "Id" = @u""", "@u");
        Bind(command, userId);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) return "";
        return !reader.IsDBNull(0) ? reader.GetString(0) : !reader.IsDBNull(1) ? reader.GetString(1) : "";
    }

    public async Task<string> LabelNameAsync(int labelId)
    {
        var command = _labelName ??= Prepare("""SELECT "Name" FROM "Labels" WHERE "Id" = @l""", "@l");
        Bind(command, labelId);
        return await command.ExecuteScalarAsync() as string ?? "";
    }

    public async Task<long> LastSequenceAsync(int documentId)
    {
        var command = _lastSequence ??= Prepare("""SELECT MAX("Sequence") FROM "DocumentChanges" WHERE "DocumentId" = @d""", "@d");
        Bind(command, documentId);
        return await command.ExecuteScalarAsync() is { } value and not DBNull ? Convert.ToInt64(value) : 0;
    }

    public Task InsertChangeAsync(int documentId, long sequence, ChangeKind kind, long annotationId, string userId, DateTime at, string payload)
    {
        var command = _change ??= Prepare(
            """INSERT INTO "DocumentChanges" ("DocumentId", "Sequence", "Kind", "AnnotationId", "UserId", "At", "Payload") VALUES (@d, @q, @k, @a, @u, @t, @p)""",
            "@d", "@q", "@k", "@a", "@u", "@t", "@p");
        Bind(command, documentId, sequence, kind.ToString(), annotationId, userId, at, payload);
        return command.ExecuteNonQueryAsync();
    }

    private DbCommand Prepare(string sql, params string[] names) => PreparedSql.Prepare(db, sql, names);

    private static void Bind(DbCommand command, params object?[] values) => PreparedSql.Bind(command, values);

    public async ValueTask DisposeAsync()
    {
        foreach (var c in new[] { _annotation, _decision, _userName, _labelName, _lastSequence, _change })
            if (c is not null) await c.DisposeAsync();
    }
}
