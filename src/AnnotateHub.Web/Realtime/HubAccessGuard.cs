using System.Collections.Concurrent;
using AnnotateHub.Web.Features.Projects;
using Microsoft.AspNetCore.SignalR;

namespace AnnotateHub.Web.Realtime;

/// <summary>
/// Keeps the hub's document streams in step with the team. A hub connection is checked when it joins a document; when
/// the project's team changes afterwards (a member removed, an assignment taken away, a role changed), each connection
/// on the project's documents is checked again: one that may no longer open the document leaves its groups and its
/// presence and gets an <c>AccessRevoked</c> event; one whose role changed moves to the groups of its new role (so a
/// demoted supervisor of a blind project stops receiving the others' spans). Blazor circuits re-check on their own
/// (<see cref="TeamChangedEvent"/> reaches them directly).
/// </summary>
public sealed class HubAccessGuard(IHubContext<AnnotationHub> hub, ProjectAccess access, PresenceTracker presence,
    DocumentChangeNotifier notifier, ILogger<HubAccessGuard> logger)
{
    /// <summary>A connection on a document, and whether it is in the supervisors' group.</summary>
    private sealed record Stream(int ProjectId, int DocumentId, string ConnectionId, string UserId, bool AsSupervisor);

    private readonly ConcurrentDictionary<(string ConnectionId, int DocumentId), Stream> _streams = new();
    private readonly ConcurrentDictionary<int, IDisposable> _watchedProjects = new();

    /// <summary>The connection joined the document with this standing (called after it joined the groups).</summary>
    public void Joined(string connectionId, DocumentAccess standing)
    {
        _streams[(connectionId, standing.DocumentId)] = new Stream(standing.ProjectId, standing.DocumentId, connectionId, standing.UserId, standing.Permissions.IsSupervisor);
        _watchedProjects.GetOrAdd(standing.ProjectId, projectId => notifier.SubscribeTeam(projectId, changed =>
        {
            // Off the publisher's thread: it may be a circuit's dispatcher, and the checks read the database.
            _ = Task.Run(() => RecheckAsync(changed.ProjectId));
            return Task.CompletedTask;
        }));
    }

    public void Left(string connectionId, int documentId) => _streams.TryRemove((connectionId, documentId), out _);

    public void Disconnected(string connectionId)
    {
        foreach (var key in _streams.Keys.Where(k => k.ConnectionId == connectionId).ToList()) _streams.TryRemove(key, out _);
    }

    /// <summary>Re-checks every connection on the project's documents; returns when the groups are updated.</summary>
    public async Task RecheckAsync(int projectId)
    {
        foreach (var stream in _streams.Values.Where(s => s.ProjectId == projectId).ToList())
        {
            try
            {
                await RecheckAsync(stream);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Re-checking hub connection {ConnectionId} on document {DocumentId} failed", stream.ConnectionId, stream.DocumentId);
            }
        }
    }

    private async Task RecheckAsync(Stream stream)
    {
        var standing = await access.ForDocumentAsync(stream.DocumentId, stream.UserId);
        var groups = hub.Groups;
        if (standing is null || !standing.Permissions.IsMember || !standing.CanOpen)
        {
            if (!_streams.TryRemove(KeyValuePair.Create((stream.ConnectionId, stream.DocumentId), stream))) return;
            foreach (var group in AnnotationHub.DocumentGroups(stream.DocumentId, stream.UserId)) await groups.RemoveFromGroupAsync(stream.ConnectionId, group);
            if (!_streams.Values.Any(s => s.ConnectionId == stream.ConnectionId && s.ProjectId == stream.ProjectId))
                await groups.RemoveFromGroupAsync(stream.ConnectionId, AnnotationHub.ProjectGroup(stream.ProjectId));
            presence.Leave(stream.DocumentId, stream.ConnectionId);
            var reason = standing is null || !standing.Permissions.IsMember
                ? "You are no longer a member of this project."
                : "This document is no longer assigned to you.";
            await hub.Clients.Client(stream.ConnectionId).SendAsync("AccessRevoked", new AccessRevokedDto(stream.DocumentId, reason));
            return;
        }
        if (standing.Permissions.IsSupervisor == stream.AsSupervisor) return;
        // Join the new role's groups before leaving the old ones: a change in between arrives twice (the client skips
        // it by sequence) rather than not at all.
        if (standing.Permissions.IsSupervisor)
        {
            await groups.AddToGroupAsync(stream.ConnectionId, AnnotationHub.EveryoneGroup(stream.DocumentId));
            await groups.RemoveFromGroupAsync(stream.ConnectionId, AnnotationHub.AnnotatorsGroup(stream.DocumentId));
            await groups.RemoveFromGroupAsync(stream.ConnectionId, AnnotationHub.OwnGroup(stream.DocumentId, stream.UserId));
        }
        else
        {
            await groups.AddToGroupAsync(stream.ConnectionId, AnnotationHub.AnnotatorsGroup(stream.DocumentId));
            await groups.AddToGroupAsync(stream.ConnectionId, AnnotationHub.OwnGroup(stream.DocumentId, stream.UserId));
            await groups.RemoveFromGroupAsync(stream.ConnectionId, AnnotationHub.EveryoneGroup(stream.DocumentId));
        }
        _streams[(stream.ConnectionId, stream.DocumentId)] = stream with { AsSupervisor = standing.Permissions.IsSupervisor };
    }
}
