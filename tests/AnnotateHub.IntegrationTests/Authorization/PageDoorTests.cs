using AnnotateHub.Core.Projects;
using AnnotateHub.Web.Features.Projects;

namespace AnnotateHub.IntegrationTests.Authorization;

/// <summary>The pages, fetched as the wrong user (the server-rendered HTML, before any circuit): nothing of a project
/// reaches someone who may not see it, and a supervisor-only action is refused by the service behind the page.</summary>
public sealed class PageDoorTests(BlindProjectFixture fixture) : IClassFixture<BlindProjectFixture>
{
    private BlindProjectFixture.Team T => fixture.Blind;

    [Fact]
    public async Task A_non_member_gets_does_not_exist_for_the_project_and_its_documents()
    {
        using var client = await fixture.ClientAsync(T.Out);

        var home = await client.GetStringAsync("/");
        var project = await client.GetStringAsync($"/projects/{T.ProjectId}");
        var document = await client.GetStringAsync($"/documents/{T.One}");

        Assert.DoesNotContain("Doors ", home, StringComparison.Ordinal);
        Assert.Contains("This project does not exist.", project, StringComparison.Ordinal);
        Assert.Contains("This document does not exist.", document, StringComparison.Ordinal);
        Assert.DoesNotContain("Rockets struck", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_blind_annotators_page_holds_their_own_span_and_nothing_of_anothers()
    {
        using var client = await fixture.ClientAsync(T.Ana);

        var html = await client.GetStringAsync($"/documents/{T.One}");

        Assert.Contains("Rockets struck", html, StringComparison.Ordinal);
        var shown = System.Text.RegularExpressions.Regex.Matches(html, "data-anns=\"([^\"]*)\"")
            .SelectMany(m => m.Groups[1].Value.Split(' ')).Select(long.Parse).Distinct().ToList();
        Assert.Equal([T.AnaSpan], shown);
        Assert.DoesNotContain("secret", html, StringComparison.Ordinal);
        Assert.DoesNotContain(await fixture.UserNameAsync(T.Ben), html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_annotator_is_refused_a_document_not_assigned_to_them()
    {
        using var client = await fixture.ClientAsync(T.Ben);

        var html = await client.GetStringAsync($"/documents/{T.Two}");

        Assert.Contains("This document is not assigned to you.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Rockets struck", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_annotators_project_page_lists_only_their_documents_without_others_counts_or_the_team_tab()
    {
        using var client = await fixture.ClientAsync(T.Ben);

        var html = await client.GetStringAsync($"/projects/{T.ProjectId}");

        Assert.Contains("(one ", html, StringComparison.Ordinal);
        Assert.DoesNotContain("(two ", html, StringComparison.Ordinal);
        Assert.DoesNotContain("(three ", html, StringComparison.Ordinal);
        Assert.DoesNotContain(await fixture.UserNameAsync(T.Ana), html, StringComparison.Ordinal);
        Assert.DoesNotContain("Export JSONL", html, StringComparison.Ordinal);
        Assert.DoesNotContain(">Team<", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_annotator_cannot_change_the_mode_members_or_assignments_and_nothing_changes()
    {
        var team = fixture.Server.Get<TeamService>();
        var membersBefore = await team.MembersAsync(T.ProjectId);
        var assignmentsBefore = await team.AssignmentsAsync(T.ProjectId);

        var results = new[]
        {
            await team.SetModeAsync(T.ProjectId, T.Ana, ProjectMode.Open),
            await team.SetMemberAsync(T.ProjectId, T.Ana, await fixture.UserNameAsync(T.Out), ProjectRole.Supervisor),
            await team.RemoveMemberAsync(T.ProjectId, T.Ana, T.Ben),
            await team.SetAssignedAsync(T.ProjectId, T.Ana, T.Three, T.Ana, assigned: true),
            await team.AssignEachAsync(T.ProjectId, T.Ana, 2),
            await team.SetModeAsync(T.ProjectId, T.Out, ProjectMode.Open),
        };

        Assert.All(results.Take(5), r => Assert.Equal("Only the project's supervisors can change its team, mode and assignments.", r.Error));
        Assert.Equal("There is no such project.", results[5].Error);
        Assert.Equal(ProjectMode.Blind, (await fixture.Server.Get<ProjectAccess>().ForProjectAsync(T.ProjectId, T.Sup)).Mode);
        Assert.Equal(membersBefore, await team.MembersAsync(T.ProjectId));
        Assert.Equal(assignmentsBefore.OrderBy(a => (a.DocumentId, a.UserId)), (await team.AssignmentsAsync(T.ProjectId)).OrderBy(a => (a.DocumentId, a.UserId)));
    }
}
