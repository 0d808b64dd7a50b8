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
/// Who has a document open, per connection (a circuit's page or a hub connection), in this process. A user with
/// two tabs open is one viewer; their latest activity is shown. Announced to the document's viewers on every change.
/// </summary>
public sealed class PresenceTracker(IDbContextFactory<AnnotateHubDbContext> dbFactory, EventBus bus)
{
    public const int MaxActivityLength = 80;

    private readonly ConcurrentDictionary<int, ConcurrentDictionary<string, Entry>> _documents = new();
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

    public IReadOnlyList<Viewer> ViewersOf(int documentId)
    {
        if (!_documents.TryGetValue(documentId, out var viewers)) return [];
        return viewers.Values
            .GroupBy(e => e.UserId)
            .Select(g => g.MaxBy(e => e.Since)!)
            .OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase)
            .Select(e => new Viewer(e.UserId, e.Name, Initials(e.Name), e.Activity))
            .ToList();
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
}
