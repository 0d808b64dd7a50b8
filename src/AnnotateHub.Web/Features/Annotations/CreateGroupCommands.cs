using System.Data.Common;
using AnnotateHub.Web.Data;

namespace AnnotateHub.Web.Features.Annotations;

/// <summary>
/// The statements of a group of creates (the common case of a busy document), prepared once per group on the writer's
/// connection and transaction (<see cref="PreparedSql"/>): the span (its id returned), an accepted suggestion's
/// decision, the annotator and label names for the view, the document's last sequence, and the change-log row. EF
/// Core's change tracker, SQL generation and query pipeline cost several times the statements themselves on this path
/// (docs/decisions/0026). Updates and deletes, which need the stored version, still go through EF. Table, column and
/// enum names come from the EF model (<see cref="ModelSql"/>, decision 0054); the annotation's insert is the import's too
/// (<see cref="AnnotationInsert"/>).
/// </summary>
internal sealed class CreateGroupCommands(AnnotateHubDbContext db) : IAsyncDisposable
{
    private readonly Sql _sql = ModelSql.Of(db).Statements(static s => new Sql(s));
    private DbCommand? _annotation, _decision, _userName, _labelName, _lastSequence, _change;

    public async Task<long> InsertAnnotationAsync(int documentId, string annotatorId, int start, int end, int labelId, string? note, DateTime at, string? attributes)
    {
        var command = _annotation ??= AnnotationInsert.Prepare(db, returningId: true);
        AnnotationInsert.Bind(command, documentId, annotatorId, start, end, labelId, note, at, attributes);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public Task InsertAcceptanceAsync(long suggestionId, string userId, long annotationId, DateTime at)
    {
        var command = _decision ??= Prepare(_sql.Acceptance, "@s", "@u", "@v", "@a", "@t");
        Bind(command, suggestionId, userId, _sql.Accepted, annotationId, at);
        return command.ExecuteNonQueryAsync();
    }

    /// <summary>As the annotation views name them: the display name, else the user name, else empty.</summary>
    public async Task<string> UserNameAsync(string userId)
    {
        var command = _userName ??= Prepare(_sql.UserNames, "@u");
        Bind(command, userId);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) return "";
        return !reader.IsDBNull(0) ? reader.GetString(0) : !reader.IsDBNull(1) ? reader.GetString(1) : "";
    }

    public async Task<string> LabelNameAsync(int labelId)
    {
        var command = _labelName ??= Prepare(_sql.LabelName, "@l");
        Bind(command, labelId);
        return await command.ExecuteScalarAsync() as string ?? "";
    }

    /// <summary>The document's latest change: its sequence (0 when none) and when it was committed.</summary>
    public async Task<(long Sequence, DateTime? At)> LastChangeAsync(int documentId)
    {
        var command = _lastSequence ??= Prepare(_sql.LastChange, "@d");
        Bind(command, documentId);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) return (0, null);
        return (reader.GetInt64(0), reader.GetDateTime(1));
    }

    public Task InsertChangeAsync(int documentId, long sequence, ChangeKind kind, long annotationId, string userId, DateTime at, string payload)
    {
        var command = _change ??= Prepare(_sql.Change, "@d", "@q", "@k", "@a", "@u", "@t", "@p");
        Bind(command, documentId, sequence, _sql.Kind(kind), annotationId, userId, at, payload);
        return command.ExecuteNonQueryAsync();
    }

    private DbCommand Prepare(string sql, params string[] names) => PreparedSql.Prepare(db, sql, names);

    private static void Bind(DbCommand command, params object?[] values) => PreparedSql.Bind(command, values);

    public async ValueTask DisposeAsync()
    {
        foreach (var c in new[] { _annotation, _decision, _userName, _labelName, _lastSequence, _change })
            if (c is not null) await c.DisposeAsync();
    }

    /// <summary>The statements' text, built once per model.</summary>
    private sealed class Sql
    {
        public Sql(ModelSql s)
        {
            Acceptance = s.Insert<SuggestionDecision>(
                (nameof(SuggestionDecision.SuggestionId), "@s"), (nameof(SuggestionDecision.UserId), "@u"), (nameof(SuggestionDecision.Verdict), "@v"),
                (nameof(SuggestionDecision.AnnotationId), "@a"), (nameof(SuggestionDecision.DecidedAt), "@t"));
            Accepted = s.ToProvider<SuggestionDecision>(nameof(SuggestionDecision.Verdict))(SuggestionVerdict.Accepted);
            UserNames = $"SELECT {s.Column<AppUser>(nameof(AppUser.DisplayName))}, {s.Column<AppUser>(nameof(AppUser.UserName))} FROM {s.Table<AppUser>()} WHERE {s.Column<AppUser>(nameof(AppUser.Id))} = @u";
            LabelName = $"SELECT {s.Column<LabelDefinition>(nameof(LabelDefinition.Name))} FROM {s.Table<LabelDefinition>()} WHERE {s.Column<LabelDefinition>(nameof(LabelDefinition.Id))} = @l";
            var sequence = s.Column<DocumentChange>(nameof(DocumentChange.Sequence));
            LastChange = $"SELECT {sequence}, {s.Column<DocumentChange>(nameof(DocumentChange.At))} FROM {s.Table<DocumentChange>()} " +
                $"WHERE {s.Column<DocumentChange>(nameof(DocumentChange.DocumentId))} = @d ORDER BY {sequence} DESC LIMIT 1";
            Change = s.Insert<DocumentChange>(
                (nameof(DocumentChange.DocumentId), "@d"), (nameof(DocumentChange.Sequence), "@q"), (nameof(DocumentChange.Kind), "@k"),
                (nameof(DocumentChange.AnnotationId), "@a"), (nameof(DocumentChange.UserId), "@u"), (nameof(DocumentChange.At), "@t"),
                (nameof(DocumentChange.Payload), "@p"));
            var kind = s.ToProvider<DocumentChange>(nameof(DocumentChange.Kind));
            Kind = k => kind(k);
        }

        public string Acceptance { get; }
        public object? Accepted { get; }
        public string UserNames { get; }
        public string LabelName { get; }
        public string LastChange { get; }
        public string Change { get; }
        public Func<ChangeKind, object?> Kind { get; }
    }
}
