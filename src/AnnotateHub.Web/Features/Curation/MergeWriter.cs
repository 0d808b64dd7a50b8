using System.Globalization;
using System.Text.Json;
using AnnotateHub.Core.Curation;
using AnnotateHub.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Curation;

/// <summary>
/// Writes an automatic merge of a batch of documents inside the caller's transaction: the earlier proposals in units
/// no curator decided go, the rule's proposals come, and each changed document gets one <see cref="CurationChangeKind.Merged"/>
/// history row with both lists, by content (so undo restores them without a read-back of ids). Proposals go in with a prepared insert on the context's
/// connection (names from the EF model, decision 0054): the change tracker would cost most of the time at a million
/// spans. Never touches a unit a curator decided (adjudicated or imported gold, or a rejection).
/// </summary>
internal static class MergeWriter
{
    private const int DeleteChunk = 500;

    /// <summary>Where a merge's time went in this process (Stopwatch ticks): for the benchmark, which prints them.</summary>
    internal static class Timings
    {
        private static long _plan, _insert, _delete, _history;

        public static void Add(long plan, long insert, long delete, long history)
        {
            Interlocked.Add(ref _plan, plan);
            Interlocked.Add(ref _insert, insert);
            Interlocked.Add(ref _delete, delete);
            Interlocked.Add(ref _history, history);
        }

        /// <summary>Seconds spent planning (units and rules), inserting, deleting and writing history since the last call.</summary>
        public static (double Plan, double Insert, double Delete, double History) Take()
        {
            static double S(ref long ticks) => Interlocked.Exchange(ref ticks, 0) / (double)System.Diagnostics.Stopwatch.Frequency;
            return (S(ref _plan), S(ref _insert), S(ref _delete), S(ref _history));
        }
    }

    public static async Task<(int Proposed, IReadOnlyList<int> Changed)> MergeAsync(
        AnnotateHubDbContext db, IReadOnlyList<(int DocumentId, CurationService.Material Material)> documents, Dictionary<string, string> names,
        MergeRule rule, string userId, string actionId, DateTime now, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var sql = ModelSql.Of(db).Statements(static s => new Sql(s));
        // Planning is CPU work on what was read (no database): one document per task, in parallel, collected in order.
        var plans = new Plan?[documents.Count];
        Parallel.For(0, documents.Count, new ParallelOptions { CancellationToken = ct }, i =>
            plans[i] = PlanOne(documents[i].DocumentId, documents[i].Material, names, rule, userId, actionId, now));
        var toDelete = new List<long>();
        var toInsert = new List<GoldAnnotation>();
        var history = new List<CurationChange>();
        var changed = new List<int>();
        foreach (var plan in plans)
        {
            if (plan is null) continue;
            toDelete.AddRange(plan.Replaced);
            toInsert.AddRange(plan.Made);
            history.Add(plan.History);
            changed.Add(plan.History.DocumentId);
        }
        var planned = System.Diagnostics.Stopwatch.GetTimestamp();
        await InsertAsync(db, sql, toInsert, ct);
        var inserted = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var i = 0; i < toDelete.Count; i += DeleteChunk)
        {
            var chunk = toDelete.Skip(i).Take(DeleteChunk).ToList();
            await db.GoldAnnotations.Where(g => chunk.Contains(g.Id)).ExecuteDeleteAsync(ct);
        }
        var deleted = System.Diagnostics.Stopwatch.GetTimestamp();
        db.CurationChanges.AddRange(history);
        await db.SaveChangesAsync(ct);
        Timings.Add(planned - started, inserted - planned, deleted - inserted, System.Diagnostics.Stopwatch.GetTimestamp() - deleted);
        return (toInsert.Count, changed);
    }

    private sealed record Plan(IReadOnlyList<long> Replaced, IReadOnlyList<GoldAnnotation> Made, CurationChange History);

    /// <summary>One document's merge: the earlier proposals it replaces, the ones it makes and its history row; null when
    /// it changes nothing.</summary>
    private static Plan? PlanOne(int documentId, CurationService.Material m, Dictionary<string, string> names, MergeRule rule, string userId,
        string actionId, DateTime now)
    {
        var units = CurationService.Units(m);
        var curatorGold = m.Gold.Where(g => g.Origin is GoldOrigin.Adjudicated or GoldOrigin.Imported).Select(g => (g.Start, g.End)).ToList();
        var rejected = m.Rejections.Select(r => (r.Start, r.End)).ToList();
        var open = units.Where(u => !CurationUnits.IsDecided(u, curatorGold, rejected)).ToList();
        var replaced = m.Gold.Where(g => g.Origin is GoldOrigin.Merged or GoldOrigin.Unanimous && open.Any(u => g.Start < u.End && u.Start < g.End)).ToList();
        var proposals = AutoMerge.Plan(open, m.Annotators.Count, rule, _ => false);
        if (replaced.Count == 0 && proposals.Count == 0) return null;
        var made = proposals.Select(p => new GoldAnnotation
        {
            DocumentId = documentId, Start = p.Span.Start, End = p.Span.End, LabelId = int.Parse(p.Span.Label, CultureInfo.InvariantCulture),
            Origin = p.Unanimous ? GoldOrigin.Unanimous : GoldOrigin.Merged, Rule = rule.Name,
            Sources = string.Join(',', p.Span.Voters.Select(v => names.GetValueOrDefault(v, v)).Order(StringComparer.Ordinal)), CreatedAt = now,
        }).ToList();
        return new Plan(replaced.Select(g => g.Id).ToList(), made, new CurationChange
        {
            DocumentId = documentId, Kind = CurationChangeKind.Merged, UserId = userId, At = now, ActionId = actionId,
            Before = JsonSerializer.Serialize(replaced.Select(CurationService.Snapshot), CurationService.SnapshotJson),
            After = JsonSerializer.Serialize(made.Select(CurationService.Snapshot), CurationService.SnapshotJson),
        });
    }

    // Rows per statement: one statement's overhead (parse, step) shared by several rows. Not more: SQLite finds a named
    // parameter by a linear search, so binding n parameters costs n squared, and 200 rows (1,600 parameters) took longer
    // than 200 single-row statements.
    private const int RowsPerInsert = 25;

    private static readonly string[] Columns =
    [
        nameof(GoldAnnotation.DocumentId), nameof(GoldAnnotation.Start), nameof(GoldAnnotation.End), nameof(GoldAnnotation.LabelId),
        nameof(GoldAnnotation.Origin), nameof(GoldAnnotation.Rule), nameof(GoldAnnotation.Sources), nameof(GoldAnnotation.CreatedAt),
    ];

    private static async Task InsertAsync(AnnotateHubDbContext db, Sql sql, List<GoldAnnotation> rows, CancellationToken ct)
    {
        System.Data.Common.DbCommand? full = null;
        try
        {
            for (var i = 0; i < rows.Count; i += RowsPerInsert)
            {
                var count = Math.Min(RowsPerInsert, rows.Count - i);
                // Full chunks share one prepared command; the last, shorter one gets its own.
                var command = count == RowsPerInsert ? full ??= PreparedSql.Prepare(db, sql.Insert(count), Sql.Names(count)) : PreparedSql.Prepare(db, sql.Insert(count), Sql.Names(count));
                var values = new object?[count * Columns.Length];
                for (var r = 0; r < count; r++)
                {
                    var g = rows[i + r];
                    var o = r * Columns.Length;
                    (values[o], values[o + 1], values[o + 2], values[o + 3], values[o + 4], values[o + 5], values[o + 6], values[o + 7]) =
                        (g.DocumentId, g.Start, g.End, g.LabelId, sql.Origin(g.Origin), g.Rule, g.Sources, g.CreatedAt);
                }
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

    /// <summary>The statements' text, built once per model.</summary>
    private sealed class Sql
    {
        private readonly string _head;

        public Sql(ModelSql s)
        {
            _head = $"INSERT INTO {s.Table<GoldAnnotation>()} ({string.Join(", ", Columns.Select(c => s.Column<GoldAnnotation>(c)))}) VALUES ";
            var origin = s.ToProvider<GoldAnnotation>(nameof(GoldAnnotation.Origin));
            Origin = v => origin(v);
        }

        public Func<GoldOrigin, object?> Origin { get; }

        public string Insert(int rows) =>
            _head + string.Join(", ", Enumerable.Range(0, rows).Select(r => "(" + string.Join(", ", Columns.Select((_, c) => Name(r, c))) + ")"));

        public static string[] Names(int rows) => Enumerable.Range(0, rows).SelectMany(r => Columns.Select((_, c) => Name(r, c))).ToArray();

        private static string Name(int row, int column) => string.Create(CultureInfo.InvariantCulture, $"@p{row}_{column}");
    }
}
