using System.Collections.Concurrent;
using AnnotateHub.Core.Labels;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Projects;
using AnnotateHub.Web.Realtime;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Labels;

/// <param name="AttributesJson">The label's attribute definitions as stored (<see cref="AttributeJson.Definitions"/>): text, so
/// two reads of an unchanged set are equal views.</param>
public sealed record LabelView(int Id, int ProjectId, string Name, string Color, string? Hotkey, string? Description, int SortOrder, string? AttributesJson = null)
{
    public LabelSpec ToSpec() => new(Name, Color, Hotkey, Description);

    /// <summary>The label's attribute definitions (a casualty figure's count, status, who, qualifier), in their order.</summary>
    public IReadOnlyList<AttributeDefinition> Attributes => AttributeJson.ParseDefinitions(AttributesJson);
}

/// <param name="Conflict">Refused because the label changed since the caller read it (see <c>expected</c>).</param>
public sealed record LabelResult(LabelView? Label, IReadOnlyList<string> Errors, bool Conflict = false)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>Reads and edits a project's label set. Only the project's supervisors (and admins) may edit it. Every committed
/// edit is announced to the project's open documents.</summary>
/// <remarks>Label sets are read on every change a program makes and edited rarely: kept per project (decision 0061). An
/// edit here drops the set at commit and announces the new one. An edit anywhere (here, an import, another process)
/// writes the project's access-change row in its transaction; every process turns that row into a
/// <see cref="TeamChangedEvent"/>, on which a kept set is read again and, if it differs, announced
/// (<see cref="LabelsChangedEvent"/>), so open documents everywhere show a label created by an import on the command
/// line. <see cref="MaxAge"/> bounds what a missed signal could cost.</remarks>
public sealed class LabelService
{
    /// <summary>How long a kept label set is trusted without a signal (as long as the team's, <see cref="ProjectAccess.MaxAge"/>).</summary>
    public static readonly TimeSpan MaxAge = ProjectAccess.MaxAge;

    private sealed record KnownSet(IReadOnlyList<LabelView> Labels, DateTimeOffset ReadAt);

    private readonly IDbContextFactory<AnnotateHubDbContext> _dbFactory;
    private readonly EventBus _bus;
    private readonly ProjectAccess _access;
    private readonly AccessChangeLog _accessLog;
    private readonly TimeProvider _clock;
    private readonly ILogger<LabelService> _logger;
    private readonly ConcurrentDictionary<int, KnownSet> _sets = new();
    // Bumped when a set is dropped: a read that started before must not store what it read.
    private readonly ConcurrentDictionary<int, int> _generations = new();
    // One announcement at a time, so two refreshes of one project cannot announce the newer set before the older.
    private readonly SemaphoreSlim _announcing = new(1, 1);

    public LabelService(IDbContextFactory<AnnotateHubDbContext> dbFactory, EventBus bus, ProjectAccess access, AccessChangeLog accessLog,
        TimeProvider clock, ILogger<LabelService> logger)
    {
        _dbFactory = dbFactory;
        _bus = bus;
        _access = access;
        _accessLog = accessLog;
        _clock = clock;
        _logger = logger;
        // For the life of the app (a singleton): the set is dropped synchronously, before any listener asks again; the
        // read and the announcement run on their own.
        bus.SubscribeAll<TeamChangedEvent>(changes =>
        {
            foreach (var projectId in changes.Select(c => c.ProjectId).Distinct())
            {
                if (Drop(projectId) is { } previous) _ = RefreshAsync(projectId, previous);
            }
            return Task.CompletedTask;
        });
    }

    public async Task<IReadOnlyList<LabelView>> ListAsync(int projectId, CancellationToken ct = default)
    {
        if (_sets.TryGetValue(projectId, out var known) && _clock.GetUtcNow() - known.ReadAt < MaxAge) return known.Labels;
        var generation = _generations.GetValueOrDefault(projectId);
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var set = await db.Labels.AsNoTracking().Where(l => l.ProjectId == projectId)
            .OrderBy(l => l.SortOrder).ThenBy(l => l.Id)
            .Select(l => new LabelView(l.Id, l.ProjectId, l.Name, l.Color, l.Hotkey, l.Description, l.SortOrder, l.Attributes))
            .ToListAsync(ct);
        // An empty set is not kept: the project may not exist yet, or its labels are being created.
        if (set.Count > 0 && _generations.GetValueOrDefault(projectId) == generation) _sets[projectId] = new KnownSet(set, _clock.GetUtcNow());
        return set;
    }

    private IReadOnlyList<LabelView>? Drop(int projectId)
    {
        _generations.AddOrUpdate(projectId, 1, (_, g) => g + 1);
        return _sets.TryRemove(projectId, out var known) ? known.Labels : null;
    }

    /// <summary>After a signal that the set may have changed elsewhere: read it again and announce it if it did.</summary>
    private async Task RefreshAsync(int projectId, IReadOnlyList<LabelView> previous)
    {
        await _announcing.WaitAsync();
        try
        {
            var now = await ListAsync(projectId);
            if (!now.SequenceEqual(previous)) _bus.Publish(new LabelsChangedEvent(projectId, now));
        }
        catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException or InvalidOperationException)
        {
            // The next read asks the database anyway (the set was dropped); only the announcement is lost.
            _logger.LogWarning(e, "Could not read the label set of project {Project} again after a change", projectId);
        }
        finally
        {
            _announcing.Release();
        }
    }

    /// <summary>A label of the project named (case-insensitive) or numbered by a program, or a clear error.</summary>
    public async Task<(int Id, string? Error)> ResolveAsync(int projectId, string? name, int? id, CancellationToken ct = default)
    {
        var set = await ListAsync(projectId, ct);
        if (id is { } byId)
        {
            return set.Any(l => l.Id == byId) ? (byId, null) : (0, $"Label {byId} is not a label of this project.");
        }
        if (string.IsNullOrWhiteSpace(name)) return (0, "Give the label by name (label) or id (labelId).");
        var match = set.FirstOrDefault(l => string.Equals(l.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));
        return match is null
            ? (0, $"Unknown label \"{name}\"; this project's labels are: {string.Join(", ", set.Select(l => l.Name))}.")
            : (match.Id, null);
    }

    public async Task<bool> CanEditAsync(int projectId, string userId, CancellationToken ct = default) =>
        (await _access.ForProjectAsync(projectId, userId, ct)).IsSupervisor;

    public async Task<LabelResult> AddAsync(int projectId, string userId, LabelSpec spec, CancellationToken ct = default)
    {
        if (!await CanEditAsync(projectId, userId, ct)) return Refused();
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var existing = await db.Labels.Where(l => l.ProjectId == projectId).ToListAsync(ct);
        var errors = LabelRules.Validate(spec, existing.Select(ToSpec));
        if (errors.Count > 0) return new LabelResult(null, errors);
        var label = new LabelDefinition
        {
            ProjectId = projectId, Name = spec.Name.Trim(), Color = spec.Color.ToLowerInvariant(),
            Hotkey = string.IsNullOrEmpty(spec.Hotkey) ? null : spec.Hotkey, Description = spec.Description,
            SortOrder = existing.Count == 0 ? 0 : existing.Max(l => l.SortOrder) + 1,
        };
        db.Labels.Add(label);
        _accessLog.ProjectChanged(db, projectId); // other processes drop their copy of the set
        await db.SaveChangesAsync(ct);
        await AnnounceAsync(projectId, ct);
        return new LabelResult(ToView(label), []);
    }

    /// <param name="expected">The label as the caller read it: when given and the label has changed since, the edit is
    /// refused (<see cref="LabelResult.Conflict"/>) instead of overwriting someone else's. Labels carry no version column;
    /// their whole content is the version (decision 0029).</param>
    public async Task<LabelResult> UpdateAsync(int labelId, string userId, LabelSpec spec, LabelSpec? expected = null, CancellationToken ct = default)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var label = await db.Labels.FirstOrDefaultAsync(l => l.Id == labelId, ct);
        if (label is null) return new LabelResult(null, ["The label no longer exists; someone removed it."], Conflict: expected is not null);
        if (!await CanEditAsync(label.ProjectId, userId, ct)) return Refused();
        if (ChangedSince(label, expected) is { } changed) return changed;
        var others = await db.Labels.Where(l => l.ProjectId == label.ProjectId && l.Id != labelId).ToListAsync(ct);
        var errors = LabelRules.Validate(spec, others.Select(ToSpec));
        if (errors.Count > 0) return new LabelResult(null, errors);
        label.Name = spec.Name.Trim();
        label.Color = spec.Color.ToLowerInvariant();
        label.Hotkey = string.IsNullOrEmpty(spec.Hotkey) ? null : spec.Hotkey;
        label.Description = spec.Description;
        _accessLog.ProjectChanged(db, label.ProjectId); // other processes drop their copy of the set
        await db.SaveChangesAsync(ct);
        await AnnounceAsync(label.ProjectId, ct);
        return new LabelResult(ToView(label), []);
    }

    /// <summary>
    /// Sets what a label's spans say: its attribute definitions, checked by <see cref="AttributeRules.ValidateDefinitions"/>
    /// (supervisors only; refused whole, nothing changed). Values spans already hold are kept as they are, also those a
    /// definition no longer allows: the next edit of such a span has to give a value that fits.
    /// </summary>
    /// <param name="expected">The definitions as the caller read them (<see cref="LabelView.AttributesJson"/>): when given and
    /// they changed since, the edit is refused (<see cref="LabelResult.Conflict"/>) instead of overwriting someone else's.</param>
    public async Task<LabelResult> SetAttributesAsync(int labelId, string userId, IReadOnlyList<AttributeDefinition> definitions,
        string? expected = null, bool checkExpected = false, CancellationToken ct = default)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var label = await db.Labels.FirstOrDefaultAsync(l => l.Id == labelId, ct);
        var permissions = label is null ? null : await _access.ForProjectAsync(label.ProjectId, userId, ct);
        // A non-member learns nothing about the project, not even that the label exists.
        if (label is null || !permissions!.IsMember) return new LabelResult(null, ["The label no longer exists; someone removed it."]);
        if (!permissions.IsSupervisor) return Refused();
        if (checkExpected && !string.Equals(label.Attributes, expected, StringComparison.Ordinal))
            return new LabelResult(ToView(label), [$"Not saved: someone changed what \"{label.Name}\" spans say first. The editor shows it as it is now; make your change again if you still want it."], Conflict: true);
        var errors = AttributeRules.ValidateDefinitions(definitions);
        if (errors.Count > 0) return new LabelResult(null, errors);
        label.Attributes = AttributeJson.Definitions(definitions);
        _accessLog.ProjectChanged(db, label.ProjectId); // other processes drop their copy of the set
        await db.SaveChangesAsync(ct);
        await AnnounceAsync(label.ProjectId, ct);
        return new LabelResult(ToView(label), []);
    }

    /// <summary>Removes an unused label; a label that spans use is refused with their count.</summary>
    public async Task<LabelResult> RemoveAsync(int labelId, string userId, LabelSpec? expected = null, CancellationToken ct = default)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var label = await db.Labels.FirstOrDefaultAsync(l => l.Id == labelId, ct);
        if (label is null) return new LabelResult(null, ["The label no longer exists; someone removed it."], Conflict: expected is not null);
        if (!await CanEditAsync(label.ProjectId, userId, ct)) return Refused();
        if (ChangedSince(label, expected) is { } changed) return changed;
        var uses = await db.Annotations.CountAsync(a => a.LabelId == labelId, ct);
        if (uses > 0)
        {
            return new LabelResult(null, [$"\"{label.Name}\" is used by {uses} span{(uses == 1 ? "" : "s")}; change or delete {(uses == 1 ? "it" : "them")} before removing the label."]);
        }
        // Imported suggestions hold their label too (the database refuses to drop it under them).
        var suggested = await db.Suggestions.CountAsync(s => s.LabelId == labelId, ct);
        if (suggested > 0)
        {
            return new LabelResult(null, [$"\"{label.Name}\" is used by {suggested} imported suggestion{(suggested == 1 ? "" : "s")}; it cannot be removed."]);
        }
        var gold = await db.GoldAnnotations.CountAsync(g => g.LabelId == labelId, ct);
        if (gold > 0)
        {
            return new LabelResult(null, [$"\"{label.Name}\" is used by {gold} gold span{(gold == 1 ? "" : "s")}; it cannot be removed."]);
        }
        db.Labels.Remove(label);
        _accessLog.ProjectChanged(db, label.ProjectId); // other processes drop their copy of the set
        await db.SaveChangesAsync(ct);
        await AnnounceAsync(label.ProjectId, ct);
        return new LabelResult(ToView(label), []);
    }

    private async Task AnnounceAsync(int projectId, CancellationToken ct)
    {
        Drop(projectId);
        await _announcing.WaitAsync(ct);
        try
        {
            _bus.Publish(new LabelsChangedEvent(projectId, await ListAsync(projectId, ct)));
        }
        finally
        {
            _announcing.Release();
        }
    }

    private static LabelResult? ChangedSince(LabelDefinition label, LabelSpec? expected)
    {
        if (expected is null || SameContent(ToSpec(label), expected)) return null;
        var now = $"\"{label.Name}\", colour {label.Color}, {(label.Hotkey is null ? "no hotkey" : "hotkey " + label.Hotkey)}";
        return new LabelResult(ToView(label),
            [$"Not saved: someone changed this label first (it is now {now}). The editor shows it as it is now; make your change again if you still want it."],
            Conflict: true);
    }

    private static bool SameContent(LabelSpec a, LabelSpec b) =>
        a.Name.Trim() == b.Name.Trim() && string.Equals(a.Color, b.Color, StringComparison.OrdinalIgnoreCase)
        && (a.Hotkey ?? "") == (b.Hotkey ?? "") && (a.Description ?? "") == (b.Description ?? "");

    private static LabelResult Refused() => new(null, ["Only the project's supervisors can edit the label set."]);

    private static LabelSpec ToSpec(LabelDefinition l) => new(l.Name, l.Color, l.Hotkey, l.Description);

    private static LabelView ToView(LabelDefinition l) => new(l.Id, l.ProjectId, l.Name, l.Color, l.Hotkey, l.Description, l.SortOrder, l.Attributes);
}
