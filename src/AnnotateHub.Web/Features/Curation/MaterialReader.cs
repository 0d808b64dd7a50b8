using System.Data.Common;
using AnnotateHub.Core.Projects;
using AnnotateHub.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace AnnotateHub.Web.Features.Curation;

/// <summary>
/// What a whole-project merge reads of a range of documents (spans, assignments, gold, rejections), with plain readers
/// on the context's connection and transaction: a merge reads a million spans and a third of a million gold spans, and
/// EF Core's materializer took most of the read's time. Names and enum conversions from the model (decision 0054);
/// one indexed range per table, no list of ids in the SQL (decision 0036). The rows are what EF Core would read.
/// </summary>
internal static class MaterialReader
{
    /// <summary>The material of these documents of the project (ids ascending), read by their id range; documents of the
    /// range not asked for are dropped, and every id asked for gets its material (empty where nothing was read).</summary>
    public static async Task<Dictionary<int, CurationService.Material>> ReadRangeAsync(AnnotateHubDbContext db, int projectId, List<int> ids, CancellationToken ct)
    {
        int first = ids[0], last = ids[^1];
        var sql = ModelSql.Of(db).Statements(static m => new Sql(m));
        await db.Database.OpenConnectionAsync(ct);
        // Each user id string is shared by all its rows (a million spans, a handful of annotators).
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        string User(DbDataReader r, int i)
        {
            var id = r.GetString(i);
            if (!users.TryGetValue(id, out var shared)) users[id] = shared = id;
            return shared;
        }

        var spans = await ReadAsync(db, sql.Spans, first, last, null, r =>
            new CurationService.SpanRow(r.GetInt64(0), r.GetInt32(1), User(r, 2), r.GetInt32(3), r.GetInt32(4), r.GetInt32(5), null, String(r, 6)), s => s.DocumentId, ct);
        var assignments = await ReadAsync(db, sql.Assignments, first, last, projectId, r =>
            new CurationService.AssignmentRow(r.GetInt32(0), User(r, 1), (AssignmentState)sql.State(r.GetValue(2))!), a => a.DocumentId, ct);
        var gold = await ReadAsync(db, sql.Gold, first, last, null, r => new GoldAnnotation
        {
            Id = r.GetInt64(0), DocumentId = r.GetInt32(1), Start = r.GetInt32(2), End = r.GetInt32(3), LabelId = r.GetInt32(4),
            CreatedAt = r.GetDateTime(5), Origin = (GoldOrigin)sql.Origin(r.GetValue(6))!, Rule = String(r, 7),
            CuratorId = r.IsDBNull(8) ? null : User(r, 8), Sources = String(r, 9), Note = String(r, 10),
            UpdatedAt = r.IsDBNull(11) ? null : r.GetDateTime(11), Version = r.GetInt32(12), Attributes = String(r, 13),
        }, g => g.DocumentId, ct);
        var rejections = await ReadAsync(db, sql.Rejections, first, last, null, r => new GoldRejection
        {
            Id = r.GetInt64(0), DocumentId = r.GetInt32(1), Start = r.GetInt32(2), End = r.GetInt32(3), CuratorId = User(r, 4),
            Note = String(r, 5), At = r.GetDateTime(6),
        }, x => x.DocumentId, ct);
        // As the EF reads ordered them: gold by start and end, rejections by start.
        foreach (var list in gold.Values) list.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.End != b.End ? a.End.CompareTo(b.End) : a.Id.CompareTo(b.Id));
        foreach (var list in rejections.Values) list.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.Id.CompareTo(b.Id));
        return ids.ToDictionary(id => id, id => new CurationService.Material(
            spans.GetValueOrDefault(id) ?? [], assignments.GetValueOrDefault(id) ?? [], gold.GetValueOrDefault(id) ?? [], rejections.GetValueOrDefault(id) ?? []));
    }

    /// <summary>
    /// What could change the material of a document range, as numbers to compare: the count and id sum of its spans, gold
    /// spans and rejections, and the count of its two change logs (append-only). A whole-project merge reads and plans a
    /// batch outside the transaction that writes it (decision 0069); the writer takes this again inside its transaction and
    /// reads the batch again when anything differs. Every read here is of an index on the document column (SQLite's
    /// indexes hold the row id).
    /// </summary>
    public static async Task<decimal[]> FingerprintAsync(AnnotateHubDbContext db, int first, int last, CancellationToken ct)
    {
        var sql = ModelSql.Of(db).Statements(static m => new Sql(m));
        await db.Database.OpenConnectionAsync(ct);
        await using var command = RangeCommand(db, sql.Fingerprint, first, last, null);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var values = new decimal[reader.FieldCount];
        for (var i = 0; i < values.Length; i++)
            values[i] = reader.IsDBNull(i) ? 0 : Convert.ToDecimal(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
        return values;
    }

    /// <summary>
    /// On PostgreSQL, locks the documents of the range (their rows, in id order) until the caller's transaction ends, so
    /// two curation writers of one document (a curator's decision, a merge's batch) take turns as they do on SQLite, whose
    /// write transaction excludes every other writer; without it both would read under read committed and write past each
    /// other. Nothing on SQLite.
    /// </summary>
    public static async Task LockRangeAsync(AnnotateHubDbContext db, int first, int last, CancellationToken ct)
    {
        if (db.Database.IsSqlite()) return;
        var sql = ModelSql.Of(db).Statements(static m => new Sql(m));
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("Locking documents needs the caller's transaction.");
        await using var command = RangeCommand(db, sql.Lock, first, last, null);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
        }
    }

    /// <summary>A command of <paramref name="text"/> on the context's connection and transaction, with the range
    /// (<c>@first</c>, <c>@last</c>) and, when given, <c>@project</c> bound.</summary>
    private static DbCommand RangeCommand(AnnotateHubDbContext db, string text, int first, int last, int? projectId)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = text;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        foreach (var (name, value) in projectId is { } project ? new[] { ("@first", first), ("@last", last), ("@project", project) } : [("@first", first), ("@last", last)])
        {
            var p = command.CreateParameter();
            (p.ParameterName, p.Value) = (name, value);
            command.Parameters.Add(p);
        }
        return command;
    }

    private static string? String(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static async Task<Dictionary<int, List<T>>> ReadAsync<T>(AnnotateHubDbContext db, string text, int first, int last, int? projectId,
        Func<DbDataReader, T> row, Func<T, int> documentOf, CancellationToken ct)
    {
        await using var command = RangeCommand(db, text, first, last, projectId);
        var rows = new Dictionary<int, List<T>>();
        List<T>? current = null;
        var currentId = int.MinValue;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var value = row(reader);
            var documentId = documentOf(value);
            // Rows come by document (the index's order on SQLite): one lookup per document, not per row.
            if (documentId != currentId || current is null)
            {
                if (!rows.TryGetValue(documentId, out current)) rows[documentId] = current = [];
                currentId = documentId;
            }
            current.Add(value);
        }
        return rows;
    }

    /// <summary>The four reads' text, built once per model.</summary>
    private sealed class Sql
    {
        public Sql(ModelSql m)
        {
            // Every column asked for, of the rows whose document (the first property) is in the range.
            string Select<TEntity>(string documentId, params string[] columns) =>
                $"SELECT {string.Join(", ", columns.Select(c => m.Column<TEntity>(c)))} FROM {m.Table<TEntity>()} " +
                $"WHERE {m.Column<TEntity>(documentId)} BETWEEN @first AND @last";

            Spans = Select<Annotation>(nameof(Annotation.DocumentId), nameof(Annotation.Id), nameof(Annotation.DocumentId), nameof(Annotation.AnnotatorId), nameof(Annotation.Start),
                nameof(Annotation.End), nameof(Annotation.LabelId), nameof(Annotation.Attributes));
            Assignments = Select<Assignment>(nameof(Assignment.DocumentId), nameof(Assignment.DocumentId), nameof(Assignment.UserId), nameof(Assignment.State)) +
                          $" AND {m.Column<Assignment>(nameof(Assignment.ProjectId))} = @project";
            Gold = Select<GoldAnnotation>(nameof(GoldAnnotation.DocumentId), nameof(GoldAnnotation.Id), nameof(GoldAnnotation.DocumentId), nameof(GoldAnnotation.Start),
                nameof(GoldAnnotation.End), nameof(GoldAnnotation.LabelId), nameof(GoldAnnotation.CreatedAt), nameof(GoldAnnotation.Origin),
                nameof(GoldAnnotation.Rule), nameof(GoldAnnotation.CuratorId), nameof(GoldAnnotation.Sources), nameof(GoldAnnotation.Note),
                nameof(GoldAnnotation.UpdatedAt), nameof(GoldAnnotation.Version), nameof(GoldAnnotation.Attributes));
            Rejections = Select<GoldRejection>(nameof(GoldRejection.DocumentId), nameof(GoldRejection.Id), nameof(GoldRejection.DocumentId), nameof(GoldRejection.Start),
                nameof(GoldRejection.End), nameof(GoldRejection.CuratorId), nameof(GoldRejection.Note), nameof(GoldRejection.At));
            string Range<TEntity>(string aggregate) =>
                $"(SELECT {aggregate} FROM {m.Table<TEntity>()} WHERE {m.Column<TEntity>("DocumentId")} BETWEEN @first AND @last)";
            string Sum<TEntity>() => Range<TEntity>($"SUM({m.Column<TEntity>("Id")})");
            Fingerprint = "SELECT " + string.Join(", ",
                Range<Annotation>("COUNT(*)"), Sum<Annotation>(), Range<GoldAnnotation>("COUNT(*)"), Sum<GoldAnnotation>(),
                Range<GoldRejection>("COUNT(*)"), Sum<GoldRejection>(), Range<CurationChange>("COUNT(*)"), Range<DocumentChange>("COUNT(*)"));
            var documentId = m.Column<Document>(nameof(Document.Id));
            Lock = $"SELECT {documentId} FROM {m.Table<Document>()} WHERE {documentId} BETWEEN @first AND @last ORDER BY {documentId} FOR UPDATE";
            State = m.FromProvider<Assignment>(nameof(Assignment.State));
            Origin = m.FromProvider<GoldAnnotation>(nameof(GoldAnnotation.Origin));
        }

        public string Spans { get; }
        public string Assignments { get; }
        public string Gold { get; }
        public string Rejections { get; }
        public string Fingerprint { get; }
        public string Lock { get; }
        public Func<object?, object?> State { get; }
        public Func<object?, object?> Origin { get; }
    }
}
