using AnnotateHub.Core.Projects;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Realtime;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Projects;

public sealed record TeamResult(bool Succeeded, string? Error, int Count = 0)
{
    public static readonly TeamResult Ok = new(true, null);
    public static TeamResult Done(int count) => new(true, null, count);
    public static TeamResult Fail(string error) => new(false, error);
}

public sealed record MemberRow(string UserId, string UserName, string Name, ProjectRole Role, int Assigned, int NotStarted, int InProgress, int Done, int Spans);

/// <summary>A user as a picker or filter offers them: who, and their role in the project (None when not a member).</summary>
public sealed record UserChoice(string UserId, string UserName, string Name, ProjectRole Role);

public sealed record AssignmentRow(int DocumentId, string UserId, AssignmentState State, DateTime? DoneAt);

public sealed record QueueItem(int DocumentId, string Title, string? Outlet, AssignmentState State);

/// <summary>An annotator's documents in one project: the first <see cref="Items"/> in reading order (all of them when
/// <see cref="Total"/> is no more), how many they have and have done, and <see cref="Next"/>, the first in progress, else
/// the first not started.</summary>
public sealed record AnnotatorQueue(int ProjectId, string ProjectName, IReadOnlyList<QueueItem> Items, int Total, int DoneCount, QueueItem? Next)
{
    /// <summary>How many of a project's documents the home page lists.</summary>
    public const int ShownItems = 20;

    public int Hidden => Total - Items.Count;
}

/// <summary>
/// A project's team: members and their roles, the open/blind mode, assignments and their progress. Changes are
/// made by supervisors (or admins), except an annotator marking their own document done or reopening it. Each
/// change is committed, then the access cache is dropped and open views are told.
/// </summary>
public sealed class TeamService(IDbContextFactory<AnnotateHubDbContext> dbFactory, ProjectAccess access, EventBus bus,
    AccessChangeLog accessLog, TimeProvider clock)
{
    public const int MaxPerDocument = 50;

    public async Task<IReadOnlyList<MemberRow>> MembersAsync(int projectId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var members = await (from m in db.ProjectMembers
                             join u in db.Users on m.UserId equals u.Id
                             where m.ProjectId == projectId
                             select new { m.UserId, u.UserName, u.DisplayName, m.Role }).ToListAsync(ct);
        var states = await db.Assignments.Where(a => a.ProjectId == projectId)
            .GroupBy(a => new { a.UserId, a.State }).Select(g => new { g.Key.UserId, g.Key.State, Count = g.Count() }).ToListAsync(ct);
        var spans = await (from a in db.Annotations
                           join d in db.Documents on a.DocumentId equals d.Id
                           where d.ProjectId == projectId
                           group a by a.AnnotatorId into g
                           select new { UserId = g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.UserId, x => x.Count, ct);
        int Count(string userId, AssignmentState state) => states.Where(s => s.UserId == userId && s.State == state).Sum(s => s.Count);
        return members
            .Select(m => new MemberRow(m.UserId, m.UserName ?? "", m.DisplayName ?? m.UserName ?? "", m.Role,
                states.Where(s => s.UserId == m.UserId).Sum(s => s.Count),
                Count(m.UserId, AssignmentState.NotStarted), Count(m.UserId, AssignmentState.InProgress), Count(m.UserId, AssignmentState.Done),
                spans.GetValueOrDefault(m.UserId)))
            .OrderBy(m => m.Role == ProjectRole.Supervisor ? 0 : 1).ThenBy(m => m.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    /// <summary>The project's members with their names and roles only (no counts): what a filter or a picker lists.</summary>
    public async Task<IReadOnlyList<UserChoice>> MemberNamesAsync(int projectId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var members = await (from m in db.ProjectMembers
                             join u in db.Users on m.UserId equals u.Id
                             where m.ProjectId == projectId
                             select new { m.UserId, u.UserName, u.DisplayName, m.Role }).ToListAsync(ct);
        return members.Select(m => new UserChoice(m.UserId, m.UserName ?? "", m.DisplayName ?? m.UserName ?? "", m.Role))
            .OrderBy(m => m.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>How many users the member picker offers at a time.</summary>
    public const int MaxUserChoices = 20;

    /// <summary>
    /// Users whose user name or display name starts with <paramref name="text"/> (or, failing that, contains it),
    /// case-insensitively, at most <see cref="MaxUserChoices"/>, each with their role in the project (None when not a
    /// member): the Team tab's member picker. The database does the matching, so it costs the same with 10 users or 100,000.
    /// </summary>
    public async Task<IReadOnlyList<UserChoice>> FindUsersAsync(int projectId, string? text, CancellationToken ct = default)
    {
        var term = (text ?? "").Trim();
        if (term.Length > 256) term = term[..256];
        var upper = term.ToUpperInvariant();
        var lower = term.ToLowerInvariant();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var users = db.Users.AsNoTracking();
        // Normalized names are upper case and indexed; display names are matched lower-cased (both providers translate it).
#pragma warning disable CA1304, CA1311, CA1862
        var prefix = await users.Where(u => u.NormalizedUserName!.StartsWith(upper) || (u.DisplayName != null && u.DisplayName.ToLower().StartsWith(lower)))
            .OrderBy(u => u.NormalizedUserName).Take(MaxUserChoices).Select(u => new { u.Id, u.UserName, u.DisplayName }).ToListAsync(ct);
        if (prefix.Count < MaxUserChoices && term.Length > 0)
        {
            var known = prefix.Select(u => u.Id).ToList();
            prefix.AddRange(await users.Where(u => !known.Contains(u.Id)
                    && (u.NormalizedUserName!.Contains(upper) || (u.DisplayName != null && u.DisplayName.ToLower().Contains(lower))))
                .OrderBy(u => u.NormalizedUserName).Take(MaxUserChoices - prefix.Count).Select(u => new { u.Id, u.UserName, u.DisplayName }).ToListAsync(ct));
        }
#pragma warning restore CA1304, CA1311, CA1862
        var ids = prefix.Select(u => u.Id).ToList();
        var roles = await db.ProjectMembers.Where(m => m.ProjectId == projectId && ids.Contains(m.UserId)).ToDictionaryAsync(m => m.UserId, m => m.Role, ct);
        return prefix.Select(u => new UserChoice(u.Id, u.UserName ?? "", u.DisplayName ?? u.UserName ?? "", roles.GetValueOrDefault(u.Id, ProjectRole.None))).ToList();
    }

    public async Task<IReadOnlyList<AssignmentRow>> AssignmentsAsync(int projectId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Assignments.AsNoTracking().Where(a => a.ProjectId == projectId)
            .Select(a => new AssignmentRow(a.DocumentId, a.UserId, a.State, a.DoneAt)).ToListAsync(ct);
    }

    /// <summary>The assignments of the given documents (a page of the Team tab's matrix) in the project.</summary>
    public async Task<IReadOnlyList<AssignmentRow>> AssignmentsAsync(int projectId, IReadOnlyCollection<int> documentIds, CancellationToken ct = default)
    {
        if (documentIds.Count > Corpus.DocumentQuery.MaxLimit)
            throw new ArgumentException($"At most {Corpus.DocumentQuery.MaxLimit} documents at a time.", nameof(documentIds));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ids = documentIds.ToList(); // a page's worth: bounded, unlike the project
        return await db.Assignments.AsNoTracking().Where(a => a.ProjectId == projectId && ids.Contains(a.DocumentId))
            .Select(a => new AssignmentRow(a.DocumentId, a.UserId, a.State, a.DoneAt)).ToListAsync(ct);
    }

    /// <summary>One user's assignments in a project: document id and state.</summary>
    public async Task<Dictionary<int, AssignmentState>> AssignmentsOfAsync(int projectId, string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Assignments.AsNoTracking().Where(a => a.ProjectId == projectId && a.UserId == userId)
            .ToDictionaryAsync(a => a.DocumentId, a => a.State, ct);
    }

    /// <summary>Adds a user (by user name) to the project, or changes the role of one who is already a member.</summary>
    public async Task<TeamResult> SetMemberAsync(int projectId, string actingUserId, string userName, ProjectRole role, CancellationToken ct = default)
    {
        if (await RefuseAsync(projectId, actingUserId, ct) is { } refusal) return refusal;
        if (role == ProjectRole.None) return TeamResult.Fail("Choose a role: annotator, curator or supervisor.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var name = userName?.Trim() ?? "";
        var normalized = name.ToUpperInvariant();
        var user = await db.Users.Where(u => u.NormalizedUserName == normalized).Select(u => new { u.Id }).FirstOrDefaultAsync(ct);
        if (user is null) return TeamResult.Fail($"There is no user named \"{name}\".");
        var member = await db.ProjectMembers.FirstOrDefaultAsync(m => m.ProjectId == projectId && m.UserId == user.Id, ct);
        if (member is null)
        {
            db.ProjectMembers.Add(new ProjectMember { ProjectId = projectId, UserId = user.Id, Role = role, AddedAt = Now });
        }
        else
        {
            // The same guard as leaving: a project must keep a supervisor who is not only there as an admin.
            if (member.Role == ProjectRole.Supervisor && role != ProjectRole.Supervisor && await IsOnlySupervisorAsync(db, projectId, actingUserId, user.Id, ct))
                return TeamResult.Fail("You are the project's only supervisor; add another before becoming an annotator.");
            member.Role = role;
        }
        accessLog.ProjectChanged(db, projectId);
        await db.SaveChangesAsync(ct);
        Changed(projectId);
        return TeamResult.Ok;
    }

    /// <summary>Removes a member and their assignments; the spans they made stay (supervisors still see them).</summary>
    public async Task<TeamResult> RemoveMemberAsync(int projectId, string actingUserId, string userId, CancellationToken ct = default)
    {
        if (await RefuseAsync(projectId, actingUserId, ct) is { } refusal) return refusal;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var member = await db.ProjectMembers.FirstOrDefaultAsync(m => m.ProjectId == projectId && m.UserId == userId, ct);
        if (member is null) return TeamResult.Fail("That user is not a member of this project.");
        if (member.Role == ProjectRole.Supervisor && await IsOnlySupervisorAsync(db, projectId, actingUserId, userId, ct))
        {
            return TeamResult.Fail("You are the project's only supervisor; add another before leaving.");
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.ProjectMembers.Remove(member);
        db.Assignments.RemoveRange(db.Assignments.Where(a => a.ProjectId == projectId && a.UserId == userId));
        accessLog.ProjectChanged(db, projectId);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        Changed(projectId);
        return TeamResult.Ok;
    }

    public async Task<TeamResult> SetModeAsync(int projectId, string actingUserId, ProjectMode mode, CancellationToken ct = default)
    {
        if (await RefuseAsync(projectId, actingUserId, ct) is { } refusal) return refusal;
        if (!Enum.IsDefined(mode)) return TeamResult.Fail("Unknown mode.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var project = await db.Projects.FirstAsync(p => p.Id == projectId, ct);
        project.Mode = mode;
        accessLog.ProjectChanged(db, projectId);
        await db.SaveChangesAsync(ct);
        Changed(projectId);
        return TeamResult.Ok;
    }

    /// <summary>Assigns or unassigns one document to one annotator of the project.</summary>
    public async Task<TeamResult> SetAssignedAsync(int projectId, string actingUserId, int documentId, string annotatorId, bool assigned, CancellationToken ct = default)
    {
        if (await RefuseAsync(projectId, actingUserId, ct) is { } refusal) return refusal;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Documents.AnyAsync(d => d.Id == documentId && d.ProjectId == projectId, ct)) return TeamResult.Fail($"Document {documentId} is not in this project.");
        if (!await db.ProjectMembers.AnyAsync(m => m.ProjectId == projectId && m.UserId == annotatorId && m.Role == ProjectRole.Annotator, ct))
            return TeamResult.Fail("Documents are assigned to the project's annotators; that user is not one.");
        var existing = await db.Assignments.FirstOrDefaultAsync(a => a.DocumentId == documentId && a.UserId == annotatorId, ct);
        if (assigned && existing is null)
        {
            db.Assignments.Add(new Assignment { DocumentId = documentId, UserId = annotatorId, ProjectId = projectId, State = AssignmentState.NotStarted, AssignedAt = Now });
        }
        else if (!assigned && existing is not null)
        {
            var spans = await db.Annotations.CountAsync(a => a.DocumentId == documentId && a.AnnotatorId == annotatorId, ct);
            if (spans > 0) return TeamResult.Fail($"The annotator has already made {spans} span{(spans == 1 ? "" : "s")} in this document; it stays assigned.");
            db.Assignments.Remove(existing);
        }
        else
        {
            return TeamResult.Ok;
        }
        accessLog.ProjectChanged(db, projectId);
        await db.SaveChangesAsync(ct);
        Changed(projectId);
        return TeamResult.Done(1);
    }

    /// <summary>Gives every document of the project to <paramref name="perDocument"/> annotators, balancing the load; existing assignments stay.</summary>
    public async Task<TeamResult> AssignEachAsync(int projectId, string actingUserId, int perDocument, CancellationToken ct = default)
    {
        if (await RefuseAsync(projectId, actingUserId, ct) is { } refusal) return refusal;
        if (perDocument is < 1 or > MaxPerDocument) return TeamResult.Fail($"Give each document to between 1 and {MaxPerDocument} annotators.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var documents = await db.Documents.Where(d => d.ProjectId == projectId).Select(d => d.Id).ToListAsync(ct);
        var annotators = await db.ProjectMembers.Where(m => m.ProjectId == projectId && m.Role == ProjectRole.Annotator).Select(m => m.UserId).ToListAsync(ct);
        if (annotators.Count == 0) return TeamResult.Fail("The project has no annotators yet; add some first.");
        if (perDocument > annotators.Count)
            return TeamResult.Fail($"Each document cannot go to {perDocument} annotators: the project has {annotators.Count}.");
        var existing = await db.Assignments.Where(a => a.ProjectId == projectId).Select(a => new AssignmentPair(a.DocumentId, a.UserId)).ToListAsync(ct);
        var plan = BalancedAssignment.Plan(documents, annotators, perDocument, existing);
        var now = Now;
        db.Assignments.AddRange(plan.Select(p => new Assignment
        {
            DocumentId = p.DocumentId, UserId = p.AnnotatorId, ProjectId = projectId, State = AssignmentState.NotStarted, AssignedAt = now,
        }));
        accessLog.ProjectChanged(db, projectId);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        Changed(projectId);
        return TeamResult.Done(plan.Count);
    }

    /// <summary>An annotator marks their own document done, or reopens it.</summary>
    public async Task<TeamResult> SetDoneAsync(int documentId, string userId, bool done, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var assignment = await db.Assignments.FirstOrDefaultAsync(a => a.DocumentId == documentId && a.UserId == userId, ct);
        if (assignment is null) return TeamResult.Fail("This document is not assigned to you.");
        assignment.State = done ? AssignmentState.Done : AssignmentState.InProgress;
        assignment.StartedAt ??= Now;
        assignment.DoneAt = done ? Now : null;
        await db.SaveChangesAsync(ct);
        Changed(assignment.ProjectId);
        return TeamResult.Ok;
    }

    /// <summary>Moves an assignment from not started to in progress (on opening the document or making a first span).</summary>
    public async Task MarkStartedAsync(DocumentAccess document, CancellationToken ct = default)
    {
        if (document.Assignment != AssignmentState.NotStarted) return;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = Now;
        var changed = await db.Assignments
            .Where(a => a.DocumentId == document.DocumentId && a.UserId == document.UserId && a.State == AssignmentState.NotStarted)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.State, AssignmentState.InProgress).SetProperty(a => a.StartedAt, now), ct);
        if (changed > 0) Changed(document.ProjectId);
    }

    /// <summary>
    /// The user's queue in every project they annotate in: how many documents they have and have done, the next one to
    /// work on, and the first <paramref name="itemsPerProject"/> in reading order. Counts and the next document come
    /// from the database, so a queue of 100,000 documents costs what a queue of ten does.
    /// </summary>
    public async Task<IReadOnlyList<AnnotatorQueue>> QueuesAsync(string userId, int itemsPerProject = AnnotatorQueue.ShownItems, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var projects = await (from a in db.Assignments
                              join p in db.Projects on a.ProjectId equals p.Id
                              where a.UserId == userId && p.ArchivedAt == null // an archived project's work is over
                              group a by new { a.ProjectId, p.Name } into g
                              select new
                              {
                                  g.Key.ProjectId, g.Key.Name, Total = g.Count(),
                                  Done = g.Count(a => a.State == AssignmentState.Done),
                              }).ToListAsync(ct);
        var queues = new List<AnnotatorQueue>();
        foreach (var project in projects.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase))
        {
            var mine = from a in db.Assignments
                       join d in db.Documents on a.DocumentId equals d.Id
                       where a.UserId == userId && a.ProjectId == project.ProjectId
                       select new { d.Id, d.Title, d.Outlet, d.PublishedOn, a.State };
            // The project page's reading order: by date (undated last), then title, then id.
            var ordered = mine.OrderBy(r => r.PublishedOn == null).ThenBy(r => r.PublishedOn).ThenBy(r => r.Title).ThenBy(r => r.Id);
            var items = await ordered.Take(itemsPerProject).Select(r => new QueueItem(r.Id, r.Title, r.Outlet, r.State)).ToListAsync(ct);
            var next = await ordered.Where(r => r.State == AssignmentState.InProgress).Select(r => new QueueItem(r.Id, r.Title, r.Outlet, r.State)).FirstOrDefaultAsync(ct)
                ?? await ordered.Where(r => r.State == AssignmentState.NotStarted).Select(r => new QueueItem(r.Id, r.Title, r.Outlet, r.State)).FirstOrDefaultAsync(ct);
            queues.Add(new AnnotatorQueue(project.ProjectId, project.Name, items, project.Total, project.Done, next));
        }
        return queues;
    }

    /// <summary>
    /// What the annotator works on after <paramref name="afterDocumentId"/> in that document's project: the first document
    /// of theirs still in progress, else the first not started, in the project page's reading order (as the home page's
    /// queue); null when nothing of theirs is left there.
    /// </summary>
    public async Task<QueueItem?> NextAssignmentAsync(string userId, int afterDocumentId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var projectId = await db.Documents.Where(d => d.Id == afterDocumentId).Select(d => (int?)d.ProjectId).FirstOrDefaultAsync(ct);
        if (projectId is null) return null;
        var mine = from a in db.Assignments
                   join d in db.Documents on a.DocumentId equals d.Id
                   where a.UserId == userId && a.ProjectId == projectId && d.Id != afterDocumentId && a.State != AssignmentState.Done
                   select new { d.Id, d.Title, d.Outlet, d.PublishedOn, a.State };
        var ordered = mine.OrderBy(r => r.PublishedOn == null).ThenBy(r => r.PublishedOn).ThenBy(r => r.Title).ThenBy(r => r.Id);
        return await ordered.Where(r => r.State == AssignmentState.InProgress).Select(r => new QueueItem(r.Id, r.Title, r.Outlet, r.State)).FirstOrDefaultAsync(ct)
               ?? await ordered.Select(r => new QueueItem(r.Id, r.Title, r.Outlet, r.State)).FirstOrDefaultAsync(ct);
    }

    /// <summary>The project's user colours: each member their own, in the order they joined (every viewer sees the same).</summary>
    public async Task<Components.Shared.ProjectColors> ColorsAsync(int projectId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var members = await db.ProjectMembers.AsNoTracking().Where(m => m.ProjectId == projectId)
            .OrderBy(m => m.AddedAt).ThenBy(m => m.UserId).Select(m => m.UserId).ToListAsync(ct);
        return new Components.Shared.ProjectColors(members);
    }

    /// <summary>Whether a (non-admin) supervisor is changing themselves and no other member is a supervisor.</summary>
    private async Task<bool> IsOnlySupervisorAsync(AnnotateHubDbContext db, int projectId, string actingUserId, string userId, CancellationToken ct) =>
        userId == actingUserId && !await access.IsAdminAsync(actingUserId, ct)
        && !await db.ProjectMembers.AnyAsync(m => m.ProjectId == projectId && m.Role == ProjectRole.Supervisor && m.UserId != userId, ct);

    private async Task<TeamResult?> RefuseAsync(int projectId, string actingUserId, CancellationToken ct)
    {
        var permissions = await access.ForProjectAsync(projectId, actingUserId, ct);
        if (!permissions.IsMember) return TeamResult.Fail("There is no such project.");
        return permissions.IsSupervisor ? null : TeamResult.Fail("Only the project's supervisors can change its team, mode and assignments.");
    }

    private void Changed(int projectId)
    {
        access.Invalidate(projectId);
        bus.Publish(new TeamChangedEvent(projectId));
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}
