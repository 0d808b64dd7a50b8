using System.Collections.Concurrent;
using AnnotateHub.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Realtime;

/// <summary>One person on a document: who, and what they are doing there ("reading", "selecting text", "span …").</summary>
public sealed record Viewer(string UserId, string Name, string Initials, string Activity);

/// <summary>Who is on a document now; the hub's relay sends it on to programs.</summary>
public sealed record PresenceChangedEvent(int DocumentId, IReadOnlyList<Viewer> Viewers) : IBusEvent
{
    public string Key => IBusEvent.KeyOf(DocumentId);
}

/// <summary>
/// Who has a document open, per connection (a circuit's page or a hub connection), in this process, and (with several
/// instances) what the others last said of theirs. A user with two tabs open is one viewer; their latest activity is
/// shown. Announced to the document's viewers on every change.
/// </summary>
public sealed class PresenceTracker(IDbContextFactory<AnnotateHubDbContext> dbFactory, EventBus bus)
{
    public const int MaxActivityLength = 80;

    private readonly ConcurrentDictionary<int, ConcurrentDictionary<string, Entry>> _documents = new();
    // Other instances' viewers per document, by instance (decision 0068).
    private readonly ConcurrentDictionary<int, ConcurrentDictionary<string, RemoteList>> _remote = new();
    // Display names never change once a user exists (decision 0061, kind 1); a rename, when one is added, must drop them.
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);

    public async Task JoinAsync(int documentId, string connectionKey, string userId, string activity = "reading")
    {
        var name = await NameOfAsync(userId);
        var viewers = _documents.GetOrAdd(documentId, _ => new());
        viewers[connectionKey] = new Entry(userId, name, Trim(activity), DateTime.UtcNow);
        Announce(documentId);
    }

    public void SetActivity(int documentId, string connectionKey, string activity)
    {
        if (!_documents.TryGetValue(documentId, out var viewers) || !viewers.TryGetValue(connectionKey, out var entry)) return;
        var trimmed = Trim(activity);
        if (entry.Activity == trimmed) return;
        viewers[connectionKey] = entry with { Activity = trimmed, Since = DateTime.UtcNow };
        Announce(documentId);
    }

    public void Leave(int documentId, string connectionKey)
    {
        if (_documents.TryGetValue(documentId, out var viewers) && viewers.TryRemove(connectionKey, out _)) Announce(documentId);
    }

    /// <summary>A connection went away: it leaves every document it was on.</summary>
    public void LeaveAll(string connectionKey)
    {
        foreach (var (documentId, viewers) in _documents)
        {
            if (viewers.TryRemove(connectionKey, out _)) Announce(documentId);
        }
    }

    /// <summary>Everyone on the document: on this instance and, with several instances, on the others (as they last said).</summary>
    public IReadOnlyList<Viewer> ViewersOf(int documentId)
    {
        var local = LocalViewersOf(documentId);
        if (!_remote.TryGetValue(documentId, out var instances) || instances.IsEmpty) return local;
        var cutoff = DateTime.UtcNow - RemoteLifetime;
        var remote = instances.Values.Where(r => r.SeenAt >= cutoff).SelectMany(r => r.Viewers);
        // A user on several instances is one viewer; this instance's entry (the latest activity it knows) first.
        return local.Concat(remote).GroupBy(v => v.UserId).Select(g => g.First())
            .OrderBy(v => v.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>The viewers on this instance only: what it tells the other instances.</summary>
    public IReadOnlyList<Viewer> LocalViewersOf(int documentId)
    {
        if (!_documents.TryGetValue(documentId, out var viewers)) return [];
        return viewers.Values
            .GroupBy(e => e.UserId)
            .Select(g => g.MaxBy(e => e.Since)!)
            .OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase)
            .Select(e => new Viewer(e.UserId, e.Name, Initials(e.Name), e.Activity))
            .ToList();
    }

    /// <summary>The documents with viewers on this instance, for the periodic refresh to the other instances.</summary>
    public IReadOnlyList<int> LocallyViewedDocuments() => _documents.Where(d => !d.Value.IsEmpty).Select(d => d.Key).ToList();

    /// <summary>How long another instance's list is trusted without a refresh (it refreshes every third of this): an
    /// instance that stopped without a word drops out of the lists after it.</summary>
    public static readonly TimeSpan RemoteLifetime = TimeSpan.FromSeconds(45);

    /// <summary>Another instance's viewers of a document (received through the bus between instances): announced here
    /// merged with this instance's, as a remote delivery (decision 0068).</summary>
    public void SetRemote(string instance, int documentId, IReadOnlyList<Viewer> viewers)
    {
        var instances = _remote.GetOrAdd(documentId, _ => new(StringComparer.Ordinal));
        var before = instances.TryGetValue(instance, out var known) ? known.Viewers : [];
        if (viewers.Count == 0) instances.TryRemove(instance, out _);
        else instances[instance] = new RemoteList(viewers, DateTime.UtcNow);
        if (!before.SequenceEqual(viewers)) bus.PublishRemote<PresenceChangedEvent>([new PresenceChangedEvent(documentId, ViewersOf(documentId))]);
    }

    /// <summary>Drops other instances' lists that were not refreshed in time, announcing the documents whose lists changed.</summary>
    public void PruneRemote()
    {
        var cutoff = DateTime.UtcNow - RemoteLifetime;
        foreach (var (documentId, instances) in _remote)
        {
            var stale = instances.Where(i => i.Value.SeenAt < cutoff).Select(i => i.Key).ToList();
            if (stale.Count == 0) continue;
            foreach (var instance in stale) instances.TryRemove(instance, out _);
            bus.PublishRemote<PresenceChangedEvent>([new PresenceChangedEvent(documentId, ViewersOf(documentId))]);
        }
    }

    public static string Initials(string name)
    {
        var words = name.Split([' ', '-', '_', '.'], StringSplitOptions.RemoveEmptyEntries);
        var initials = words.Length >= 2
            ? string.Concat(char.ToUpperInvariant(words[0][0]), char.ToUpperInvariant(words[^1][0]))
            : name.Length >= 2 ? name[..2].ToUpperInvariant() : name.ToUpperInvariant();
        return initials.Length == 0 ? "?" : initials;
    }

    private void Announce(int documentId) => bus.Publish(new PresenceChangedEvent(documentId, ViewersOf(documentId)));

    private async Task<string> NameOfAsync(string userId)
    {
        if (_names.TryGetValue(userId, out var known)) return known;
        await using var db = await dbFactory.CreateDbContextAsync();
        var name = await db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName ?? u.UserName).FirstOrDefaultAsync() ?? "unknown";
        _names[userId] = name;
        return name;
    }

    private static string Trim(string activity) =>
        string.IsNullOrWhiteSpace(activity) ? "reading" : activity.Length > MaxActivityLength ? activity[..(MaxActivityLength - 1)] + "…" : activity;

    private sealed record Entry(string UserId, string Name, string Activity, DateTime Since);

    private sealed record RemoteList(IReadOnlyList<Viewer> Viewers, DateTime SeenAt);
}
