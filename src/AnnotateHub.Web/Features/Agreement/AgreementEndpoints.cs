using System.Text;
using AnnotateHub.Core.Agreement;
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
    // The report compares every annotator's work: in a blind project that is what annotators must not see.
    private const string Refusal = "Only the project's supervisors can see its agreement.";

    public static RouteGroupBuilder MapAgreementEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/projects/{projectId}/agreement", async Task<IResult> (int projectId, bool? documents,
            AgreementService agreement, CancellationToken ct) =>
        {
            var report = await agreement.ComputeAsync(projectId, AgreementOptions.Default with { PerDocument = documents ?? true }, ct);
            return TypedResults.Json(report, AgreementJson.Options);
        }).RequireProjectSupervisor(Refusal);

        api.MapGet("/projects/{projectId}/agreement.csv", async Task<IResult> (int projectId,
            AgreementService agreement, AgreementDashboardService dashboard, CancellationToken ct) =>
        {
            var report = await agreement.ComputeAsync(projectId, AgreementOptions.Default, ct);
            var titles = await dashboard.TitlesAsync(projectId, ct: ct);
            var csv = AgreementCsv.Write(report, id => titles.GetValueOrDefault(id));
            // A byte-order mark so spreadsheets read names and titles as UTF-8, as the span CSV export does.
            return TypedResults.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv)).ToArray(), AgreementCsv.ContentType,
                $"agreement-project-{projectId}.csv");
        }).RequireProjectSupervisor(Refusal);

        api.MapGet("/projects/{projectId}/agreement.svg", async Task<IResult> (int projectId,
            AgreementService agreement, CorpusService corpus, CancellationToken ct) =>
        {
            var report = await agreement.ComputeAsync(projectId, AgreementOptions.Default with { PerDocument = false }, ct);
            var name = (await corpus.FindProjectAsync(projectId, ct))?.Name ?? $"Project {projectId}";
            return TypedResults.File(Encoding.UTF8.GetBytes(AgreementSvg.Write(report, name)), AgreementSvg.ContentType, $"agreement-project-{projectId}.svg");
        }).RequireProjectSupervisor(Refusal);
        return api;
    }
}
