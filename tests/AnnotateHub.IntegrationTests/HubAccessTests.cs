using AnnotateHub.Web.Features.Annotations;
using static AnnotateHub.IntegrationTests.Infrastructure.Eventually;
using System.Collections.Concurrent;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Projects;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace AnnotateHub.IntegrationTests;

/// <summary>A hub connection's stream follows the team: a member removed or unassigned while connected stops
/// receiving the document's changes and is told why.</summary>
public sealed class HubAccessTests(AppServer server) : IClassFixture<AppServer>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_member_removed_while_connected_is_told_and_receives_nothing_more()
    {
        var (projectId, documentId, bobId, bobName) = await ProjectWithAnnotatorAsync();
        var adminId = await server.AdminIdAsync();
        await using var admin = await server.ConnectToHubAsync();
        await using var bob = await server.ConnectToHubAsync(bobName, AppServer.AnnotatorPassword);
        var bobChanges = new ConcurrentQueue<ChangeDto>();
        var revoked = new TaskCompletionSource<AccessRevokedDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.On<ChangeDto>("Change", bobChanges.Enqueue);
        bob.On<AccessRevokedDto>("AccessRevoked", r => revoked.TrySetResult(r));
        var adminChanges = new ConcurrentQueue<ChangeDto>();
        admin.On<ChangeDto>("Change", adminChanges.Enqueue);
        await admin.InvokeAsync<JoinResult>("JoinDocument", documentId, (long?)null);
        await bob.InvokeAsync<JoinResult>("JoinDocument", documentId, (long?)null);

        var before = await admin.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, 0, 5, "claim", null, "before"));
        await Until(() => bobChanges.Count == 1);

        var removed = await server.Get<TeamService>().RemoveMemberAsync(projectId, adminId, bobId);
        Assert.True(removed.Succeeded, removed.Error);
        var revocation = await revoked.Task.WaitAsync(Wait);
        Assert.Equal((documentId, "You are no longer a member of this project."), (revocation.DocumentId, revocation.Reason));

        // The bob connection is still open (it can echo) but no longer on the document's stream.
        var afterCreate = await admin.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, 6, 9, "actor", null, "after"));
        Assert.True(afterCreate.Ok, afterCreate.Error);
        await Until(() => adminChanges.Any(c => c.Sequence == afterCreate.Change!.Sequence));
        Assert.Equal("still here", await bob.InvokeAsync<string>("Echo", "still here"));
        Assert.Equal([before.Change!.Sequence], bobChanges.Select(c => c.Sequence));
        var refused = await Assert.ThrowsAsync<HubException>(() => bob.InvokeAsync<IReadOnlyList<ChangeDto>>("GetChanges", documentId, 0L, 10));
        Assert.Contains($"Document {documentId} does not exist", refused.Message);
    }

    [Fact]
    public async Task An_annotator_unassigned_while_connected_is_told_why()
    {
        var (projectId, documentId, bobId, bobName) = await ProjectWithAnnotatorAsync();
        await using var bob = await server.ConnectToHubAsync(bobName, AppServer.AnnotatorPassword);
        var revoked = new TaskCompletionSource<AccessRevokedDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.On<AccessRevokedDto>("AccessRevoked", r => revoked.TrySetResult(r));
        await bob.InvokeAsync<JoinResult>("JoinDocument", documentId, (long?)null);

        var unassigned = await server.Get<TeamService>().SetAssignedAsync(projectId, await server.AdminIdAsync(), documentId, bobId, assigned: false);

        Assert.True(unassigned.Succeeded, unassigned.Error);
        var revocation = await revoked.Task.WaitAsync(Wait);
        Assert.Equal((documentId, "This document is no longer assigned to you."), (revocation.DocumentId, revocation.Reason));
        var create = await bob.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, 0, 5, "claim", null, null));
        Assert.False(create.Ok);
    }

    private async Task<(int ProjectId, int DocumentId, string BobId, string BobName)> ProjectWithAnnotatorAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var projectId = await server.CreateProjectAsync("access " + suffix);
        var documentId = await server.ImportDocumentAsync(projectId, "Rockets hit the base on Monday. " + suffix);
        var bobName = "bob-" + suffix;
        var bobId = await server.CreateUserAsync(bobName);
        await server.AddMemberAsync(bobId, projectId);
        return (projectId, documentId, bobId, bobName);
    }
}
