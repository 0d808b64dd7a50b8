using AnnotateHub.Core.Projects;

namespace AnnotateHub.Tests.Core.Projects;

public sealed class ProjectPermissionsTests
{
    private static ProjectPermissions Annotator(ProjectMode mode) => new(ProjectRole.Annotator, mode, IsAdmin: false);
    private static ProjectPermissions Supervisor(ProjectMode mode) => new(ProjectRole.Supervisor, mode, IsAdmin: false);

    [Fact]
    public void An_annotator_in_a_blind_project_sees_only_their_own_spans()
    {
        var p = Annotator(ProjectMode.Blind);

        Assert.True(p.CanSeeSpanOf("ana", "ana"));
        Assert.False(p.CanSeeSpanOf("ana", "ben"));
        Assert.False(p.SeesOthers);
    }

    [Fact]
    public void An_annotator_in_an_open_project_sees_everyones_spans()
    {
        Assert.True(Annotator(ProjectMode.Open).CanSeeSpanOf("ana", "ben"));
    }

    [Theory]
    [InlineData(ProjectMode.Open)]
    [InlineData(ProjectMode.Blind)]
    public void Supervisors_and_admins_see_everyones_spans_in_either_mode(ProjectMode mode)
    {
        Assert.True(Supervisor(mode).CanSeeSpanOf("sam", "ben"));
        Assert.True(new ProjectPermissions(ProjectRole.None, mode, IsAdmin: true).CanSeeSpanOf("root", "ben"));
    }

    [Fact]
    public void A_non_member_is_no_member_and_may_open_nothing()
    {
        var p = ProjectPermissions.NoAccess;

        Assert.False(p.IsMember);
        Assert.False(p.CanOpenDocument(AssignmentState.InProgress));
        Assert.False(p.SeesOthers);
        Assert.Equal("You are not a member of this project.", p.RefusalToAnnotate(AssignmentState.InProgress));
    }

    [Fact]
    public void An_annotator_opens_and_annotates_only_assigned_documents_and_not_once_done()
    {
        var p = Annotator(ProjectMode.Open);

        Assert.False(p.CanOpenDocument(null));
        Assert.True(p.CanOpenDocument(AssignmentState.NotStarted));
        Assert.Equal("This document is not assigned to you.", p.RefusalToAnnotate(null));
        Assert.Null(p.RefusalToAnnotate(AssignmentState.InProgress));
        Assert.Equal("You marked this document done; reopen it to change your spans.", p.RefusalToAnnotate(AssignmentState.Done));
    }

    [Fact]
    public void A_supervisor_opens_and_annotates_any_document_of_the_project()
    {
        var p = Supervisor(ProjectMode.Blind);

        Assert.True(p.CanOpenDocument(null));
        Assert.Null(p.RefusalToAnnotate(null));
        Assert.True(p.IsSupervisor);
    }
}
