using System.Globalization;
using System.Text.Json;
using AnnotateHub.Core.Curation;
using AnnotateHub.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Curation;

/// <summary>
/// Writes an automatic merge of a batch of documents inside the caller's transaction: the earlier proposals in units
/// no curator decided go, the rule's proposals come, and each changed document gets one <see cref="CurationChangeKind.Merged"/>
/// history row with both lists, by content (so undo restores them without a read-back of ids). All of it goes through
/// prepared statements on the context's connection (names from the EF model, decision 0054): multi-row inserts of the
/// proposals and the history rows, and deletes of the earlier proposals per document (by id only in a document where a
/// curator's decision keeps some); the change tracker would cost most of the time at a million spans. Never touches a
/// unit a curator decided (adjudicated or imported gold, or a rejection).
/// </summary>
internal static class MergeWriter
{
    /// <summary>Where a merge's time went in this process (Stopwatch ticks): for the benchmark, which prints them.</summary>
    internal static class Timings
    {
        private static long _read, _plan, _insert, _delete, _history, _commit, _rereads;

        /// <summary>A whole-project merge's batch that changed between its reading and its writing, read again.</summary>
        public static void AddReread() => Interlocked.Increment(ref _rereads);

        /// <summary>Batches read again since the last call.</summary>
        public static long TakeRereads() => Interlocked.Exchange(ref _rereads, 0);

        public static void Add(long plan, long insert, long delete, long history)
        {
            Interlocked.Add(ref _plan, plan);
            Interlocked.Add(ref _insert, insert);
            Interlocked.Add(ref _delete, delete);
            Interlocked.Add(ref _history, history);
        }

        /// <summary>A whole-project merge's reading of a batch and its commit.</summary>
        public static void AddBatch(long read, long commit)
        {
            Interlocked.Add(ref _read, read);
            Interlocked.Add(ref _commit, commit);
        }

        /// <summary>Seconds spent reading, planning (units and rules), deleting, inserting, writing history and committing
        /// since the last call.</summary>
        public static (double Read, double Plan, double Delete, double Insert, double History, double Commit) Take()
        {
            static double S(ref long ticks) => Interlocked.Exchange(ref ticks, 0) / (double)System.Diagnostics.Stopwatch.Frequency;
            return (S(ref _read), S(ref _plan), S(ref _delete), S(ref _insert), S(ref _history), S(ref _commit));
        }
    }

    /// <summary>A batch's merge as planned (no database): what goes and what comes, per document.</summary>
    internal sealed class Planned
    {
        public List<long> Whole { get; } = [];
        public List<long> ToDelete { get; } = [];
        public List<GoldAnnotation> ToInsert { get; } = [];
        public List<CurationChange> History { get; } = [];
        public List<int> Changed { get; } = [];
    }

    /// <summary>Plans and writes a batch's merge inside the caller's transaction.</summary>
    public static Task<(int Proposed, IReadOnlyList<int> Changed)> MergeAsync(
        AnnotateHubDbContext db, IReadOnlyList<(int DocumentId, CurationService.Material Material)> documents, Dictionary<string, string> names,
        MergeRule rule, string userId, string actionId, DateTime now, CancellationToken ct) =>
        WriteAsync(db, Plan(documents, names, rule, userId, actionId, now, ct), ct);

    /// <summary>Plans a batch's merge: CPU work on what was read (no database), one document per task, in parallel,
    /// collected in order.</summary>
    public static Planned Plan(IReadOnlyList<(int DocumentId, CurationService.Material Material)> documents, Dictionary<string, string> names,
        MergeRule rule, string userId, string actionId, DateTime now, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var plans = new DocumentPlan?[documents.Count];
        Parallel.For(0, documents.Count, new ParallelOptions { CancellationToken = ct }, i =>
            plans[i] = PlanOne(documents[i].DocumentId, documents[i].Material, names, rule, userId, actionId, now));
        var planned = new Planned();
        foreach (var plan in plans)
        {
            if (plan is null) continue;
            if (plan.ReplacesAll) planned.Whole.Add(plan.History.DocumentId);
            else planned.ToDelete.AddRange(plan.Replaced);
            planned.ToInsert.AddRange(plan.Made);
            planned.History.Add(plan.History);
            planned.Changed.Add(plan.History.DocumentId);
        }
        Timings.Add(System.Diagnostics.Stopwatch.GetTimestamp() - started, 0, 0, 0);
        return planned;
    }

    /// <summary>Writes a planned merge inside the caller's transaction. Returns how many proposals it made and the
    /// documents it changed.</summary>
    public static async Task<(int Proposed, IReadOnlyList<int> Changed)> WriteAsync(AnnotateHubDbContext db, Planned planned, CancellationToken ct)
    {
        var sql = ModelSql.Of(db).Statements(static s => new Sql(s));
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await db.Database.OpenConnectionAsync(ct);
        await DeleteAsync(db, sql.DeleteProposalsOf, planned.Whole, ct);
        await DeleteAsync(db, sql.DeleteIds, planned.ToDelete, ct);
        var deleted = System.Diagnostics.Stopwatch.GetTimestamp();
        await InsertGoldAsync(db, sql, planned.ToInsert, ct);
        var inserted = System.Diagnostics.Stopwatch.GetTimestamp();
        await InsertAsync(db, sql.History, planned.History, ct);
        Timings.Add(0, inserted - deleted, deleted - started, System.Diagnostics.Stopwatch.GetTimestamp() - inserted);
        return (planned.ToInsert.Count, planned.Changed);
    }

    /// <summary>One document's merge: the earlier proposals it replaces (<paramref name="ReplacesAll"/> when that is every
    /// proposal of the document), the ones it makes and its history row.</summary>
    private sealed record DocumentPlan(IReadOnlyList<long> Replaced, bool ReplacesAll, IReadOnlyList<GoldAnnotation> Made, CurationChange History);

    /// <summary>One document's merge, or null when it changes nothing.</summary>
    private static DocumentPlan? PlanOne(int documentId, CurationService.Material m, Dictionary<string, string> names, MergeRule rule, string userId,
        string actionId, DateTime now)
    {
        var units = CurationService.Units(m);
        var curatorGold = m.Gold.Where(g => g.Origin is GoldOrigin.Adjudicated or GoldOrigin.Imported).Select(g => (g.Start, g.End)).ToList();
        var rejected = m.Rejections.Select(r => (r.Start, r.End)).ToList();
        var open = units.Where(u => !CurationUnits.IsDecided(u, curatorGold, rejected)).ToList();
        var proposed = m.Gold.Where(g => g.Origin is GoldOrigin.Merged or GoldOrigin.Unanimous).ToList();
        var replaced = proposed.Where(g => open.Any(u => g.Start < u.End && u.Start < g.End)).ToList();
        var proposals = AutoMerge.Plan(open, m.Annotators.Count, rule, _ => false);
        if (replaced.Count == 0 && proposals.Count == 0) return null;
        // What a proposal says: what its voters' spans agree on (most documents' spans say nothing: no lookup then).
        var valuesOf = m.Spans.Any(s => s.Attributes is not null)
            ? m.Spans.ToLookup(s => (s.AnnotatorId, s.Start, s.End, s.LabelId), s => s.Attributes)
            : null;
        var made = proposals.Select(p =>
        {
            var labelId = int.Parse(p.Span.Label, CultureInfo.InvariantCulture);
            return new GoldAnnotation
            {
                DocumentId = documentId, Start = p.Span.Start, End = p.Span.End, LabelId = labelId,
                Origin = p.Unanimous ? GoldOrigin.Unanimous : GoldOrigin.Merged, Rule = rule.Name,
                Sources = string.Join(',', p.Span.Voters.Select(v => names.GetValueOrDefault(v, v)).Order(StringComparer.Ordinal)), CreatedAt = now,
                Attributes = valuesOf is null ? null
                    : Core.Labels.AttributeJson.Agreed(p.Span.Voters.SelectMany(v => valuesOf[(v, p.Span.Start, p.Span.End, labelId)].Take(1)).ToList()),
            };
        }).ToList();
        return new DocumentPlan(replaced.Select(g => g.Id).ToList(), replaced.Count == proposed.Count, made, new CurationChange
        {
            DocumentId = documentId, Kind = CurationChangeKind.Merged, UserId = userId, At = now, ActionId = actionId,
            Before = SnapshotsJson(replaced), After = SnapshotsJson(made),
        });
    }

    /// <summary>
    /// The gold spans as <c>JsonSerializer.Serialize(spans.Select(CurationService.Snapshot), CurationService.SnapshotJson)</c>
    /// writes them, byte for byte (a test holds it to that): the same properties in declaration order, nulls left out,
    /// the origin as its number, the serializer's default escaping and date format. Written by hand: the serializer
    /// took about a quarter of a merge's planning.
    /// </summary>
    internal static string SnapshotsJson(IReadOnlyList<GoldAnnotation> spans)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64 + (spans.Count * 200));
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var g in spans)
            {
                w.WriteStartObject();
                w.WriteNumber(nameof(GoldAnnotation.Id), g.Id);
                w.WriteNumber(nameof(GoldAnnotation.DocumentId), g.DocumentId);
                w.WriteNumber(nameof(GoldAnnotation.Start), g.Start);
                w.WriteNumber(nameof(GoldAnnotation.End), g.End);
                w.WriteNumber(nameof(GoldAnnotation.LabelId), g.LabelId);
                w.WriteString(nameof(GoldAnnotation.CreatedAt), g.CreatedAt);
                w.WriteNumber(nameof(GoldAnnotation.Origin), (int)g.Origin);
                if (g.Rule is not null) w.WriteString(nameof(GoldAnnotation.Rule), g.Rule);
                if (g.CuratorId is not null) w.WriteString(nameof(GoldAnnotation.CuratorId), g.CuratorId);
                if (g.Sources is not null) w.WriteString(nameof(GoldAnnotation.Sources), g.Sources);
                if (g.Note is not null) w.WriteString(nameof(GoldAnnotation.Note), g.Note);
                if (g.UpdatedAt is { } updated) w.WriteString(nameof(GoldAnnotation.UpdatedAt), updated);
                w.WriteNumber(nameof(GoldAnnotation.Version), g.Version);
                if (g.Attributes is not null) w.WriteString(nameof(GoldAnnotation.Attributes), g.Attributes);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // Keys per delete: one prepared statement for every chunk, the last one padded with its last key (deleting a row
    // twice in one statement deletes it once).
    private const int KeysPerDelete = 100;

    /// <summary>Deletes by key, <see cref="KeysPerDelete"/> keys a statement.</summary>
    private static async Task DeleteAsync(AnnotateHubDbContext db, Delete delete, List<long> keys, CancellationToken ct)
    {
        if (keys.Count == 0) return;
        await using var command = PreparedSql.Prepare(db, delete.Text, delete.Names);
        var values = new object?[delete.Names.Length];
        for (var i = 0; i < keys.Count; i += KeysPerDelete)
        {
            var v = 0;
            foreach (var fixedValue in delete.Fixed) values[v++] = fixedValue;
            for (var k = 0; k < KeysPerDelete; k++) values[v++] = keys[Math.Min(i + k, keys.Count - 1)];
            PreparedSql.Bind(command, values);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    // Rows per statement: one statement's overhead (parse, step) shared by several rows. Not more: SQLite finds a named
    // parameter by a linear search, so binding n parameters costs n squared, and 200 rows (1,600 parameters) took longer
    // than 200 single-row statements.
    private const int RowsPerInsert = 25;

    /// <summary>Inserts the rows, <see cref="RowsPerInsert"/> a statement.</summary>
    private static async Task InsertAsync<T>(AnnotateHubDbContext db, Insert<T> insert, List<T> rows, CancellationToken ct)
    {
        System.Data.Common.DbCommand? full = null;
        try
        {
            var width = insert.Columns.Length;
            for (var i = 0; i < rows.Count; i += RowsPerInsert)
            {
                var count = Math.Min(RowsPerInsert, rows.Count - i);
                // Full chunks share one prepared command; the last, shorter one gets its own.
                var command = count == RowsPerInsert ? full ??= insert.Prepare(db, count) : insert.Prepare(db, count);
                var values = new object?[count * width];
                for (var r = 0; r < count; r++) insert.Values(rows[i + r], values, r * width);
                PreparedSql.Bind(command, values);
                await command.ExecuteNonQueryAsync(ct);
                if (command != full) await command.DisposeAsync();
            }
        }
        finally
        {
            if (full is not null) await full.DisposeAsync();
        }
    }

    // Proposals per statement when the numbers are written inline: only the sources and a few shared values are bound.
    private const int GoldPerInsert = 100;

    /// <summary>
    /// Inserts the proposals <see cref="GoldPerInsert"/> a statement, their numbers (document, start, end, label: integers
    /// from the database, never text) written into the statement and only the sources and values bound, with the origin, rule and time
    /// (the same for most of a merge) bound once per distinct value: Microsoft.Data.Sqlite finds each parameter by name, so
    /// eight per row cost more than the insert itself.
    /// </summary>
    private static async Task InsertGoldAsync(AnnotateHubDbContext db, Sql sql, List<GoldAnnotation> rows, CancellationToken ct)
    {
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < rows.Count; i += GoldPerInsert)
        {
            var count = Math.Min(GoldPerInsert, rows.Count - i);
            text.Clear().Append(sql.Gold.Head);
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = db.Database.CurrentTransaction is { } tx ? Microsoft.EntityFrameworkCore.Storage.DbContextTransactionExtensions.GetDbTransaction(tx) : null;
            var shared = new Dictionary<(int Column, object Value), string>();
            string Shared(int column, object? value)
            {
                if (value is null) return "NULL";
                if (shared.TryGetValue((column, value), out var name)) return name;
                name = string.Create(CultureInfo.InvariantCulture, $"@v{shared.Count}");
                shared[(column, value)] = name;
                var p = command.CreateParameter();
                p.ParameterName = name;
                p.Value = value;
                command.Parameters.Add(p);
                return name;
            }
            void Bound(string prefix, int row, string? value)
            {
                if (value is null)
                {
                    text.Append("NULL");
                    return;
                }
                var name = string.Create(CultureInfo.InvariantCulture, $"@{prefix}{row}");
                var p = command.CreateParameter();
                p.ParameterName = name;
                p.Value = value;
                command.Parameters.Add(p);
                text.Append(name);
            }
            for (var r = 0; r < count; r++)
            {
                var g = rows[i + r];
                if (r > 0) text.Append(", ");
                text.Append(CultureInfo.InvariantCulture, $"({g.DocumentId}, {g.Start}, {g.End}, {g.LabelId}, {Shared(0, sql.OriginValue(g.Origin))}, ")
                    .Append(Shared(1, g.Rule)).Append(", ");
                Bound("s", r, g.Sources);
                text.Append(", ").Append(Shared(2, g.CreatedAt)).Append(", ");
                Bound("a", r, g.Attributes);
                text.Append(')');
            }
            command.CommandText = text.ToString();
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>A multi-row insert of some of an entity's columns: <c>INSERT INTO t (c...) VALUES (@p0_0, ...), (@p1_0, ...)</c>.</summary>
    private sealed class Insert<T>(string head, string[] columns, Action<T, object?[], int> values)
    {
        public string Head => head;
        public string[] Columns => columns;

        /// <summary>Puts one row's values, in the order of <see cref="Columns"/>, into <paramref name="into"/> from <paramref name="offset"/> on.</summary>
        public void Values(T row, object?[] into, int offset) => values(row, into, offset);

        public System.Data.Common.DbCommand Prepare(AnnotateHubDbContext db, int rows) =>
            PreparedSql.Prepare(db, head + string.Join(", ", Enumerable.Range(0, rows).Select(r => "(" + string.Join(", ", columns.Select((_, c) => Name(r, c))) + ")")),
                Enumerable.Range(0, rows).SelectMany(r => columns.Select((_, c) => Name(r, c))).ToArray());

        private static string Name(int row, int column) => string.Create(CultureInfo.InvariantCulture, $"@p{row}_{column}");
    }

    /// <summary>A delete by <see cref="KeysPerDelete"/> keys (after the fixed values, if any).</summary>
    private sealed record Delete(string Text, string[] Names, object?[] Fixed);

    /// <summary>The statements' text, built once per model.</summary>
    private sealed class Sql
    {
        public Sql(ModelSql s)
        {
            var origin = s.ToProvider<GoldAnnotation>(nameof(GoldAnnotation.Origin));
            OriginValue = o => origin(o)!;
            var kind = s.ToProvider<CurationChange>(nameof(CurationChange.Kind));
            Gold = For<GoldAnnotation>(s, (g, v, o) =>
                    (v[o], v[o + 1], v[o + 2], v[o + 3], v[o + 4], v[o + 5], v[o + 6], v[o + 7], v[o + 8]) =
                    (g.DocumentId, g.Start, g.End, g.LabelId, origin(g.Origin), g.Rule, g.Sources, g.CreatedAt, g.Attributes),
                nameof(GoldAnnotation.DocumentId), nameof(GoldAnnotation.Start), nameof(GoldAnnotation.End), nameof(GoldAnnotation.LabelId),
                nameof(GoldAnnotation.Origin), nameof(GoldAnnotation.Rule), nameof(GoldAnnotation.Sources), nameof(GoldAnnotation.CreatedAt),
                nameof(GoldAnnotation.Attributes));
            // The columns a merge's history row sets; the others (target, reverts, reverted by) are null.
            History = For<CurationChange>(s, (c, v, o) =>
                    (v[o], v[o + 1], v[o + 2], v[o + 3], v[o + 4], v[o + 5], v[o + 6]) = (c.DocumentId, kind(c.Kind), c.UserId, c.At, c.Before, c.After, c.ActionId),
                nameof(CurationChange.DocumentId), nameof(CurationChange.Kind), nameof(CurationChange.UserId), nameof(CurationChange.At),
                nameof(CurationChange.Before), nameof(CurationChange.After), nameof(CurationChange.ActionId));
            var keys = Enumerable.Range(0, KeysPerDelete).Select(k => string.Create(CultureInfo.InvariantCulture, $"@k{k}")).ToArray();
            var table = s.Table<GoldAnnotation>();
            DeleteIds = new Delete($"DELETE FROM {table} WHERE {s.Column<GoldAnnotation>(nameof(GoldAnnotation.Id))} IN ({string.Join(", ", keys)})", keys, []);
            // Every earlier proposal of these documents: the common case of a re-merge (no curator decided a unit they overlap).
            DeleteProposalsOf = new Delete(
                $"DELETE FROM {table} WHERE {s.Column<GoldAnnotation>(nameof(GoldAnnotation.Origin))} IN (@merged, @unanimous) " +
                $"AND {s.Column<GoldAnnotation>(nameof(GoldAnnotation.DocumentId))} IN ({string.Join(", ", keys)})",
                ["@merged", "@unanimous", .. keys], [origin(GoldOrigin.Merged), origin(GoldOrigin.Unanimous)]);
        }

        public Insert<GoldAnnotation> Gold { get; }
        /// <summary>What the database stores for an origin.</summary>
        public Func<GoldOrigin, object> OriginValue { get; }
        public Insert<CurationChange> History { get; }
        public Delete DeleteIds { get; }
        public Delete DeleteProposalsOf { get; }

        private static Insert<T> For<T>(ModelSql s, Action<T, object?[], int> values, params string[] properties) =>
            new($"INSERT INTO {s.Table<T>()} ({string.Join(", ", properties.Select(p => s.Column<T>(p)))}) VALUES ", properties, values);
    }
}
