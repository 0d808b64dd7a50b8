using System.Security.Claims;
using System.Text;
using AnnotateHub.Web.Components.Shared;
using AnnotateHub.Web.Features.Projects;

namespace AnnotateHub.Web.Features.Claims;

public static class ClaimsFeature
{
    /// <summary>The claims board: every figure and claim of a project side by side.</summary>
    public static IServiceCollection AddClaimsBoard(this IServiceCollection services) => services.AddSingleton<ClaimsBoardService>();

    /// <summary>REST: the board as CSV (<c>GET /api/projects/{id}/claims.csv</c>), the spans the caller may see.</summary>
    public static RouteGroupBuilder MapClaimsEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/projects/{projectId}/claims.csv", async Task<IResult> (int projectId, ClaimsPrincipal user, HttpContext http,
            ClaimsBoardService board, CancellationToken ct) =>
        {
            var result = await board.BuildAsync(projectId, http.CallerPermissions(), user.Id(), ct);
            // A byte-order mark so spreadsheets read names and words as UTF-8, as the span CSV export does.
            return TypedResults.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(result.Board.ToCsv())).ToArray(), "text/csv; charset=utf-8",
                $"claims-project-{projectId}.csv");
        }).RequireProjectMember();
        return api;
    }
}
