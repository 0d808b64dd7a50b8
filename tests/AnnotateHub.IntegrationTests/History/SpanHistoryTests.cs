using AnnotateHub.Core.Projects;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests.History;

/// <summary>A span's history, revert and undo: through AnnotationService and the database, and through the hub.</summary>
public sealed class SpanHistoryTests(AppServer server) : IClassFixture<AppServer>, IAsyncLifetime
{
    private const string Text = "Rockets hit the base. At least ten soldiers were injured.\n";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private AnnotationService Annotations => server.Get<AnnotationService>();

    private int _projectId;
    private int _documentId;
    private string _alice = "", _aliceName = "";
    private string _bob = "", _bobName = "";
    private string _admin = "";
    private IReadOnlyList<LabelView> _labels = [];

    private LabelView Claim => _labels.Single(l => l.Name == "claim");
    private LabelView Actor => _labels.Single(l => l.Name == "actor");

    public async Task InitializeAsync()
    {
        _projectId = await server.CreateProjectAsync("History " + Guid.NewGuid().ToString("N"));
        _documentId = await server.ImportDocumentAsync(_projectId, Text + Guid.NewGuid().ToString("N"));
        _aliceName = "alice-" + Guid.NewGuid().ToString("N")[..8];
        _bobName = "bob-" + Guid.NewGuid().ToString("N")[..8];
        _alice = await server.CreateUserAsync(_aliceName);
        _bob = await server.CreateUserAsync(_bobName);
        await server.AddMemberAsync(_alice, _projectId);
        await server.AddMemberAsync(_bob, _projectId);
        _admin = await server.AdminIdAsync();
        _labels = await server.Get<LabelService>().ListAsync(_projectId);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task History_lists_every_change_of_a_span_with_who_and_what_it_was_before_and_after()
    {
        var created = (await Annotations.CreateAsync(_documentId, _alice, 0, 7, Claim.Id, null)).Annotation!;
        var relabelled = (await Annotations.UpdateAsync(created.Id, _alice, 1, Actor.Id, null)).Annotation!;
        await Annotations.UpdateAsync(created.Id, _alice, relabelled.Version, Actor.Id, "from CNN");
        await Annotations.DeleteAsync(created.Id, _alice, 3);

        var history = await Annotations.HistoryAsync(created.Id, _alice);

        Assert.NotNull(history);
        Assert.Equal([ChangeKind.AnnotationCreated, ChangeKind.AnnotationUpdated, ChangeKind.AnnotationUpdated, ChangeKind.AnnotationDeleted],
            history.Select(h => h.Kind));
        Assert.All(history, h => Assert.Equal((_alice, _aliceName), (h.UserId, h.UserName)));
        Assert.Null(history[0].Before);
        Assert.Equal("claim", history[0].After!.LabelName);
        Assert.Equal(("claim", "actor"), (history[1].Before!.LabelName, history[1].After!.LabelName));
        Assert.Equal((null, "from CNN"), (history[2].Before!.Note, history[2].After!.Note));
        Assert.Equal(("from CNN", 3), (history[3].Before!.Note, history[3].Before!.Version));
        Assert.Null(history[3].After);
        Assert.All(history, h => Assert.True(h.CanRevert));
        Assert.Equal(history.Select(h => h.Sequence).Order(), history.Select(h => h.Sequence));
        // Another member of the open project reads it too, but may not revert alice's changes.
        var seenByBob = await Annotations.HistoryAsync(created.Id, _bob);
        Assert.Equal(4, seenByBob!.Count);
        Assert.All(seenByBob, h => Assert.False(h.CanRevert));
    }

    [Fact]
    public async Task Undo_walks_back_through_the_users_own_changes_one_at_a_time()
    {
        var first = (await Annotations.CreateAsync(_documentId, _alice, 0, 7, Claim.Id, null)).Annotation!;
        var second = (await Annotations.CreateAsync(_documentId, _alice, 22, 56, Claim.Id, null)).Annotation!;
        await Annotations.UpdateAsync(second.Id, _alice, 1, Actor.Id, "relabelled");
        // Bob's change comes last, but alice's undo is hers alone.
        var bobs = (await Annotations.CreateAsync(_documentId, _bob, 8, 11, Actor.Id, null)).Annotation!;

        var undoRelabel = await Annotations.UndoAsync(_documentId, _alice);
        Assert.Equal((AnnotationOutcome.Ok, ChangeKind.AnnotationUpdated), (undoRelabel.Outcome, undoRelabel.Kind));
        var restored = await Annotations.FindAsync(second.Id);
        Assert.Equal((Claim.Id, (string?)null, 3), (restored!.LabelId, restored.Note, restored.Version));

        var undoSecond = await Annotations.UndoAsync(_documentId, _alice);
        Assert.Equal((AnnotationOutcome.Ok, ChangeKind.AnnotationDeleted, second.Id), (undoSecond.Outcome, undoSecond.Kind, undoSecond.Annotation!.Id));
        Assert.Null(await Annotations.FindAsync(second.Id));

        var undoFirst = await Annotations.UndoAsync(_documentId, _alice);
        Assert.Equal((AnnotationOutcome.Ok, first.Id), (undoFirst.Outcome, undoFirst.Annotation!.Id));

        var nothing = await Annotations.UndoAsync(_documentId, _alice);
        Assert.Equal(AnnotationOutcome.NotFound, nothing.Outcome);
        Assert.Contains("Nothing to undo", nothing.Error);

        var left = await Annotations.ListAsync(_documentId);
        Assert.Equal([bobs.Id], left.Select(a => a.Id));
        // Each undo is a change in the log that names the change it undid.
        await using var db = server.CreateDbContext();
        var reverts = await db.DocumentChanges.Where(c => c.DocumentId == _documentId && c.RevertsSequence != null)
            .OrderBy(c => c.Sequence).Select(c => new { c.RevertsSequence, c.UserId }).ToListAsync();
        Assert.Equal([3L, 2L, 1L], reverts.Select(r => r.RevertsSequence!.Value));
        Assert.All(reverts, r => Assert.Equal(_alice, r.UserId));
        var history = await Annotations.HistoryAsync(second.Id, _alice);
        Assert.Equal(new long?[] { 6, 5, null, null }, history!.Select(h => h.RevertedBy));
    }

    [Fact]
    public async Task Undo_of_a_delete_brings_the_span_back_with_its_id_label_and_note()
    {
        var created = (await Annotations.CreateAsync(_documentId, _alice, 22, 56, Claim.Id, "per CNN")).Annotation!;
        await Annotations.DeleteAsync(created.Id, _alice, 1);

        var undone = await Annotations.UndoAsync(_documentId, _alice);

        Assert.Equal((AnnotationOutcome.Ok, ChangeKind.AnnotationCreated), (undone.Outcome, undone.Kind));
        var back = await Annotations.FindAsync(created.Id);
        Assert.Equal((_alice, 22, 56, Claim.Id, "per CNN"), (back!.AnnotatorId, back.Start, back.End, back.LabelId, back.Note));
        Assert.True(back.Version > created.Version); // a viewer still holding the old version takes the new one
        // And the span can be changed again as usual.
        Assert.True((await Annotations.UpdateAsync(created.Id, _alice, back.Version, Actor.Id, null)).Succeeded);
    }

    [Fact]
    public async Task A_change_the_span_has_moved_past_or_one_already_undone_is_refused_and_nothing_changes()
    {
        var created = (await Annotations.CreateAsync(_documentId, _alice, 0, 7, Claim.Id, null)).Annotation!;
        var relabel = await Annotations.UpdateAsync(created.Id, _alice, 1, Actor.Id, null);
        var changes = await ChangeCountAsync();

        var stale = await Annotations.RevertAsync(_documentId, 1, _alice);
        Assert.Equal(AnnotationOutcome.Conflict, stale.Outcome);
        Assert.Contains("changed after this change", stale.Error);
        Assert.Equal(changes, await ChangeCountAsync());
        Assert.Equal(Actor.Id, (await Annotations.FindAsync(created.Id))!.LabelId);

        // Two reverts of the same change at once: exactly one applies.
        var both = await Task.WhenAll(Annotations.RevertAsync(_documentId, relabel.Sequence, _alice), Annotations.RevertAsync(_documentId, relabel.Sequence, _alice));
        Assert.Equal([AnnotationOutcome.Ok, AnnotationOutcome.Conflict], both.Select(r => r.Outcome).Order());
        Assert.Contains("already undone", both.Single(r => !r.Succeeded).Error);
        Assert.Equal(changes + 1, await ChangeCountAsync());

        var unknown = await Annotations.RevertAsync(_documentId, 999_999, _alice);
        Assert.Equal(AnnotationOutcome.NotFound, unknown.Outcome);
    }

    [Fact]
    public async Task Another_annotator_may_not_revert_a_change_but_a_supervisor_may()
    {
        var created = await Annotations.CreateAsync(_documentId, _alice, 0, 7, Claim.Id, null);

        var byBob = await Annotations.RevertAsync(_documentId, created.Sequence, _bob);
        Assert.Equal(AnnotationOutcome.Forbidden, byBob.Outcome);
        Assert.NotNull(await Annotations.FindAsync(created.Annotation!.Id));
        // Bob's own undo does not reach alice's change either.
        Assert.Equal(AnnotationOutcome.NotFound, (await Annotations.UndoAsync(_documentId, _bob)).Outcome);

        var bySupervisor = await Annotations.RevertAsync(_documentId, created.Sequence, _admin);
        Assert.True(bySupervisor.Succeeded, bySupervisor.Error);
        Assert.Null(await Annotations.FindAsync(created.Annotation.Id));
        var history = await Annotations.HistoryAsync(created.Annotation.Id, _alice);
        Assert.Equal(_admin, history![^1].UserId); // the revert is the supervisor's change of alice's span
        Assert.Equal(created.Sequence, history[^1].Reverts);
    }

    [Fact]
    public async Task In_a_blind_project_another_annotators_span_has_no_history_for_an_annotator()
    {
        var mode = await server.Get<TeamService>().SetModeAsync(_projectId, _admin, ProjectMode.Blind);
        Assert.True(mode.Succeeded, mode.Error);
        var created = await Annotations.CreateAsync(_documentId, _alice, 0, 7, Claim.Id, null);

        Assert.Null(await Annotations.HistoryAsync(created.Annotation!.Id, _bob));
        Assert.Equal(AnnotationOutcome.NotFound, (await Annotations.RevertAsync(_documentId, created.Sequence, _bob)).Outcome);
        Assert.NotNull(await Annotations.HistoryAsync(created.Annotation.Id, _admin));
        Assert.NotNull(await Annotations.FindAsync(created.Annotation.Id));
    }

    [Fact]
    public async Task Through_the_hub_undo_and_revert_reach_the_other_clients_and_history_reads_back()
    {
        await using var alice = await server.ConnectToHubAsync(_aliceName, AppServer.AnnotatorPassword);
        await using var bob = await server.ConnectToHubAsync(_bobName, AppServer.AnnotatorPassword);
        var seen = new List<ChangeDto>();
        var gate = new Lock();
        bob.On<ChangeDto>("Change", c => { lock (gate) seen.Add(c); });
        bob.On<ChangeDto[]>("Changes", cs => { lock (gate) seen.AddRange(cs); });
        await alice.InvokeAsync<JoinResult>("JoinDocument", _documentId, null);
        await bob.InvokeAsync<JoinResult>("JoinDocument", _documentId, null);

        var created = await alice.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(_documentId, 0, 7, "claim", null, null));
        Assert.True(created.Ok, created.Error);
        var undone = await alice.InvokeAsync<MutationResult>("Undo", _documentId);
        Assert.True(undone.Ok, undone.Error);
        Assert.Equal("deleted", undone.Change!.Kind);
        var redone = await alice.InvokeAsync<MutationResult>("RevertChange", _documentId, undone.Change.Sequence);
        Assert.True(redone.Ok, redone.Error);
        Assert.Equal(("created", created.Change!.Annotation.Id), (redone.Change!.Kind, redone.Change.Annotation.Id));

        await Eventually.Until(() => { lock (gate) return seen.Count >= 3; }, Wait);
        List<ChangeDto> received;
        lock (gate) received = seen.ToList();
        Assert.Equal(["created", "deleted", "created"], received.Select(c => c.Kind));
        Assert.Equal(new long?[] { null, created.Change.Sequence, undone.Change.Sequence }, received.Select(c => c.Reverts));

        var history = await bob.InvokeAsync<IReadOnlyList<HistoryEntryDto>>("GetHistory", created.Change.Annotation.Id);
        Assert.Equal(["created", "deleted", "created"], history.Select(h => h.Kind));
        Assert.Equal(undone.Change.Sequence, history[0].RevertedBy);
        Assert.All(history, h => Assert.False(h.CanRevert)); // bob's view: alice's changes
        var refused = await bob.InvokeAsync<MutationResult>("RevertChange", _documentId, created.Change.Sequence);
        Assert.Equal("forbidden", refused.Code);
        var unknown = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => bob.InvokeAsync<IReadOnlyList<HistoryEntryDto>>("GetHistory", 987_654_321L));
        Assert.Contains("does not exist", unknown.Message);
    }

    private async Task<int> ChangeCountAsync()
    {
        await using var db = server.CreateDbContext();
        return await db.DocumentChanges.CountAsync(c => c.DocumentId == _documentId);
    }
}
