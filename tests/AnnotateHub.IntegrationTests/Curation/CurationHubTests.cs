using AnnotateHub.Core.Projects;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Curation;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests.Curation;

/// <summary>Curation through the hub (/hubs/curation): the view, decisions, undo, history and revert, a second curator's
/// live notice, who may, and rights that end at once.</summary>
public sealed class CurationHubTests(AppServer server) : IClassFixture<AppServer>
{
    //                          0         1         2         3         4         5
    //                          012345678901234567890123456789012345678901234567890123456
    private const string Text = "Officials said two soldiers died. The ministry denied it.";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private sealed record Team(int ProjectId, int DocumentId, string Ana, string AnaId, string Cleo, string CleoId, string Sam, string SamId);

    private async Task<Team> TeamAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var projectId = await server.CreateProjectAsync("Curation hub " + suffix);
        var documentId = await server.ImportDocumentAsync(projectId, Text + " " + suffix);
        var (ana, ben, cleo, sam) = ($"ana-{suffix}", $"ben-{suffix}", $"cleo-{suffix}", $"sam-{suffix}");
        var anaId = await server.CreateUserAsync(ana);
        var benId = await server.CreateUserAsync(ben);
        var cleoId = await server.CreateUserAsync(cleo);
        var samId = await server.CreateUserAsync(sam);
        await server.AddMemberAsync(anaId, projectId);
        await server.AddMemberAsync(benId, projectId);
        await server.AddMemberAsync(cleoId, projectId, ProjectRole.Curator);
        await server.AddMemberAsync(samId, projectId, ProjectRole.Supervisor);
        var labels = (await server.Get<LabelService>().ListAsync(projectId)).ToDictionary(l => l.Name, l => l.Id);
        var spans = server.Get<AnnotationService>();
        foreach (var (user, start, end, label) in new[]
        {
            (anaId, 0, 9, "actor"), (benId, 0, 9, "actor"), (anaId, 15, 27, "casualty figure"), (benId, 15, 27, "claim"), (anaId, 34, 46, "actor"),
        })
        {
            Assert.True((await spans.CreateAsync(documentId, user, start, end, labels[label], null)).Succeeded);
        }
        var team = server.Get<TeamService>();
        Assert.True((await team.SetDoneAsync(documentId, anaId, true)).Succeeded);
        Assert.True((await team.SetDoneAsync(documentId, benId, true)).Succeeded);
        return new Team(projectId, documentId, ana, anaId, cleo, cleoId, sam, samId);
    }

    private Task<HubConnection> ConnectAsync(string user) => server.ConnectToHubAsync(user, AppServer.AnnotatorPassword, CurationHub.Path);

    [Fact]
    public async Task A_curator_sets_what_a_gold_figure_says_through_the_hub_and_bad_values_or_an_annotator_change_nothing()
    {
        var t = await TeamAsync();
        await using var cleo = await ConnectAsync(t.Cleo);
        await using var ana = await ConnectAsync(t.Ana);
        var accepted = await cleo.InvokeAsync<CurationResultDto>("Accept", new AcceptRequest(t.DocumentId, 15, 27, 1));
        Assert.True(accepted.Ok, accepted.Error);
        var state = await cleo.InvokeAsync<CurationStateDto>("GetCuration", t.DocumentId, false);
        var gold = state.Gold.Single(g => g.Start == 15);
        var values = new Dictionary<string, string?> { ["count"] = "2", ["status"] = "killed", ["who"] = "soldiers" };

        var bad = await cleo.InvokeAsync<CurationResultDto>("SetGoldValues", gold.Id, gold.Version, new Dictionary<string, string?> { ["count"] = "two", ["colour"] = "red" });
        var stranger = await ana.InvokeAsync<CurationResultDto>("SetGoldValues", gold.Id, gold.Version, values);
        var stale = await cleo.InvokeAsync<CurationResultDto>("SetGoldValues", gold.Id, gold.Version + 1, values);
        var gone = await cleo.InvokeAsync<CurationResultDto>("SetGoldValues", gold.Id + 100_000, 1, values);
        var after = (await cleo.InvokeAsync<CurationStateDto>("GetCuration", t.DocumentId, false)).Gold.Single(g => g.Start == 15);
        Assert.Equal(("refused", gold.Version), (bad.Code, after.Version));
        Assert.Contains("count: \"two\" is not a number", bad.Error, StringComparison.Ordinal);
        Assert.Contains("This label has no attribute \"colour\"", bad.Error, StringComparison.Ordinal);
        Assert.Equal("refused", stranger.Code);
        Assert.Equal("conflict", stale.Code);
        Assert.Equal("conflict", gone.Code);
        Assert.Equal(gold.Attributes, after.Attributes);

        var set = await cleo.InvokeAsync<CurationResultDto>("SetGoldValues", gold.Id, gold.Version, values);

        Assert.True(set.Ok, set.Error);
        var now = (await cleo.InvokeAsync<CurationStateDto>("GetCuration", t.DocumentId, false)).Gold.Single(g => g.Start == 15);
        Assert.Equal(new Dictionary<string, string> { ["count"] = "2", ["status"] = "killed", ["who"] = "soldiers" }, now.Attributes);
    }

    [Fact]
    public async Task A_curator_decides_undoes_and_reads_history_through_the_hub_and_a_supervisor_sees_it_live_and_reverts()
    {
        var t = await TeamAsync();
        await using var cleo = await ConnectAsync(t.Cleo);
        await using var sam = await ConnectAsync(t.Sam);
        var notices = new List<CurationChangedDto>();
        var gate = new Lock();
        sam.On<CurationChangedDto>("CurationChanged", n => { lock (gate) notices.Add(n); });
        await sam.InvokeAsync("JoinCuration", t.DocumentId);

        var view = await cleo.InvokeAsync<CurationStateDto>("GetCuration", t.DocumentId, false);
        Assert.Equal("ready", view.Status);
        Assert.Equal([(1, $"ana-{t.Ana[4..]}"), (2, $"ben-{t.Ana[4..]}")], view.Lanes.Select(l => (l.Number, l.Name)));
        Assert.Equal(["agree", "wrong_label", "extra"], view.Units.Select(u => u.Kind));
        Assert.All(view.Units, u => Assert.False(u.Decided));

        // Lane 2 (ben) for the wrong-label unit; reject ana's extra span; undo the rejection.
        var accepted = await cleo.InvokeAsync<CurationResultDto>("Accept", new AcceptRequest(t.DocumentId, 15, 27, 2, Note: "ben is right"));
        Assert.True(accepted.Ok, accepted.Error);
        var rejected = await cleo.InvokeAsync<CurationResultDto>("Reject", t.DocumentId, 34, 46, "not an actor");
        Assert.True(rejected.Ok, rejected.Error);
        var undone = await cleo.InvokeAsync<CurationResultDto>("Undo", t.DocumentId);
        Assert.True(undone.Ok, undone.Error);

        view = await cleo.InvokeAsync<CurationStateDto>("GetCuration", t.DocumentId, false);
        var gold = Assert.Single(view.Gold);
        Assert.Equal((15, 27, "claim", "adjudicated", t.Cleo, "ben is right"), (gold.Start, gold.End, gold.Label, gold.Origin, gold.Curator, gold.Note));
        Assert.Empty(view.Rejections);
        Assert.Equal([false, true, false], view.Units.Select(u => u.Decided));

        // The supervisor's connection heard each of them, in order.
        await Eventually.Until(() => { lock (gate) return notices.Count >= 3; }, Wait);
        lock (gate)
        {
            Assert.Equal(["accepted", "rejected", "undone"], notices.Take(3).Select(n => n.What));
            Assert.All(notices, n => Assert.Equal((t.DocumentId, t.CleoId), (n.DocumentId, n.UserId)));
        }

        // History of the gold span: its creation by cleo, which the supervisor may revert.
        var history = await sam.InvokeAsync<IReadOnlyList<HistoryEntry>>("GetHistory", t.DocumentId, gold.Id, false);
        var created = Assert.Single(history);
        Assert.Equal(("GoldCreated", t.Cleo, true), (created.Kind, created.UserName, created.CanRevert));
        var reverted = await sam.InvokeAsync<CurationResultDto>("Revert", created.ChangeId);
        Assert.True(reverted.Ok, reverted.Error);
        await using (var db = server.CreateDbContext())
            Assert.False(await db.GoldAnnotations.AnyAsync(g => g.DocumentId == t.DocumentId));
        var again = await sam.InvokeAsync<CurationResultDto>("Revert", created.ChangeId);
        Assert.Equal("refused", again.Code);
    }

    [Fact]
    public async Task An_annotator_may_not_curate_through_the_hub_and_bad_requests_change_nothing()
    {
        var t = await TeamAsync();
        await using var ana = await ConnectAsync(t.Ana);
        var refused = await Assert.ThrowsAsync<HubException>(() => ana.InvokeAsync<CurationStateDto>("GetCuration", t.DocumentId, false));
        Assert.Contains("Only the project's curators and supervisors", refused.Message);
        var accept = await ana.InvokeAsync<CurationResultDto>("Accept", new AcceptRequest(t.DocumentId, 0, 9, 1));
        Assert.Equal("refused", accept.Code);
        var reject = await ana.InvokeAsync<CurationResultDto>("Reject", t.DocumentId, 0, 9, null);
        Assert.Equal("refused", reject.Code);

        await using var cleo = await ConnectAsync(t.Cleo);
        Assert.Equal("invalid", (await cleo.InvokeAsync<CurationResultDto>("Accept", new AcceptRequest(t.DocumentId, 0, 9, 7))).Code);
        Assert.Equal("invalid", (await cleo.InvokeAsync<CurationResultDto>("Merge", t.DocumentId, "vote:0:2")).Code);
        Assert.Equal("invalid", (await cleo.InvokeAsync<CurationResultDto>("CreateGold", t.DocumentId, 0, 9, "no such label", null)).Code);
        var outOfRange = await cleo.InvokeAsync<CurationResultDto>("CreateGold", t.DocumentId, 0, 100_000, "actor", null);
        Assert.Equal("refused", outOfRange.Code);
        // An argument of the wrong type answers with the reason, as the annotation hub does.
        var badType = await cleo.InvokeAsync<CurationResultDto>("Reject", t.DocumentId, "zero", 9, null);
        Assert.Equal("invalid", badType.Code);
        await using var db = server.CreateDbContext();
        Assert.False(await db.GoldAnnotations.AnyAsync(g => g.DocumentId == t.DocumentId));
        Assert.False(await db.GoldRejections.AnyAsync(r => r.DocumentId == t.DocumentId));
        Assert.False(await db.CurationChanges.AnyAsync(c => c.DocumentId == t.DocumentId));
    }

    [Fact]
    public async Task A_curator_removed_from_the_team_stops_hearing_the_documents_curation_at_once()
    {
        var t = await TeamAsync();
        await using var cleo = await ConnectAsync(t.Cleo);
        var heard = new List<string>();
        var gate = new Lock();
        cleo.On<CurationChangedDto>("CurationChanged", n => { lock (gate) heard.Add("changed:" + n.What); });
        cleo.On<CurationAccessRevokedDto>("AccessRevoked", r => { lock (gate) heard.Add("revoked:" + r.DocumentId); });
        await cleo.InvokeAsync("JoinCuration", t.DocumentId);
        await using var sam = await ConnectAsync(t.Sam);

        Assert.True((await sam.InvokeAsync<CurationResultDto>("Reject", t.DocumentId, 34, 46, null)).Ok);
        await Eventually.Until(() => { lock (gate) return heard.Count >= 1; }, Wait);
        var removed = await server.Get<TeamService>().RemoveMemberAsync(t.ProjectId, t.SamId, t.CleoId);
        Assert.True(removed.Succeeded, removed.Error);
        Assert.True((await sam.InvokeAsync<CurationResultDto>("Undo", t.DocumentId)).Ok);

        await Eventually.Until(() => { lock (gate) return heard.Count >= 2; }, Wait);
        lock (gate) Assert.Equal(["changed:rejected", $"revoked:{t.DocumentId}"], heard);
        await Assert.ThrowsAsync<HubException>(() => cleo.InvokeAsync<CurationStateDto>("GetCuration", t.DocumentId, false));
    }
}
