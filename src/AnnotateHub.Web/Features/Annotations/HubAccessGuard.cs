using System.Collections.Concurrent;
using AnnotateHub.Web.Features.Projects;
using AnnotateHub.Web.Realtime;
using AnnotateHub.Web.Features.Users;
using Microsoft.AspNetCore.SignalR;

namespace AnnotateHub.Web.Features.Annotations;

/// <summary>
/// Keeps the hub's document streams in step with the team. A hub connection is checked when it joins a document; when
/// the project's team changes afterwards (a member removed, an assignment taken away, a role changed), each connection
/// on the project's documents is checked again: one that may no longer open the document leaves its groups and its
/// presence and gets an <c>AccessRevoked</c> event; one whose role changed moves to the groups of its new role (so a
/// demoted supervisor of a blind project stops receiving the others' spans). Blazor circuits re-check on their own
/// (<see cref="TeamChangedEvent"/> reaches them directly).
/// When a user's account or tokens change (<see cref="UserAccessChangedEvent"/>: locked, removed, sessions ended, a
/// token revoked), each of the user's connections is checked against the database: one that may not go on
/// (<see cref="CallerStanding"/>) leaves every group and its presence, gets <c>AccessRevoked</c> for each document it
/// was on (document 0 if none) and is closed. Either event may come from this process or, through
/// <see cref="AccessChangeWatcher"/>, from another (docs/decisions/0042).
/// </summary>
public sealed class HubAccessGuard(IHubContext<AnnotationHub> hub, ProjectAccess access, PresenceTracker presence,
    EventBus bus, CallerStanding standing, ILogger<HubAccessGuard> logger)
{
    /// <summary>A connection on a document, and whether it is in the supervisors' group.</summary>
    private sealed record Stream(int ProjectId, int DocumentId, string ConnectionId, string UserId, bool AsSupervisor);

    /// <summary>An open connection: its context, to read its caller and to close it.</summary>
    private sealed record Caller(HubCallerContext Context, string UserId);

    private readonly ConcurrentDictionary<(string ConnectionId, int DocumentId), Stream> _streams = new();
    private readonly ConcurrentDictionary<int, IDisposable> _watchedProjects = new();
    private readonly ConcurrentDictionary<string, Caller> _callers = new(StringComparer.Ordinal);
    private IDisposable? _userChanges;

    /// <summary>A connection opened (before any of its calls).</summary>
    public void Connected(HubCallerContext context)
    {
        // Once, for the life of the app (a singleton); off the publisher's thread, as the checks read the database.
        LazyInitializer.EnsureInitialized(ref _userChanges, () => bus.SubscribeAll<UserAccessChangedEvent>(changes =>
        {
            foreach (var changed in changes)
                if (_callers.Values.Any(c => c.UserId == changed.UserId)) _ = Task.Run(() => RecheckUserAsync(changed.UserId));
            return Task.CompletedTask;
        }));
        if (context.UserIdentifier is { } userId) _callers[context.ConnectionId] = new Caller(context, userId);
    }

    /// <summary>Ends a connection whose caller may not go on: out of every group, told why, closed.</summary>
    public async Task EndAsync(string connectionId, string reason)
    {
        if (!_callers.TryRemove(connectionId, out var caller)) return;
        var streams = _streams.Values.Where(s => s.ConnectionId == connectionId).ToList();
        foreach (var stream in streams)
        {
            _streams.TryRemove((stream.ConnectionId, stream.DocumentId), out _);
            foreach (var group in AnnotationHub.DocumentGroups(stream.DocumentId, stream.UserId)) await hub.Groups.RemoveFromGroupAsync(connectionId, group);
            presence.Leave(stream.DocumentId, connectionId);
        }
        foreach (var projectId in streams.Select(s => s.ProjectId).Distinct()) await hub.Groups.RemoveFromGroupAsync(connectionId, AnnotationHub.ProjectGroup(projectId));
        var client = hub.Clients.Client(connectionId);
        foreach (var documentId in streams.Count == 0 ? [0] : streams.Select(s => s.DocumentId).ToArray())
            await client.SendAsync("AccessRevoked", new AccessRevokedDto(documentId, reason));
        caller.Context.Abort();
    }

    /// <summary>Re-checks every connection of the user: ends those that may not go on, moves the others' groups if their
    /// standing in a project changed (an admin flag granted or taken away).</summary>
    public async Task RecheckUserAsync(string userId)
    {
        foreach (var caller in _callers.Values.Where(c => c.UserId == userId).ToList())
        {
            try
            {
                if (caller.Context.User is { } principal && await standing.RefusalAsync(principal, fresh: true) is { } reason)
                {
                    await EndAsync(caller.Context.ConnectionId, reason);
                    continue;
                }
                foreach (var stream in _streams.Values.Where(s => s.ConnectionId == caller.Context.ConnectionId).ToList()) await RecheckAsync(stream);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Re-checking hub connection {ConnectionId} of a changed user failed", caller.Context.ConnectionId);
            }
        }
    }

    /// <summary>The connection joined the document with this standing (called after it joined the groups).</summary>
    public void Joined(string connectionId, DocumentAccess standing)
    {
        _streams[(connectionId, standing.DocumentId)] = new Stream(standing.ProjectId, standing.DocumentId, connectionId, standing.UserId, standing.Permissions.IsSupervisor);
        _watchedProjects.GetOrAdd(standing.ProjectId, projectId => bus.Subscribe<TeamChangedEvent>(projectId, changed =>
        {
            // Off the publisher's thread: it may be a circuit's dispatcher, and the checks read the database.
            _ = Task.Run(() => RecheckAsync(changed.ProjectId));
            return Task.CompletedTask;
        }));
    }

    public void Left(string connectionId, int documentId) => _streams.TryRemove((connectionId, documentId), out _);

    public void Disconnected(string connectionId)
    {
        _callers.TryRemove(connectionId, out _);
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
        // What the client holds from before may show more than it may now see: it re-joins (a fresh snapshot) if so.
        await hub.Clients.Client(stream.ConnectionId).SendAsync("StandingChanged",
            new StandingChangedDto(stream.DocumentId, standing.Permissions.IsSupervisor, standing.Permissions.SeesOthers));
    }
}
