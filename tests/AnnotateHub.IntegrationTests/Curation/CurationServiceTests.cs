using System.Collections.Concurrent;
using AnnotateHub.Core.Curation;
using AnnotateHub.Core.Projects;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Curation;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;
using AnnotateHub.Web.Realtime;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests.Curation;

/// <summary>
/// Curation through the real services and a real SQLite file: decisions, merges that keep decisions, finishing,
/// history, undo and revert, who may curate, the queue and the annotators' feedback.
/// </summary>
public sealed class CurationServiceTests(AppServer server) : IClassFixture<AppServer>
{
    //                        0         1         2         3         4         5
    //                        012345678901234567890123456789012345678901234567890123456
    private const string Text = "Officials said two soldiers died. The ministry denied it.";

    private sealed record Team(int ProjectId, int DocumentId, string AnaId, string BenId, string CuratorId, string AdminId, IReadOnlyDictionary<string, int> Labels);

    private async Task<Team> TeamAsync(bool done = true)
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var projectId = await server.CreateProjectAsync("Curation " + suffix);
        var documentId = await server.ImportDocumentAsync(projectId, Text + " " + suffix);
        var ana = await server.CreateUserAsync("ana-" + suffix);
        var ben = await server.CreateUserAsync("ben-" + suffix);
        var curator = await server.CreateUserAsync("cur-" + suffix);
        await server.AddMemberAsync(ana, projectId);
        await server.AddMemberAsync(ben, projectId);
        await server.AddMemberAsync(curator, projectId, ProjectRole.Curator);
        var labels = (await server.Get<LabelService>().ListAsync(projectId)).ToDictionary(l => l.Name, l => l.Id);
        var spans = server.Get<AnnotationService>();
        // Unit 1 (0..9 "Officials"): both say actor. Unit 2 (15..27 "two soldiers"): casualty figure vs claim.
        // Unit 3 (34..46 "The ministry"): only ana, actor.
        await Ok(spans.CreateAsync(documentId, ana, 0, 9, labels["actor"], null));
        await Ok(spans.CreateAsync(documentId, ben, 0, 9, labels["actor"], null));
        await Ok(spans.CreateAsync(documentId, ana, 15, 27, labels["casualty figure"], null));
        await Ok(spans.CreateAsync(documentId, ben, 15, 27, labels["claim"], null));
        await Ok(spans.CreateAsync(documentId, ana, 34, 46, labels["actor"], null));
        if (done)
        {
            var team = server.Get<TeamService>();
            Assert.True((await team.SetDoneAsync(documentId, ana, true)).Succeeded);
            Assert.True((await team.SetDoneAsync(documentId, ben, true)).Succeeded);
        }
        return new Team(projectId, documentId, ana, ben, curator, await server.AdminIdAsync(), labels);
    }

    private static async Task Ok(Task<AnnotationResult> create) => Assert.Equal(AnnotationOutcome.Ok, (await create).Outcome);

    private CurationService Curation => server.Get<CurationService>();

    private async Task<List<GoldAnnotation>> GoldAsync(int documentId)
    {
        await using var db = server.CreateDbContext();
        return await db.GoldAnnotations.AsNoTracking().Where(g => g.DocumentId == documentId).OrderBy(g => g.Start).ToListAsync();
    }

    [Fact]
    public async Task The_view_shows_lanes_units_by_kind_and_the_ready_state()
    {
        var t = await TeamAsync();
        var (state, error) = await Curation.LoadAsync(t.DocumentId, t.CuratorId);
        Assert.Null(error);
        Assert.Equal(CurationStatus.Ready, state!.Status);
        Assert.Equal(2, state.Lanes.Count);
        Assert.Equal([UnitKind.Agreement, UnitKind.WrongLabel, UnitKind.Extra], state.Units.Select(u => u.Unit.Kind));
        Assert.Equal(3, state.Undecided);
        Assert.Equal(2, state.Disagreements);

        var (anonymous, _) = await Curation.LoadAsync(t.DocumentId, t.CuratorId, anonymous: true);
        Assert.Equal(["Annotator 1", "Annotator 2"], anonymous!.Lanes.Select(l => l.Name));
        Assert.DoesNotContain(anonymous.Lanes, l => l.Name.StartsWith("ana", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Annotators_may_not_curate_and_a_curator_may_not_manage_the_team()
    {
        var t = await TeamAsync();
        var (state, error) = await Curation.LoadAsync(t.DocumentId, t.AnaId);
        Assert.Null(state);
        Assert.Equal("Only the project's curators and supervisors curate its documents.", error);
        Assert.False((await Curation.RejectAsync(t.DocumentId, t.AnaId, 0, 9)).Succeeded);
        Assert.Empty(await GoldAsync(t.DocumentId));

        var permissions = await server.Get<ProjectAccess>().ForProjectAsync(t.ProjectId, t.CuratorId);
        Assert.True(permissions.CanCurate);
        Assert.False(permissions.IsSupervisor);
        Assert.NotNull(permissions.RefusalToAnnotate(null));
    }

    [Fact]
    public async Task Accepting_a_lane_and_rejecting_a_unit_decide_them_with_provenance_and_finish_needs_every_unit()
    {
        var t = await TeamAsync();
        var names = await NamesAsync(t);
        Assert.True((await Curation.AcceptAsync(t.DocumentId, t.CuratorId, t.BenId, 15, 27, "a claim, not a count")).Succeeded);
        Assert.True((await Curation.RejectAsync(t.DocumentId, t.CuratorId, 34, 46, "not an actor here")).Succeeded);

        var refused = await Curation.FinishAsync(t.DocumentId, t.CuratorId);
        Assert.Equal("1 unit is undecided: take a lane or reject it first.", refused.Error);

        Assert.True((await Curation.AcceptAsync(t.DocumentId, t.CuratorId, t.AnaId, 0, 9)).Succeeded);
        Assert.True((await Curation.FinishAsync(t.DocumentId, t.CuratorId)).Succeeded);

        var gold = await GoldAsync(t.DocumentId);
        Assert.Equal([(0, 9, t.Labels["actor"]), (15, 27, t.Labels["claim"])], gold.Select(g => (g.Start, g.End, g.LabelId)));
        Assert.All(gold, g => Assert.Equal(GoldOrigin.Adjudicated, g.Origin));
        Assert.All(gold, g => Assert.Equal(t.CuratorId, g.CuratorId));
        Assert.Equal(string.Join(',', new[] { names[t.AnaId], names[t.BenId] }.Order(StringComparer.Ordinal)), gold[0].Sources);
        Assert.Equal(names[t.BenId], gold[1].Sources);
        Assert.Equal("a claim, not a count", gold[1].Note);
        await using var db = server.CreateDbContext();
        Assert.Equal("not an actor here", (await db.GoldRejections.SingleAsync(r => r.DocumentId == t.DocumentId)).Note);
        Assert.NotNull((await db.Documents.SingleAsync(d => d.Id == t.DocumentId)).CuratedAt);

        // Curated: read-only until reopened.
        Assert.Equal("This document is curated; reopen it to change its gold.", (await Curation.RejectAsync(t.DocumentId, t.CuratorId, 0, 9)).Error);
    }

    [Fact]
    public async Task Bad_input_is_refused_and_changes_nothing()
    {
        var t = await TeamAsync();
        Assert.False((await Curation.CreateGoldAsync(t.DocumentId, t.CuratorId, 10, 5, t.Labels["claim"])).Succeeded);
        Assert.False((await Curation.CreateGoldAsync(t.DocumentId, t.CuratorId, 0, 100_000, t.Labels["claim"])).Succeeded);
        Assert.Equal("Label 999999 is not a label of this project.", (await Curation.CreateGoldAsync(t.DocumentId, t.CuratorId, 0, 5, 999_999)).Error);
        Assert.False((await Curation.RejectAsync(t.DocumentId, t.CuratorId, -1, 5)).Succeeded);
        Assert.False((await Curation.AcceptAsync(t.DocumentId, t.CuratorId, t.BenId, 34, 46)).Succeeded); // ben has nothing there
        Assert.Empty(await GoldAsync(t.DocumentId));
        await using var db = server.CreateDbContext();
        Assert.False(await db.CurationChanges.AnyAsync(c => c.DocumentId == t.DocumentId));
    }

    [Fact]
    public async Task A_merge_proposes_by_rule_and_a_re_merge_keeps_the_curators_decisions()
    {
        var t = await TeamAsync();
        Assert.Equal(1, (await Curation.MergeAsync(t.DocumentId, t.CuratorId, new MergeRule.AllAgree())).Count);
        var gold = Assert.Single(await GoldAsync(t.DocumentId));
        Assert.Equal((0, 9, GoldOrigin.Unanimous, "all-agree"), (gold.Start, gold.End, gold.Origin, gold.Rule));

        // All who annotated: ana alone on "The ministry" counts as agreement of everyone who annotated it.
        Assert.Equal(2, (await Curation.MergeAsync(t.DocumentId, t.CuratorId, new MergeRule.AllWhoAnnotatedAgree())).Count);
        Assert.Equal([(0, 9, GoldOrigin.Unanimous), (34, 46, GoldOrigin.Merged)], (await GoldAsync(t.DocumentId)).Select(g => (g.Start, g.End, g.Origin)));

        // The curator decides the wrong-label unit and rejects the merged one; a re-merge leaves both decisions alone.
        Assert.True((await Curation.AcceptAsync(t.DocumentId, t.CuratorId, t.AnaId, 15, 27)).Succeeded);
        Assert.True((await Curation.RejectAsync(t.DocumentId, t.CuratorId, 34, 46)).Succeeded);
        await Curation.MergeAsync(t.DocumentId, t.CuratorId, new MergeRule.AllWhoAnnotatedAgree());
        var after = await GoldAsync(t.DocumentId);
        Assert.Equal([(0, 9, GoldOrigin.Unanimous), (15, 27, GoldOrigin.Adjudicated)], after.Select(g => (g.Start, g.End, g.Origin)));
        Assert.Equal(t.Labels["casualty figure"], after[1].LabelId);
    }

    [Fact]
    public async Task Undoing_a_merge_restores_what_it_replaced_and_the_merged_span_shows_its_merge_in_its_history()
    {
        var t = await TeamAsync();
        Assert.True((await Curation.MergeAsync(t.DocumentId, t.CuratorId, new MergeRule.AllAgree())).Succeeded);
        Assert.True((await Curation.MergeAsync(t.DocumentId, t.CuratorId, new MergeRule.AllWhoAnnotatedAgree())).Succeeded);
        Assert.Equal([0, 34], (await GoldAsync(t.DocumentId)).Select(g => g.Start));

        var merged = (await GoldAsync(t.DocumentId)).Single(g => g.Start == 34);
        var history = await Curation.HistoryAsync(t.DocumentId, merged.Id, t.CuratorId);
        var entry = Assert.Single(history);
        Assert.Equal("Merged", entry.Kind);
        Assert.Contains("actor (merged)", entry.After, StringComparison.Ordinal);

        Assert.True((await Curation.UndoAsync(t.DocumentId, t.CuratorId)).Succeeded);
        var after = Assert.Single(await GoldAsync(t.DocumentId));
        Assert.Equal((0, 9, GoldOrigin.Unanimous, "all-agree"), (after.Start, after.End, after.Origin, after.Rule));
    }

    [Fact]
    public async Task Undo_walks_back_the_users_own_actions_from_the_database_and_revert_needs_the_right()
    {
        var t = await TeamAsync();
        Assert.True((await Curation.MergeAsync(t.DocumentId, t.CuratorId, new MergeRule.AllAgree())).Succeeded);
        Assert.True((await Curation.AcceptAsync(t.DocumentId, t.CuratorId, t.BenId, 15, 27)).Succeeded);
        var accepted = (await GoldAsync(t.DocumentId)).Single(g => g.Start == 15);
        Assert.True((await Curation.UpdateGoldAsync(accepted.Id, t.CuratorId, accepted.Version, t.Labels["casualty figure"], note: "two dead")).Succeeded);
        Assert.Equal(t.Labels["casualty figure"], (await GoldAsync(t.DocumentId)).Single(g => g.Start == 15).LabelId);

        // A fresh service instance reads the same history: undo does not live in memory.
        Assert.True((await Curation.UndoAsync(t.DocumentId, t.CuratorId)).Succeeded);
        Assert.Equal(t.Labels["claim"], (await GoldAsync(t.DocumentId)).Single(g => g.Start == 15).LabelId);
        Assert.True((await Curation.UndoAsync(t.DocumentId, t.CuratorId)).Succeeded);
        Assert.Equal([0], (await GoldAsync(t.DocumentId)).Select(g => g.Start));
        Assert.True((await Curation.UndoAsync(t.DocumentId, t.CuratorId)).Succeeded);
        Assert.Empty(await GoldAsync(t.DocumentId));
        Assert.Equal("Nothing of yours to undo on this document.", (await Curation.UndoAsync(t.DocumentId, t.CuratorId)).Error);

        // Someone else's change: another curator may not revert it, the admin (a supervisor) may.
        Assert.True((await Curation.RejectAsync(t.DocumentId, t.CuratorId, 0, 9)).Succeeded);
        await using var db = server.CreateDbContext();
        var change = await db.CurationChanges.Where(c => c.DocumentId == t.DocumentId && c.Kind == CurationChangeKind.Rejected && c.RevertedById == null).SingleAsync();
        var other = await server.CreateUserAsync("cur2-" + Guid.NewGuid().ToString("N")[..6]);
        await server.AddMemberAsync(other, t.ProjectId, ProjectRole.Curator);
        Assert.Equal("Only a supervisor reverts someone else's change.", (await Curation.RevertAsync(change.Id, other)).Error);
        var reverted = await Curation.RevertAsync(change.Id, t.AdminId);
        Assert.True(reverted.Succeeded, reverted.Error);
        Assert.False(await db.GoldRejections.AnyAsync(r => r.DocumentId == t.DocumentId));

        var history = await Curation.HistoryAsync(t.DocumentId, accepted.Id, t.CuratorId);
        Assert.Contains(history, h => h.Kind == "GoldUpdated" && h.After!.Contains("casualty figure", StringComparison.Ordinal) && h.Before!.Contains("claim", StringComparison.Ordinal));
        Assert.Contains(history, h => h.Kind == "GoldCreated" && h.Reverted);
    }

    [Fact]
    public async Task A_stale_edit_is_refused_and_two_curators_hear_of_each_others_decisions()
    {
        var t = await TeamAsync();
        var heard = new ConcurrentQueue<CurationChangedEvent>();
        using var subscription = server.Get<EventBus>().Subscribe<CurationChangedEvent>(t.DocumentId, e => { heard.Enqueue(e); return Task.CompletedTask; });
        Assert.True((await Curation.AcceptAsync(t.DocumentId, t.CuratorId, t.AnaId, 0, 9)).Succeeded);
        var gold = Assert.Single(await GoldAsync(t.DocumentId));
        Assert.True((await Curation.UpdateGoldAsync(gold.Id, t.AdminId, gold.Version, t.Labels["claim"])).Succeeded);
        var stale = await Curation.UpdateGoldAsync(gold.Id, t.CuratorId, gold.Version, t.Labels["casualty figure"]);
        Assert.True(stale.Conflict);
        Assert.Equal(t.Labels["claim"], Assert.Single(await GoldAsync(t.DocumentId)).LabelId);
        Assert.Equal(["accepted", "gold changed"], heard.Select(e => e.What));
        Assert.Equal([t.CuratorId, t.AdminId], heard.Select(e => e.UserId));
    }

    [Fact]
    public async Task The_queue_counts_states_and_finishing_agreed_documents_takes_one_action()
    {
        var t = await TeamAsync();
        // A second document on which both annotators agree everywhere, and a third nobody finished.
        var agreed = await server.ImportDocumentAsync(t.ProjectId, "Both agree on this one. " + Guid.NewGuid().ToString("N"));
        var open = await server.ImportDocumentAsync(t.ProjectId, "Nobody finished this. " + Guid.NewGuid().ToString("N"));
        await server.AssignAsync(t.AnaId, agreed);
        await server.AssignAsync(t.BenId, agreed);
        await server.AssignAsync(t.AnaId, open);
        var spans = server.Get<AnnotationService>();
        await Ok(spans.CreateAsync(agreed, t.AnaId, 0, 4, t.Labels["actor"], null));
        await Ok(spans.CreateAsync(agreed, t.BenId, 0, 4, t.Labels["actor"], null));
        var team = server.Get<TeamService>();
        Assert.True((await team.SetDoneAsync(agreed, t.AnaId, true)).Succeeded);
        Assert.True((await team.SetDoneAsync(agreed, t.BenId, true)).Succeeded);

        var (rows, counts) = await Curation.QueueAsync(t.ProjectId, t.CuratorId, new CurationQueueFilter());
        Assert.Equal(3, rows.Count);
        Assert.Equal(2, counts[CurationStatus.Ready]);
        Assert.Equal(1, counts[CurationStatus.Annotating]);
        Assert.Equal(2, rows.Single(r => r.DocumentId == t.DocumentId).Disagreements);
        Assert.Equal(0, rows.Single(r => r.DocumentId == agreed).Disagreements);

        Assert.Equal(1, (await Curation.FinishAgreedAsync(t.ProjectId, t.CuratorId)).Count);
        var (after, afterCounts) = await Curation.QueueAsync(t.ProjectId, t.CuratorId, new CurationQueueFilter(Status: CurationStatus.Curated));
        Assert.Equal([agreed], after.Select(r => r.DocumentId));
        Assert.Equal(1, afterCounts[CurationStatus.Curated]);
        var gold = Assert.Single(await GoldAsync(agreed));
        Assert.Equal(GoldOrigin.Unanimous, gold.Origin);

        var (byLabel, _) = await Curation.QueueAsync(t.ProjectId, t.CuratorId, new CurationQueueFilter(Label: "casualty figure"));
        Assert.Equal([t.DocumentId], byLabel.Select(r => r.DocumentId));
        var (annotatorsOnly, _) = await Curation.QueueAsync(t.ProjectId, t.AnaId, new CurationQueueFilter());
        Assert.Empty(annotatorsOnly);
    }

    [Fact]
    public async Task Merging_the_project_takes_only_ready_documents()
    {
        var t = await TeamAsync();
        var unfinished = await TeamAsync(done: false);
        Assert.Equal(1, (await Curation.MergeProjectAsync(t.ProjectId, t.CuratorId, new MergeRule.AllAgree())).Count);
        Assert.Single(await GoldAsync(t.DocumentId));
        Assert.Equal(0, (await Curation.MergeProjectAsync(unfinished.ProjectId, unfinished.CuratorId, new MergeRule.AllAgree())).Count);
        Assert.Empty(await GoldAsync(unfinished.DocumentId));
    }

    private async Task<decimal[]> FingerprintAsync(int documentId)
    {
        await using var db = server.CreateDbContext();
        return await MaterialReader.FingerprintAsync(db, documentId, documentId, CancellationToken.None);
    }

    [Fact]
    public async Task A_documents_fingerprint_changes_with_every_kind_of_change_a_merge_reads()
    {
        // A whole-project merge plans a batch outside the writing transaction and reads it again when its fingerprint moved.
        var t = await TeamAsync(done: false);
        var seen = new List<decimal[]> { await FingerprintAsync(t.DocumentId) };
        async Task Moved(string what)
        {
            var now = await FingerprintAsync(t.DocumentId);
            Assert.False(seen.Any(s => s.AsSpan().SequenceEqual(now)), what + " left the fingerprint as it was");
            seen.Add(now);
        }

        var spans = server.Get<AnnotationService>();
        var created = await spans.CreateAsync(t.DocumentId, t.BenId, 34, 46, t.Labels["claim"], null);
        await Moved("a new span");
        Assert.Equal(AnnotationOutcome.Ok, (await spans.DeleteAsync(created.Annotation!.Id, t.BenId, created.Annotation.Version)).Outcome);
        await Moved("a deleted span");
        var team = server.Get<TeamService>();
        Assert.True((await team.SetDoneAsync(t.DocumentId, t.AnaId, true)).Succeeded);
        Assert.True((await team.SetDoneAsync(t.DocumentId, t.BenId, true)).Succeeded);
        Assert.True((await Curation.MergeAsync(t.DocumentId, t.CuratorId, new MergeRule.AllAgree())).Succeeded);
        await Moved("a merge's proposal");
        Assert.True((await Curation.RejectAsync(t.DocumentId, t.CuratorId, 15, 27)).Succeeded);
        await Moved("a rejection");
        Assert.True((await Curation.CreateGoldAsync(t.DocumentId, t.CuratorId, 34, 46, t.Labels["actor"], null)).Succeeded);
        await Moved("a curator's gold span");
        Assert.True((await Curation.UndoAsync(t.DocumentId, t.CuratorId)).Succeeded);
        await Moved("an undo");
        Assert.True((await Curation.AcceptAsync(t.DocumentId, t.CuratorId, t.AnaId, 34, 46)).Succeeded);
        await Moved("an accepted span");
        Assert.True((await Curation.FinishAsync(t.DocumentId, t.CuratorId)).Succeeded);
        await Moved("finishing the document");
        // Reading changes nothing.
        await Curation.LoadAsync(t.DocumentId, t.CuratorId);
        Assert.Equal(seen[^1], await FingerprintAsync(t.DocumentId));
    }

    [Fact]
    public async Task A_curators_decision_made_while_the_project_merges_is_never_overlapped_by_a_proposal()
    {
        // The merge reads a batch outside its writing transaction; a curator's gold span saved in between must make it read
        // the batch again, not propose over the decision. Bounded: 15 races, each undone before the next.
        var t = await TeamAsync();
        for (var i = 0; i < 15; i++)
        {
            var merge = Task.Run(() => Curation.MergeProjectAsync(t.ProjectId, t.CuratorId, new MergeRule.AllWhoAnnotatedAgree()));
            var decide = Task.Run(() => Curation.AcceptAsync(t.DocumentId, t.CuratorId, t.AnaId, 34, 46, "race " + i));
            Assert.True((await merge).Succeeded);
            Assert.True((await decide).Succeeded);
            var gold = await GoldAsync(t.DocumentId);
            var decided = gold.Where(g => g.Origin == GoldOrigin.Adjudicated).ToList();
            Assert.Single(decided);
            Assert.DoesNotContain(gold, g => g.Origin is GoldOrigin.Merged or GoldOrigin.Unanimous && decided.Any(d => g.Start < d.End && d.Start < g.End));
            // A merge after the decision proposes only the agreed unit.
            Assert.True((await Curation.MergeProjectAsync(t.ProjectId, t.CuratorId, new MergeRule.AllWhoAnnotatedAgree())).Succeeded);
            Assert.Equal([(0, 9, GoldOrigin.Unanimous), (34, 46, GoldOrigin.Adjudicated)], (await GoldAsync(t.DocumentId)).Select(g => (g.Start, g.End, g.Origin)));
            await using var db = server.CreateDbContext();
            await db.GoldAnnotations.Where(g => g.DocumentId == t.DocumentId).ExecuteDeleteAsync();
        }
    }

    [Fact]
    public async Task Re_merging_the_project_replaces_its_proposals_keeps_the_curators_decisions_and_logs_one_row_per_document()
    {
        var t = await TeamAsync();
        Assert.Equal(2, (await Curation.MergeProjectAsync(t.ProjectId, t.CuratorId, new MergeRule.AllWhoAnnotatedAgree())).Count);
        Assert.Equal([(0, 9, GoldOrigin.Unanimous), (34, 46, GoldOrigin.Merged)], (await GoldAsync(t.DocumentId)).Select(g => (g.Start, g.End, g.Origin)));
        // Every proposal of the document replaced; then made again, as new rows.
        Assert.Equal(1, (await Curation.MergeProjectAsync(t.ProjectId, t.CuratorId, new MergeRule.AllAgree())).Count);
        Assert.Equal([(0, 9, "all-agree")], (await GoldAsync(t.DocumentId)).Select(g => (g.Start, g.End, g.Rule)));
        Assert.Equal(2, (await Curation.MergeProjectAsync(t.ProjectId, t.CuratorId, new MergeRule.AllWhoAnnotatedAgree())).Count);
        var proposals = await GoldAsync(t.DocumentId);

        // A curator rejects the wrong-label unit and draws gold over the agreed one: a re-merge leaves both, and the
        // proposal in the unit the curator decided, and replaces only the one in the open unit.
        Assert.True((await Curation.RejectAsync(t.DocumentId, t.CuratorId, 15, 27)).Succeeded);
        Assert.True((await Curation.CreateGoldAsync(t.DocumentId, t.CuratorId, 3, 12, t.Labels["claim"], "mine")).Succeeded);
        Assert.Equal(0, (await Curation.MergeProjectAsync(t.ProjectId, t.CuratorId, new MergeRule.AllAgree())).Count);
        var after = await GoldAsync(t.DocumentId);
        Assert.Equal([(0, 9, GoldOrigin.Unanimous), (3, 12, GoldOrigin.Adjudicated)], after.Select(g => (g.Start, g.End, g.Origin)));
        Assert.Equal(proposals[0].Id, after[0].Id);
        Assert.Equal("mine", after[1].Note);
        await using var db = server.CreateDbContext();
        Assert.True(await db.GoldRejections.AnyAsync(r => r.DocumentId == t.DocumentId && r.Start == 15 && r.End == 27));

        // One Merged row per run that changed the document, each its own action; the last one holds the replaced
        // proposal as it was stored (read without EF, compared with EF's read).
        var merges = await db.CurationChanges.AsNoTracking().Where(c => c.DocumentId == t.DocumentId && c.Kind == CurationChangeKind.Merged)
            .OrderBy(c => c.Id).ToListAsync();
        Assert.Equal(4, merges.Count);
        Assert.Equal(4, merges.Select(c => c.ActionId).Distinct().Count());
        Assert.All(merges, c => Assert.Equal((t.CuratorId, (long?)null, (long?)null, (long?)null), (c.UserId, c.TargetId, c.RevertsId, c.RevertedById)));
        var replaced = Assert.Single(System.Text.Json.JsonSerializer.Deserialize<List<GoldAnnotation>>(merges[^1].Before!)!);
        var stored = proposals[1];
        Assert.Equal((stored.Id, stored.Start, stored.End, stored.LabelId, stored.Origin, stored.Rule, stored.Sources, stored.CreatedAt, stored.Version),
            (replaced.Id, replaced.Start, replaced.End, replaced.LabelId, replaced.Origin, replaced.Rule, replaced.Sources, replaced.CreatedAt, replaced.Version));
        Assert.Equal("[]", merges[^1].After);

        // Reverting that run brings the replaced proposal back.
        Assert.True((await Curation.RevertAsync(merges[^1].Id, t.CuratorId)).Succeeded);
        Assert.Equal([(0, 9), (3, 12), (34, 46)], (await GoldAsync(t.DocumentId)).Select(g => (g.Start, g.End)));
    }

    [Trait("Database", "SqliteOnly")] // the command line, run against a SQLite file
    [Fact]
    public async Task The_command_line_merges_a_project_and_refuses_a_bad_rule()
    {
        var t = await TeamAsync();
        await using (var db = server.CreateDbContext())
        {
            var name = await db.Projects.Where(p => p.Id == t.ProjectId).Select(p => p.Name).SingleAsync();
            var bad = await Authorization.RightsEndAtOnceTests.RunCommandAsync(server, "curation", "merge", name, "--rule", "vote:0:0.5");
            Assert.NotEqual(0, bad.ExitCode);
            Assert.Empty(await GoldAsync(t.DocumentId));
            var run = await Authorization.RightsEndAtOnceTests.RunCommandAsync(server, "curation", "merge", name, "--rule", "all-who-annotated");
            Assert.True(run.ExitCode == 0, run.Error);
            Assert.Contains("Merged (all who annotated agree): 2 gold spans proposed.", run.Out, StringComparison.Ordinal);
        }
        Assert.Equal([0, 34], (await GoldAsync(t.DocumentId)).Select(g => g.Start));
    }

    [Fact]
    public async Task Annotators_see_how_their_spans_were_curated_once_the_document_is_curated()
    {
        var t = await TeamAsync();
        Assert.Null(await Curation.FeedbackAsync(t.DocumentId, t.AnaId));
        Assert.True((await Curation.AcceptAsync(t.DocumentId, t.CuratorId, t.AnaId, 0, 9)).Succeeded);
        Assert.True((await Curation.AcceptAsync(t.DocumentId, t.CuratorId, t.BenId, 15, 27, "it is a claim")).Succeeded);
        Assert.True((await Curation.RejectAsync(t.DocumentId, t.CuratorId, 34, 46, "not an actor")).Succeeded);
        Assert.True((await Curation.FinishAsync(t.DocumentId, t.CuratorId)).Succeeded);

        var feedback = await Curation.FeedbackAsync(t.DocumentId, t.AnaId);
        Assert.NotNull(feedback);
        Assert.Equal([FeedbackKind.Accepted, FeedbackKind.Corrected, FeedbackKind.Rejected], feedback.Select(f => f.Kind));
        Assert.Equal(("claim", "two soldiers", "it is a claim"), (feedback[1].GoldLabel, feedback[1].GoldText, feedback[1].Note));
        Assert.Equal("not an actor", feedback[2].Note);
        var ben = await Curation.FeedbackAsync(t.DocumentId, t.BenId);
        Assert.Equal([FeedbackKind.Accepted, FeedbackKind.Accepted], ben!.Select(f => f.Kind));
    }

    private async Task<Dictionary<string, string>> NamesAsync(Team t)
    {
        await using var db = server.CreateDbContext();
        var ids = new[] { t.AnaId, t.BenId };
        return await db.Users.Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.UserName!);
    }
}
