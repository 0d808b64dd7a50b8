using System.Security.Claims;
using System.Text;
using AnnotateHub.Core.Agreement;
using AnnotateHub.Web.Components.Shared;
using AnnotateHub.Web.Features.Api;
using AnnotateHub.Web.Features.Corpus;
using AnnotateHub.Web.Features.Projects;

namespace AnnotateHub.Web.Features.Agreement;

/// <summary>
/// REST: <c>GET /api/projects/{id}/agreement</c>, the agreement report (docs/agreement.md), and the dashboard's downloads
/// <c>agreement.csv</c> (the report as a table) and <c>agreement.svg</c> (heat map and per-label bars), for the project's
/// supervisors; members who are not get 403, anyone else 404.
/// </summary>
public static class AgreementEndpoints
{
    public static RouteGroupBuilder MapAgreementEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/projects/{projectId}/agreement", async Task<IResult> (int projectId, bool? documents, ClaimsPrincipal user,
            ProjectAccess access, AgreementService agreement, CancellationToken ct) =>
        {
            if (await RefuseAsync(projectId, user, access, ct) is { } refused) return refused;
            var report = await agreement.ComputeAsync(projectId, AgreementOptions.Default with { PerDocument = documents ?? true }, ct);
            return TypedResults.Json(report, AgreementJson.Options);
        });

        api.MapGet("/projects/{projectId}/agreement.csv", async Task<IResult> (int projectId, ClaimsPrincipal user,
            ProjectAccess access, AgreementService agreement, AgreementDashboardService dashboard, CancellationToken ct) =>
        {
            if (await RefuseAsync(projectId, user, access, ct) is { } refused) return refused;
            var report = await agreement.ComputeAsync(projectId, AgreementOptions.Default, ct);
            var titles = await dashboard.TitlesAsync(projectId, ct: ct);
            var csv = AgreementCsv.Write(report, id => titles.GetValueOrDefault(id));
            // A byte-order mark so spreadsheets read names and titles as UTF-8, as the span CSV export does.
            return TypedResults.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv)).ToArray(), AgreementCsv.ContentType,
                $"agreement-project-{projectId}.csv");
        });

        api.MapGet("/projects/{projectId}/agreement.svg", async Task<IResult> (int projectId, ClaimsPrincipal user,
            ProjectAccess access, AgreementService agreement, CorpusService corpus, CancellationToken ct) =>
        {
            if (await RefuseAsync(projectId, user, access, ct) is { } refused) return refused;
            var report = await agreement.ComputeAsync(projectId, AgreementOptions.Default with { PerDocument = false }, ct);
            var name = (await corpus.FindProjectAsync(projectId))?.Name ?? $"Project {projectId}";
            return TypedResults.File(Encoding.UTF8.GetBytes(AgreementSvg.Write(report, name)), AgreementSvg.ContentType, $"agreement-project-{projectId}.svg");
        });
        return api;
    }

    private static async Task<IResult?> RefuseAsync(int projectId, ClaimsPrincipal user, ProjectAccess access, CancellationToken ct)
    {
        var permissions = await access.ForProjectAsync(projectId, user.Id(), ct);
        if (!permissions.IsMember) return ApiProblems.NotFound($"Project {projectId} does not exist.");
        // The report compares every annotator's work: in a blind project that is what annotators must not see.
        return permissions.IsSupervisor ? null : ApiProblems.Forbidden("Only the project's supervisors can see its agreement.");
    }
}
