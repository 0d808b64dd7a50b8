using System.Collections.Concurrent;
using AnnotateHub.Core.Projects;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Corpus;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Projects;

/// <summary>A user's standing on one document: whether they may open it, whose spans they see, whether they may annotate.</summary>
/// <param name="Archived">The project is archived: read-only for everyone but its supervisors.</param>
public sealed record DocumentAccess(int DocumentId, int ProjectId, string UserId, ProjectPermissions Permissions, AssignmentState? Assignment,
    bool Archived = false)
{
    public const string ArchivedRefusal = "This project is archived: its documents are read-only.";

    public bool CanOpen => Permissions.CanOpenDocument(Assignment);

    public string? RefusalToAnnotate => Archived && !Permissions.IsSupervisor ? ArchivedRefusal : Permissions.RefusalToAnnotate(Assignment);

    public bool CanSeeChangeBy(string authorId) => Permissions.CanSeeSpanOf(UserId, authorId);
}

/// <summary>
/// The gatekeeper every door asks (pages, hub, REST API, export): a user's permissions in a project and on a
/// document. A project's mode and members are read once and kept until a change through <see cref="TeamService"/>
/// drops them; a change made by another process (the command line, another instance) drops them when
/// <see cref="AccessChangeWatcher"/> reads its <see cref="AccessChange"/> row, within a poll. <see cref="MaxAge"/> only
/// bounds what a missed signal could cost. Assignments are read one (document, user) pair at a time and kept under the
/// same rules in a bounded cache: a project of 100,000 documents and three annotators is 300,000 assignments, which
/// the whole-team read used to load (and drop, and load again every 15 s) for any one question. The cache rule of every
/// cache in the app is decision 0061.
/// </summary>
public sealed class ProjectAccess(IDbContextFactory<AnnotateHubDbContext> dbFactory, CorpusService corpus, TimeProvider clock)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(15);

    /// <summary>Past this many cached assignments the cache starts again empty (each entry is one indexed read away).</summary>
    public const int MaxCachedAssignments = 50_000;

    private sealed record ProjectTeam(ProjectMode Mode, IReadOnlyDictionary<string, ProjectRole> Members, DateTimeOffset ReadAt, bool Archived);

    private sealed record KnownAssignment(AssignmentState? State, int Generation, DateTimeOffset ReadAt);

    private sealed record AdminFlag(bool IsAdmin, DateTimeOffset ReadAt);

    private readonly ConcurrentDictionary<int, ProjectTeam> _teams = new();
    private readonly ConcurrentDictionary<string, AdminFlag> _admins = new(StringComparer.Ordinal);
    // Bumped by Invalidate: a read that started before a change must not store what it read.
    private readonly ConcurrentDictionary<int, int> _generations = new();
    private readonly ConcurrentDictionary<string, int> _userGenerations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(int DocumentId, string UserId), KnownAssignment> _assignments = new();

    public async Task<bool> IsAdminAsync(string userId, CancellationToken ct = default)
    {
        if (_admins.TryGetValue(userId, out var known) && Fresh(known.ReadAt)) return known.IsAdmin;
        var generation = _userGenerations.GetValueOrDefault(userId);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var isAdmin = await (from ur in db.UserRoles
                             join r in db.Roles on ur.RoleId equals r.Id
                             where ur.UserId == userId && r.Name == AppRoles.Admin
                             select ur).AnyAsync(ct);
        // A revoke that committed while this read ran must not be overwritten by what the read saw before it.
        if (_userGenerations.GetValueOrDefault(userId) == generation) _admins[userId] = new AdminFlag(isAdmin, clock.GetUtcNow());
        return isAdmin;
    }

    /// <summary>The user's permissions in a project; <see cref="ProjectPermissions.NoAccess"/> when the project does not exist.</summary>
    public async Task<ProjectPermissions> ForProjectAsync(int projectId, string userId, CancellationToken ct = default)
    {
        var team = await TeamAsync(projectId, ct);
        if (team is null) return ProjectPermissions.NoAccess;
        var isAdmin = await IsAdminAsync(userId, ct);
        return new ProjectPermissions(team.Members.GetValueOrDefault(userId), team.Mode, isAdmin);
    }

    /// <summary>The user's standing on a document, or null when the document does not exist.</summary>
    public async Task<DocumentAccess?> ForDocumentAsync(int documentId, string userId, CancellationToken ct = default)
    {
        var facts = await corpus.FactsAsync(documentId, ct);
        if (facts is null) return null;
        var team = await TeamAsync(facts.ProjectId, ct);
        if (team is null) return null;
        var isAdmin = await IsAdminAsync(userId, ct);
        var permissions = new ProjectPermissions(team.Members.GetValueOrDefault(userId), team.Mode, isAdmin);
        var assignment = await AssignmentAsync(facts.ProjectId, documentId, userId, ct);
        return new DocumentAccess(documentId, facts.ProjectId, userId, permissions, assignment, team.Archived);
    }

    /// <summary>The project's mode as last read (for the fan-out, which decides per change who receives it).</summary>
    public async Task<ProjectMode> ModeAsync(int projectId, CancellationToken ct = default) =>
        (await TeamAsync(projectId, ct))?.Mode ?? ProjectMode.Open;

    /// <summary>Whether the project is archived (as last read, under the team's cache rule).</summary>
    public async Task<bool> IsArchivedAsync(int projectId, CancellationToken ct = default) =>
        (await TeamAsync(projectId, ct))?.Archived ?? false;

    /// <summary>The ids of the projects the user may see: all of them for an admin.</summary>
    public async Task<IReadOnlyDictionary<int, ProjectRole>> ProjectsOfAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await IsAdminAsync(userId, ct))
        {
            var mine = await db.ProjectMembers.Where(m => m.UserId == userId).ToDictionaryAsync(m => m.ProjectId, m => m.Role, ct);
            return await db.Projects.Select(p => p.Id).ToDictionaryAsync(id => id, id => mine.GetValueOrDefault(id, ProjectRole.Supervisor), ct);
        }
        return await db.ProjectMembers.Where(m => m.UserId == userId).ToDictionaryAsync(m => m.ProjectId, m => m.Role, ct);
    }

    /// <summary>Forget what is known of a project's team (after a change of mode, members or assignments).</summary>
    public void Invalidate(int projectId)
    {
        _generations.AddOrUpdate(projectId, 1, (_, g) => g + 1);
        _teams.TryRemove(projectId, out _);
    }

    /// <summary>Forget whether a user is an admin (after their global role changed).</summary>
    public void InvalidateUser(string userId)
    {
        _userGenerations.AddOrUpdate(userId, 1, (_, g) => g + 1);
        _admins.TryRemove(userId, out _);
    }

    private async Task<ProjectTeam?> TeamAsync(int projectId, CancellationToken ct)
    {
        if (_teams.TryGetValue(projectId, out var known) && Fresh(known.ReadAt)) return known;
        var generation = _generations.GetValueOrDefault(projectId);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var project = await db.Projects.Where(p => p.Id == projectId).Select(p => new { p.Mode, p.ArchivedAt }).FirstOrDefaultAsync(ct);
        if (project is null) return null;
        var members = await db.ProjectMembers.AsNoTracking().Where(m => m.ProjectId == projectId)
            .ToDictionaryAsync(m => m.UserId, m => m.Role, StringComparer.Ordinal, ct);
        var team = new ProjectTeam(project.Mode, members, clock.GetUtcNow(), project.ArchivedAt is not null);
        if (_generations.GetValueOrDefault(projectId) == generation) _teams[projectId] = team;
        return team;
    }

    /// <summary>The user's assignment to the document, if any: cached until the project's next change (or <see cref="MaxAge"/>).</summary>
    private async Task<AssignmentState?> AssignmentAsync(int projectId, int documentId, string userId, CancellationToken ct)
    {
        var generation = _generations.GetValueOrDefault(projectId);
        if (_assignments.TryGetValue((documentId, userId), out var known) && known.Generation == generation && Fresh(known.ReadAt)) return known.State;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var state = await db.Assignments.AsNoTracking().Where(a => a.DocumentId == documentId && a.UserId == userId)
            .Select(a => (AssignmentState?)a.State).FirstOrDefaultAsync(ct);
        if (_assignments.Count >= MaxCachedAssignments) _assignments.Clear();
        // Stored under the generation read before the query: a change meanwhile makes this entry stale at once.
        _assignments[(documentId, userId)] = new KnownAssignment(state, generation, clock.GetUtcNow());
        return state;
    }

    private bool Fresh(DateTimeOffset readAt) => clock.GetUtcNow() - readAt < MaxAge;
}
