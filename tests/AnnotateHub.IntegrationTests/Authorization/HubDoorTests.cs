using AnnotateHub.Web.Features.Annotations;
using static AnnotateHub.IntegrationTests.Infrastructure.Eventually;
using System.Collections.Concurrent;
using AnnotateHub.Core.Projects;
using AnnotateHub.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace AnnotateHub.IntegrationTests.Authorization;

/// <summary>The hub, tried as the wrong user: joins, reads and changes are refused, and a blind project's stream
/// carries each annotator only their own changes.</summary>
public sealed class HubDoorTests(BlindProjectFixture fixture) : IClassFixture<BlindProjectFixture>
{
    private BlindProjectFixture.Team T => fixture.Blind;

    private async Task<HubConnection> ConnectAsync(string userId) =>
        await fixture.Server.ConnectToHubAsync(await fixture.UserNameAsync(userId), AppServer.AnnotatorPassword);

    [Fact]
    public async Task A_non_member_can_neither_join_nor_read_nor_write()
    {
        await using var outsider = await ConnectAsync(T.Out);
        var before = await fixture.StateOfAsync(T.One);

        var join = await Assert.ThrowsAsync<HubException>(() => outsider.InvokeAsync<JoinResult>("JoinDocument", T.One, (long?)null));
        var read = await Assert.ThrowsAsync<HubException>(() => outsider.InvokeAsync<IReadOnlyList<ChangeDto>>("GetChanges", T.One, 0L, 100));
        var create = await outsider.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(T.One, 0, 7, "claim", null, null));
        var delete = await outsider.InvokeAsync<MutationResult>("DeleteAnnotation", T.AnaSpan, 1);

        Assert.Contains($"Document {T.One} does not exist.", join.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", read.Message, StringComparison.Ordinal);
        Assert.Equal(("not_found", "not_found"), (create.Code, delete.Code));
        Assert.Equal(before, await fixture.StateOfAsync(T.One));
    }

    [Fact]
    public async Task An_annotator_cannot_join_a_document_not_assigned_to_them()
    {
        await using var ben = await ConnectAsync(T.Ben);

        var error = await Assert.ThrowsAsync<HubException>(() => ben.InvokeAsync<JoinResult>("JoinDocument", T.Two, (long?)null));

        Assert.Contains("not assigned to you", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_blind_annotator_joins_with_only_their_own_spans_and_reads_only_their_own_changes()
    {
        await using var ana = await ConnectAsync(T.Ana);

        var joined = await ana.InvokeAsync<JoinResult>("JoinDocument", T.One, (long?)null);
        var changes = await ana.InvokeAsync<IReadOnlyList<ChangeDto>>("GetChanges", T.One, 0L, 100);
        var caughtUp = await ana.InvokeAsync<JoinResult>("JoinDocument", T.One, 0L);

        Assert.Equal([T.AnaSpan], joined.Annotations.Select(a => a.Id));
        Assert.All(changes, c => Assert.Equal(T.Ana, c.UserId));
        Assert.NotEmpty(changes);
        Assert.All(caughtUp.Changes, c => Assert.Equal(T.Ana, c.UserId));
        Assert.True(caughtUp.Sequence >= 2, "the catch-up answer still moves the client to the document's last sequence");
    }

    [Fact]
    public async Task In_a_blind_project_a_change_reaches_its_author_and_the_supervisors_but_not_other_annotators()
    {
        var blind = await fixture.NewProjectAsync(ProjectMode.Blind);
        await using var ana = await ConnectAsync(blind.Ana);
        await using var ben = await ConnectAsync(blind.Ben);
        await using var sup = await ConnectAsync(blind.Sup);
        var seenByAna = Collect(ana);
        var seenByBen = Collect(ben);
        var seenBySup = Collect(sup);
        foreach (var c in new[] { ana, ben, sup }) await c.InvokeAsync<JoinResult>("JoinDocument", blind.One, (long?)null);

        var benCreates = await ben.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(blind.One, 50, 54, "claim", null, "ben again"));
        var anaCreates = await ana.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(blind.One, 80, 84, "actor", null, null));

        Assert.True(benCreates.Ok && anaCreates.Ok, benCreates.Error ?? anaCreates.Error);
        await Until(() => seenBySup.Count == 2 && seenByAna.Count == 1 && seenByBen.Count == 1);
        Assert.Equal([anaCreates.Change!.Sequence], seenByAna.Select(c => c.Sequence));
        Assert.Equal([benCreates.Change!.Sequence], seenByBen.Select(c => c.Sequence));
        Assert.Equal([benCreates.Change.Sequence, anaCreates.Change.Sequence], seenBySup.Select(c => c.Sequence).Order());
        // The supervisor's next change is the proof that no late event for ana is still on its way.
        var last = await sup.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(blind.One, 90, 96, "claim", null, null));
        await Until(() => seenBySup.Count == 3);
        Assert.DoesNotContain(seenByAna, c => c.UserId != blind.Ana);
        Assert.DoesNotContain(seenByBen, c => c.UserId != blind.Ben);
        Assert.True(last.Ok);
    }

    [Fact]
    public async Task A_blind_annotator_cannot_change_another_annotators_span_and_is_told_it_does_not_exist()
    {
        await using var ana = await ConnectAsync(T.Ana);
        var before = await fixture.StateOfAsync(T.One);

        var update = await ana.InvokeAsync<MutationResult>("UpdateAnnotation", new UpdateAnnotationRequest(T.BenSpan, 1, "actor", null, "mine now"));
        var delete = await ana.InvokeAsync<MutationResult>("DeleteAnnotation", T.BenSpan, 1);

        Assert.Equal(("not_found", "not_found"), (update.Code, delete.Code));
        Assert.Null(update.Current);
        Assert.Equal(before, await fixture.StateOfAsync(T.One));
    }

    [Fact]
    public async Task Switching_a_project_to_open_lets_its_annotators_see_each_others_new_changes()
    {
        var project = await fixture.NewProjectAsync(ProjectMode.Blind);
        await using var ana = await ConnectAsync(project.Ana);
        await using var ben = await ConnectAsync(project.Ben);
        var seenByAna = Collect(ana);
        await ana.InvokeAsync<JoinResult>("JoinDocument", project.One, (long?)null);
        await ben.InvokeAsync<JoinResult>("JoinDocument", project.One, (long?)null);

        var result = await fixture.Server.Get<AnnotateHub.Web.Features.Projects.TeamService>().SetModeAsync(project.ProjectId, project.Sup, ProjectMode.Open);
        var created = await ben.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(project.One, 50, 54, "claim", null, null));

        Assert.True(result.Succeeded, result.Error);
        await Until(() => seenByAna.Count == 1);
        Assert.Equal(created.Change!.Annotation.Id, seenByAna.Single().Annotation.Id);
    }

    private static ConcurrentQueue<ChangeDto> Collect(HubConnection connection)
    {
        var queue = new ConcurrentQueue<ChangeDto>();
        connection.On<ChangeDto>("Change", c => queue.Enqueue(c));
        connection.On<ChangeDto[]>("Changes", cs => { foreach (var c in cs) queue.Enqueue(c); });
        return queue;
    }
}
