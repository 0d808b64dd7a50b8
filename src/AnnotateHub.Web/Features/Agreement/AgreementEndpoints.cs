using System.Security.Claims;
using AnnotateHub.Core.Agreement;
using AnnotateHub.Web.Components.Shared;
using AnnotateHub.Web.Features.Projects;

namespace AnnotateHub.Web.Features.Agreement;

/// <summary>REST: <c>GET /api/projects/{id}/agreement</c>, the agreement report (docs/agreement.md), for the project's supervisors.</summary>
public static class AgreementEndpoints
{
    public static RouteGroupBuilder MapAgreementEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/projects/{projectId:int}/agreement", async Task<IResult> (int projectId, bool? documents, ClaimsPrincipal user,
            ProjectAccess access, AgreementService agreement, CancellationToken ct) =>
        {
            var permissions = await access.ForProjectAsync(projectId, user.Id(), ct);
            if (!permissions.IsMember) return ApiProblems.NotFound($"Project {projectId} does not exist.");
            // The report compares every annotator's work: in a blind project that is what annotators must not see.
            if (!permissions.IsSupervisor) return ApiProblems.Forbidden("Only the project's supervisors can see its agreement.");
            var report = await agreement.ComputeAsync(projectId, AgreementOptions.Default with { PerDocument = documents ?? true }, ct);
            return TypedResults.Json(report, AgreementJson.Options);
        });
        return api;
    }
}
