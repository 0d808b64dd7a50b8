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

    public static async Task<(int Proposed, IReadOnlyList<int> Changed)> MergeAsync(
        AnnotateHubDbContext db, IReadOnlyList<(int DocumentId, CurationService.Material Material)> documents, Dictionary<string, string> names,
        MergeRule rule, string userId, string actionId, DateTime now, CancellationToken ct)
    {
        var sql = ModelSql.Of(db).Statements(static s => new Sql(s));
        await using var insert = PreparedSql.Prepare(db, sql.InsertGold, "@d", "@s", "@e", "@l", "@o", "@r", "@src", "@t");
        var toDelete = new List<long>();
        var history = new List<CurationChange>();
        var changed = new List<int>();
        var proposed = 0;
        var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (var (documentId, m) in documents)
        {
            var t1 = System.Diagnostics.Stopwatch.GetTimestamp();
            var units = CurationService.Units(m);
            var curatorGold = m.Gold.Where(g => g.Origin is GoldOrigin.Adjudicated or GoldOrigin.Imported).Select(g => (g.Start, g.End)).ToList();
            var rejected = m.Rejections.Select(r => (r.Start, r.End)).ToList();
            var open = units.Where(u => !CurationUnits.IsDecided(u, curatorGold, rejected)).ToList();
            var replaced = m.Gold.Where(g => g.Origin is GoldOrigin.Merged or GoldOrigin.Unanimous && open.Any(u => g.Start < u.End && u.Start < g.End)).ToList();
            var proposals = AutoMerge.Plan(open, m.Annotators.Count, rule, _ => false);
            PROF_units += System.Diagnostics.Stopwatch.GetElapsedTime(t1).TotalMilliseconds; t1 = System.Diagnostics.Stopwatch.GetTimestamp();
            if (replaced.Count == 0 && proposals.Count == 0) continue;
            toDelete.AddRange(replaced.Select(g => g.Id));
            var made = new List<GoldAnnotation>(proposals.Count);
            foreach (var p in proposals)
            {
                var gold = new GoldAnnotation
                {
                    DocumentId = documentId, Start = p.Span.Start, End = p.Span.End, LabelId = int.Parse(p.Span.Label, CultureInfo.InvariantCulture),
                    Origin = p.Unanimous ? GoldOrigin.Unanimous : GoldOrigin.Merged, Rule = rule.Name,
                    Sources = string.Join(',', p.Span.Voters.Select(v => names.GetValueOrDefault(v, v)).Order(StringComparer.Ordinal)), CreatedAt = now,
                };
                PreparedSql.Bind(insert, gold.DocumentId, gold.Start, gold.End, gold.LabelId, sql.Origin(gold.Origin), gold.Rule, gold.Sources, now);
                // Synchronous: SQLite's async calls are the same work with a task around it, per row.
                insert.ExecuteNonQuery();
                made.Add(gold);
            }
            PROF_insert += System.Diagnostics.Stopwatch.GetElapsedTime(t1).TotalMilliseconds;
            proposed += made.Count;
            changed.Add(documentId);
            history.Add(new CurationChange
            {
                DocumentId = documentId, Kind = CurationChangeKind.Merged, UserId = userId, At = now, ActionId = actionId,
                Before = JsonSerializer.Serialize(replaced.Select(CurationService.Snapshot), CurationService.SnapshotJson),
                After = JsonSerializer.Serialize(made.Select(CurationService.Snapshot), CurationService.SnapshotJson),
            });
        }
        for (var i = 0; i < toDelete.Count; i += DeleteChunk)
        {
            var chunk = toDelete.Skip(i).Take(DeleteChunk).ToList();
            await db.GoldAnnotations.Where(g => chunk.Contains(g.Id)).ExecuteDeleteAsync(ct);
        }
        db.CurationChanges.AddRange(history);
        await db.SaveChangesAsync(ct);
        PROF_rest += System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        return (proposed, changed);
    }
    public static double PROF_units, PROF_insert, PROF_rest;

    /// <summary>The statements' text, built once per model.</summary>
    private sealed class Sql
    {
        public Sql(ModelSql s)
        {
            InsertGold = s.Insert<GoldAnnotation>(
                (nameof(GoldAnnotation.DocumentId), "@d"), (nameof(GoldAnnotation.Start), "@s"), (nameof(GoldAnnotation.End), "@e"),
                (nameof(GoldAnnotation.LabelId), "@l"), (nameof(GoldAnnotation.Origin), "@o"), (nameof(GoldAnnotation.Rule), "@r"),
                (nameof(GoldAnnotation.Sources), "@src"), (nameof(GoldAnnotation.CreatedAt), "@t"));
            var origin = s.ToProvider<GoldAnnotation>(nameof(GoldAnnotation.Origin));
            Origin = v => origin(v);
        }

        public string InsertGold { get; }
        public Func<GoldOrigin, object?> Origin { get; }
    }
}
