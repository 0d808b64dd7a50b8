using System.Net;
using System.Text.Json;
using AnnotateHub.Core.Projects;
using AnnotateHub.IntegrationTests.Authorization;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests;

/// <summary>GET /api/projects/{id}/agreement through the real server: the report for supervisors, the same refusals as the export.</summary>
public sealed class AgreementEndpointTests(BlindProjectFixture fixture) : IClassFixture<BlindProjectFixture>
{
    /// <summary>The fixture's blind team with ana and ben done with document One (ana: claim 0-7, ben: claim 35-44).</summary>
    private async Task<BlindProjectFixture.Team> DoneTeamAsync()
    {
        var team = await fixture.NewProjectAsync(ProjectMode.Blind);
        await using var db = fixture.Server.CreateDbContext();
        foreach (var a in await db.Assignments.Where(a => a.DocumentId == team.One).ToListAsync()) a.State = AssignmentState.Done;
        await db.SaveChangesAsync();
        return team;
    }

    [Fact]
    public async Task A_supervisor_gets_the_agreement_report_of_the_done_documents()
    {
        var team = await DoneTeamAsync();
        using var client = await fixture.ClientAsync(team.Sup);

        using var response = await client.GetAsync($"/api/projects/{team.ProjectId}/agreement");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("documents").GetInt32()); // Two is assigned to ana but not done; Three to nobody
        var pair = root.GetProperty("pairs").EnumerateArray().Single();
        Assert.Equal(
            (await fixture.UserNameAsync(team.Ana), await fixture.UserNameAsync(team.Ben)),
            (pair.GetProperty("a").GetString(), pair.GetProperty("b").GetString()));
        // Their claims do not overlap: no span matches either way.
        Assert.Equal(0.0, pair.GetProperty("span_f1_overlap").GetDouble(), 12);
        Assert.Equal(JsonValueKind.Number, root.GetProperty("krippendorff_alpha").GetProperty("nominal_tokens").ValueKind);
        Assert.Equal(team.One.ToString(), root.GetProperty("per_document")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Annotators_are_refused_and_non_members_see_no_project()
    {
        var team = await DoneTeamAsync();
        using var annotator = await fixture.ClientAsync(team.Ana);
        using var outsider = await fixture.ClientAsync(team.Out);
        using var anonymous = fixture.Server.CreateHttpClient(allowAutoRedirect: false);
        var path = $"/api/projects/{team.ProjectId}/agreement";

        using var refused = await annotator.GetAsync(path);
        using var missing = await outsider.GetAsync(path);
        using var unknown = await anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Only the project's supervisors can see its agreement.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
    }
}
