using System.Collections.Concurrent;
using System.Threading.Channels;
using AnnotateHub.Web.Features.Projects;
using AnnotateHub.Web.Features.Users;
using AnnotateHub.Web.Realtime;
using Microsoft.AspNetCore.SignalR;

namespace AnnotateHub.Web.Features.Curation;

/// <summary>
/// Sends <c>CurationChanged</c> to the curation hub's connections that joined the document, in the order the bus
/// published the changes (one reader). Rights are checked at each send, not only at join: a connection whose user may no
/// longer curate the document is dropped and told (<c>AccessRevoked</c>); one whose account may not go on (locked,
/// removed, sessions ended, token revoked) is closed.
/// </summary>
public sealed class CurationHubRelay(IHubContext<CurationHub> hub, EventBus bus, ProjectAccess access, CallerStanding standing, ILogger<CurationHubRelay> logger)
    : IHostedService, IDisposable
{
    private sealed record Joined(string UserId, HubCallerContext Context);

    private readonly ConcurrentDictionary<int, ConcurrentDictionary<string, Joined>> _documents = new();
    private readonly Channel<CurationChangedEvent> _changes = Channel.CreateUnbounded<CurationChangedEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<IDisposable> _subscriptions = [];
    private Task? _reader;

    public void Join(int documentId, string connectionId, string userId, HubCallerContext context) =>
        _documents.GetOrAdd(documentId, _ => new ConcurrentDictionary<string, Joined>(StringComparer.Ordinal))[connectionId] = new Joined(userId, context);

    public void Leave(int documentId, string connectionId)
    {
        if (_documents.TryGetValue(documentId, out var joined)) joined.TryRemove(connectionId, out _);
    }

    public void Disconnected(string connectionId)
    {
        foreach (var joined in _documents.Values) joined.TryRemove(connectionId, out _);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_subscriptions) StartLocked();
        _reader = Task.Run(ReadAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private void StartLocked()
    {
        _subscriptions.Add(bus.SubscribeAll<CurationChangedEvent>(changes =>
        {
            foreach (var change in changes) _changes.Writer.TryWrite(change);
            return Task.CompletedTask;
        }));
        _subscriptions.Add(bus.SubscribeAll<UserAccessChangedEvent>(changes =>
        {
            foreach (var changed in changes) _ = Task.Run(() => RecheckUserAsync(changed.UserId));
            return Task.CompletedTask;
        }));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        if (_reader is not null) await _reader.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        // Stopping the host and disposing the container may both get here.
        IDisposable[] subscriptions;
        lock (_subscriptions)
        {
            subscriptions = [.. _subscriptions];
            _subscriptions.Clear();
        }
        foreach (var subscription in subscriptions) subscription.Dispose();
        _changes.Writer.TryComplete();
    }

    private async Task ReadAsync()
    {
        await foreach (var change in _changes.Reader.ReadAllAsync())
        {
            if (!_documents.TryGetValue(change.DocumentId, out var joined) || joined.IsEmpty) continue;
            foreach (var (connectionId, who) in joined.ToArray())
            {
                try
                {
                    var rights = await access.ForDocumentAsync(change.DocumentId, who.UserId);
                    if (rights is not { Permissions.CanCurate: true })
                    {
                        joined.TryRemove(connectionId, out _);
                        await hub.Clients.Client(connectionId).SendAsync("AccessRevoked", new CurationAccessRevokedDto(change.DocumentId, "You may no longer curate this document."));
                        continue;
                    }
                    await hub.Clients.Client(connectionId).SendAsync("CurationChanged", new CurationChangedDto(change.DocumentId, change.UserId, change.What));
                }
                catch (Exception ex)
                {
                    logger.LogWarning(ex, "Sending a curation change of document {DocumentId} to {ConnectionId} failed", change.DocumentId, connectionId);
                }
            }
        }
    }

    private async Task RecheckUserAsync(string userId)
    {
        var connections = _documents.Values.SelectMany(d => d.Where(j => j.Value.UserId == userId)).DistinctBy(j => j.Key).ToList();
        foreach (var (connectionId, who) in connections)
        {
            if (who.Context.User is not { } principal || await standing.RefusalAsync(principal, fresh: true) is not { } reason) continue;
            Disconnected(connectionId);
            await hub.Clients.Client(connectionId).SendAsync("AccessRevoked", new CurationAccessRevokedDto(0, reason));
            who.Context.Abort();
        }
    }
}

/// <summary>Someone's curation change landed on the document: <see cref="What"/> says what ("accepted", "merged", ...);
/// read the view again (<c>GetCuration</c>) for the result.</summary>
public sealed record CurationChangedDto(int DocumentId, string UserId, string What);

public sealed record CurationAccessRevokedDto(int DocumentId, string Reason);
