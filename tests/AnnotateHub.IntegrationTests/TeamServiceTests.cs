using AnnotateHub.Core.Projects;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;
using AnnotateHub.Web.Realtime;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests;

/// <summary>
/// TeamService's rules against the real app's SQLite file: who may change a project's team, what a refused change
/// leaves behind (nothing, and no notification), and what removing members and assignments does to the rest.
/// </summary>
public sealed class TeamServiceTests(AppServer server) : IClassFixture<AppServer>, IAsyncLifetime
{
    private const string OnlySupervisors = "Only the project's supervisors can change its team, mode and assignments.";

    private int _projectId;
    private int _firstDocument;
    private int _secondDocument;
    private string _supervisor = "";
    private string _annotator = "";
    private string _annotatorName = "";
    private string _outsiderName = "";
    private string _outsider = "";
    private readonly List<TeamChangedEvent> _published = [];
    private IDisposable? _subscription;

    private TeamService Team => server.Get<TeamService>();

    public async Task InitializeAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        _projectId = await server.CreateProjectAsync("Team rules " + suffix);
        _firstDocument = await server.ImportDocumentAsync(_projectId, "First report. Rockets hit the base.\n" + suffix);
        _secondDocument = await server.ImportDocumentAsync(_projectId, "Second report. Nobody was hurt.\n" + suffix);
        _supervisor = await server.CreateUserAsync("sup-" + suffix);
        await server.AddMemberAsync(_supervisor, _projectId, ProjectRole.Supervisor);
        _annotatorName = "ann-" + suffix;
        _annotator = await server.CreateUserAsync(_annotatorName);
        await server.AddMemberAsync(_annotator, _projectId, ProjectRole.Annotator, assignAll: false);
        await server.AssignAsync(_annotator, _firstDocument);
        _outsiderName = "out-" + suffix;
        _outsider = await server.CreateUserAsync(_outsiderName);
        _subscription = server.Get<EventBus>().Subscribe<TeamChangedEvent>(_projectId, e =>
        {
            lock (_published) _published.Add(e);
            return Task.CompletedTask;
        });
    }

    public Task DisposeAsync()
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Annotator_cannot_change_mode_members_or_assignments_and_nothing_changes()
    {
        var before = await TeamStateAsync(_projectId);

        var results = new[]
        {
            await Team.SetModeAsync(_projectId, _annotator, ProjectMode.Blind),
            await Team.SetMemberAsync(_projectId, _annotator, _outsiderName, ProjectRole.Annotator),
            await Team.SetMemberAsync(_projectId, _annotator, _annotatorName, ProjectRole.Supervisor),
            await Team.RemoveMemberAsync(_projectId, _annotator, _supervisor),
            await Team.SetAssignedAsync(_projectId, _annotator, _secondDocument, _annotator, assigned: true),
            await Team.SetAssignedAsync(_projectId, _annotator, _firstDocument, _annotator, assigned: false),
            await Team.AssignEachAsync(_projectId, _annotator, 1),
        };

        Assert.All(results, r => Assert.Equal((false, OnlySupervisors), (r.Succeeded, r.Error)));
        Assert.Equal(before, await TeamStateAsync(_projectId));
        Assert.Empty(_published);
        var permissions = await server.Get<ProjectAccess>().ForProjectAsync(_projectId, _annotator);
        Assert.Equal((ProjectRole.Annotator, ProjectMode.Open), (permissions.Role, permissions.Mode));
    }

    [Fact]
    public async Task User_outside_the_project_is_told_it_does_not_exist_and_nothing_changes()
    {
        var before = await TeamStateAsync(_projectId);

        var results = new[]
        {
            await Team.SetModeAsync(_projectId, _outsider, ProjectMode.Blind),
            await Team.SetMemberAsync(_projectId, _outsider, _outsiderName, ProjectRole.Supervisor),
            await Team.AssignEachAsync(_projectId, _outsider, 1),
        };

        Assert.All(results, r => Assert.Equal((false, "There is no such project."), (r.Succeeded, r.Error)));
        Assert.Equal(before, await TeamStateAsync(_projectId));
        Assert.Empty(_published);
    }

    [Fact]
    public async Task Supervisor_of_one_project_cannot_change_another()
    {
        var otherProject = await server.CreateProjectAsync("Other team " + Guid.NewGuid().ToString("N"));
        await server.AddMemberAsync(_supervisor, otherProject, ProjectRole.Annotator);
        var before = await TeamStateAsync(otherProject);

        var result = await Team.SetModeAsync(otherProject, _supervisor, ProjectMode.Blind);

        Assert.Equal((false, OnlySupervisors), (result.Succeeded, result.Error));
        Assert.Equal(before, await TeamStateAsync(otherProject));
    }

    [Fact]
    public async Task Supervisor_changes_take_effect_in_the_access_rules_at_once_and_are_announced()
    {
        var mode = await Team.SetModeAsync(_projectId, _supervisor, ProjectMode.Blind);
        var added = await Team.SetAssignedAsync(_projectId, _supervisor, _secondDocument, _annotator, assigned: true);

        Assert.True(mode.Succeeded, mode.Error);
        Assert.Equal((true, 1), (added.Succeeded, added.Count));
        var access = server.Get<ProjectAccess>();
        Assert.Equal(ProjectMode.Blind, (await access.ForProjectAsync(_projectId, _annotator)).Mode);
        var second = await access.ForDocumentAsync(_secondDocument, _annotator);
        Assert.Equal((true, AssignmentState.NotStarted), (second!.CanOpen, second.Assignment));
        Assert.Equal(2, _published.Count);
        Assert.All(_published, e => Assert.Equal(_projectId, e.ProjectId));
    }

    [Fact]
    public async Task Unassigning_a_document_the_annotator_has_annotated_is_refused_and_it_stays_assigned()
    {
        await server.AssignAsync(_annotator, _secondDocument);
        var claim = (await server.Get<LabelService>().ListAsync(_projectId)).Single(l => l.Name == "claim");
        var span = await server.Get<AnnotationService>().CreateAsync(_firstDocument, _annotator, 0, 5, claim.Id, note: null);
        Assert.Equal(AnnotationOutcome.Ok, span.Outcome);
        _published.Clear();

        var refused = await Team.SetAssignedAsync(_projectId, _supervisor, _firstDocument, _annotator, assigned: false);
        var allowed = await Team.SetAssignedAsync(_projectId, _supervisor, _secondDocument, _annotator, assigned: false);

        Assert.Equal((false, "The annotator has already made 1 span in this document; it stays assigned."), (refused.Succeeded, refused.Error));
        Assert.True(allowed.Succeeded, allowed.Error);
        Assert.Equal(Pairs((_firstDocument, _annotator)), (await TeamStateAsync(_projectId)).Assignments);
        var first = await server.Get<ProjectAccess>().ForDocumentAsync(_firstDocument, _annotator);
        Assert.True(first!.CanOpen);
        Assert.Single(_published);
    }

    [Fact]
    public async Task Removing_a_member_removes_their_assignments_here_and_keeps_their_spans_and_other_projects()
    {
        await server.AssignAsync(_annotator, _secondDocument);
        var otherProject = await server.CreateProjectAsync("Elsewhere " + Guid.NewGuid().ToString("N"));
        var otherDocument = await server.ImportDocumentAsync(otherProject, "Elsewhere. A quiet day.\n" + Guid.NewGuid().ToString("N"));
        await server.AddMemberAsync(_annotator, otherProject);
        var claim = (await server.Get<LabelService>().ListAsync(_projectId)).Single(l => l.Name == "claim");
        var span = await server.Get<AnnotationService>().CreateAsync(_firstDocument, _annotator, 0, 5, claim.Id, note: null);
        Assert.Equal(AnnotationOutcome.Ok, span.Outcome);

        var removed = await Team.RemoveMemberAsync(_projectId, _supervisor, _annotator);

        Assert.True(removed.Succeeded, removed.Error);
        var state = await TeamStateAsync(_projectId);
        Assert.DoesNotContain(state.Members, m => m.UserId == _annotator);
        Assert.Empty(state.Assignments);
        Assert.Equal(Pairs((otherDocument, _annotator)), (await TeamStateAsync(otherProject)).Assignments);
        Assert.NotNull(await server.Get<AnnotationService>().FindAsync(span.Annotation!.Id));
        var access = server.Get<ProjectAccess>();
        Assert.False((await access.ForProjectAsync(_projectId, _annotator)).IsMember);
        Assert.False((await access.ForDocumentAsync(_firstDocument, _annotator))!.CanOpen);
        Assert.True((await access.ForDocumentAsync(otherDocument, _annotator))!.CanOpen);
        // The supervisor still sees the former member's span.
        var seen = await server.Get<AnnotationService>().SnapshotAsync((await access.ForDocumentAsync(_firstDocument, _supervisor))!);
        Assert.Contains(seen.Annotations, a => a.Id == span.Annotation!.Id);
    }

    [Fact]
    public async Task Only_supervisor_can_neither_leave_nor_make_themselves_an_annotator()
    {
        // The admin who created the project is a supervisor member too; without them, _supervisor is the only one.
        await using (var db = server.CreateDbContext())
        {
            var adminId = await server.AdminIdAsync();
            await db.ProjectMembers.Where(m => m.ProjectId == _projectId && m.UserId == adminId).ExecuteDeleteAsync();
        }
        server.Get<ProjectAccess>().Invalidate(_projectId);
        var before = await TeamStateAsync(_projectId);

        var leave = await Team.RemoveMemberAsync(_projectId, _supervisor, _supervisor);
        var demote = await Team.SetMemberAsync(_projectId, _supervisor, (await UserNameAsync(_supervisor))!, ProjectRole.Annotator);

        Assert.Equal((false, "You are the project's only supervisor; add another before leaving."), (leave.Succeeded, leave.Error));
        Assert.Equal((false, "You are the project's only supervisor; add another before becoming an annotator."), (demote.Succeeded, demote.Error));
        Assert.Equal(before, await TeamStateAsync(_projectId));
        Assert.True((await server.Get<ProjectAccess>().ForProjectAsync(_projectId, _supervisor)).IsSupervisor);
    }

    [Fact]
    public async Task Documents_go_only_to_annotators_and_to_no_more_of_them_than_the_project_has()
    {
        var toSupervisor = await Team.SetAssignedAsync(_projectId, _supervisor, _secondDocument, _supervisor, assigned: true);
        var toOutsider = await Team.SetAssignedAsync(_projectId, _supervisor, _secondDocument, _outsider, assigned: true);
        var tooMany = await Team.AssignEachAsync(_projectId, _supervisor, 2);

        Assert.Equal((false, "Documents are assigned to the project's annotators; that user is not one."), (toSupervisor.Succeeded, toSupervisor.Error));
        Assert.Equal((false, "Documents are assigned to the project's annotators; that user is not one."), (toOutsider.Succeeded, toOutsider.Error));
        Assert.Equal((false, "Each document cannot go to 2 annotators: the project has 1."), (tooMany.Succeeded, tooMany.Error));
        Assert.Equal(Pairs((_firstDocument, _annotator)), (await TeamStateAsync(_projectId)).Assignments);

        var each = await Team.AssignEachAsync(_projectId, _supervisor, 1);
        Assert.Equal((true, 1), (each.Succeeded, each.Count));
        Assert.Equal(Pairs((_firstDocument, _annotator), (_secondDocument, _annotator)), (await TeamStateAsync(_projectId)).Assignments);
    }

    [Fact]
    public async Task Annotator_marks_only_their_own_assigned_document_done()
    {
        var notMine = await Team.SetDoneAsync(_secondDocument, _annotator, done: true);
        var mine = await Team.SetDoneAsync(_firstDocument, _annotator, done: true);

        Assert.Equal((false, "This document is not assigned to you."), (notMine.Succeeded, notMine.Error));
        Assert.True(mine.Succeeded, mine.Error);
        var access = await server.Get<ProjectAccess>().ForDocumentAsync(_firstDocument, _annotator);
        Assert.Equal(AssignmentState.Done, access!.Assignment);
        Assert.Equal("You marked this document done; reopen it to change your spans.", access.RefusalToAnnotate);
        var claim = (await server.Get<LabelService>().ListAsync(_projectId)).Single(l => l.Name == "claim");
        var refused = await server.Get<AnnotationService>().CreateAsync(_firstDocument, _annotator, 0, 5, claim.Id, note: null);
        Assert.Equal(AnnotationOutcome.Forbidden, refused.Outcome);
        Assert.Empty(await server.Get<AnnotationService>().ListAsync(_firstDocument));

        var reopened = await Team.SetDoneAsync(_firstDocument, _annotator, done: false);
        Assert.True(reopened.Succeeded, reopened.Error);
        var again = await server.Get<AnnotationService>().CreateAsync(_firstDocument, _annotator, 0, 5, claim.Id, note: null);
        Assert.Equal(AnnotationOutcome.Ok, again.Outcome);
    }

    private sealed record TeamState(ProjectMode Mode, List<(string UserId, ProjectRole Role)> Members, List<(int DocumentId, string UserId)> Assignments)
    {
        public bool Equals(TeamState? other) =>
            other is not null && Mode == other.Mode && Members.SequenceEqual(other.Members) && Assignments.SequenceEqual(other.Assignments);

        public override int GetHashCode() => Mode.GetHashCode();
    }

    /// <summary>The project's mode, members and assignments as stored, in a stable order.</summary>
    private async Task<TeamState> TeamStateAsync(int projectId)
    {
        await using var db = server.CreateDbContext();
        var mode = await db.Projects.Where(p => p.Id == projectId).Select(p => p.Mode).SingleAsync();
        var members = await db.ProjectMembers.Where(m => m.ProjectId == projectId).Select(m => new { m.UserId, m.Role }).ToListAsync();
        var assignments = await db.Assignments.Where(a => a.ProjectId == projectId).Select(a => new { a.DocumentId, a.UserId }).ToListAsync();
        return new TeamState(
            mode,
            members.OrderBy(m => m.UserId, StringComparer.Ordinal).Select(m => (m.UserId, m.Role)).ToList(),
            assignments.OrderBy(a => a.DocumentId).ThenBy(a => a.UserId, StringComparer.Ordinal).Select(a => (a.DocumentId, a.UserId)).ToList());
    }

    private static List<(int DocumentId, string UserId)> Pairs(params (int DocumentId, string UserId)[] pairs) => [.. pairs];

    private async Task<string?> UserNameAsync(string userId)
    {
        await using var db = server.CreateDbContext();
        return await db.Users.Where(u => u.Id == userId).Select(u => u.UserName).SingleAsync();
    }
}
