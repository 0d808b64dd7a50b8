using System.Security.Claims;
using AnnotateHub.Core.Formats;
using AnnotateHub.Web.Components.Shared;
using AnnotateHub.Web.Features.Api;
using AnnotateHub.Web.Features.Projects;

namespace AnnotateHub.Web.Features.Export;

/// <summary>
/// REST: <c>GET /api/projects/{id}/export?format=jsonl|spacy|conll|brat|w3c|csv|parquet&amp;layer=...</c> (and
/// scheme, soft-labels, split, seed, group-by; layer defaults to auto: gold where a document is curated), for the
/// project's supervisors; streamed (docs/formats.md).
/// </summary>
public static class ExportEndpoints
{
    public static RouteGroupBuilder MapExportEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/projects/{projectId}/export", async Task<IResult> (int projectId, ExportService export, HttpContext http, CancellationToken ct) =>
        {
            var (parsed, errors) = ExportRequest.Parse(http.Request.Query.Select(q => new KeyValuePair<string, string?>(q.Key, q.Value.ToString())));
            if (parsed is null) return ApiProblems.Invalid(string.Join(" ", errors));
            var (request, error) = await export.ResolveAsync(projectId, parsed, ct);
            if (request is null) return ApiProblems.Invalid(error!);

            var options = await export.OptionsAsync(projectId, request, ct);
            http.Response.ContentType = request.Format.ContentType(options);
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"project-{projectId}{request.Format.FileExtension(options)}\"";
            await export.WriteAsync(projectId, request.Format, options, http.Response.Body, progress: null, ct);
            return TypedResults.Empty;
        }).RequireProjectSupervisor("Only the project's supervisors can export it."); // exports hold every annotator's work
        // A file prepared on the Export tab, for the user who prepared it.
        api.MapGet("/exports/{token}", IResult (string token, ClaimsPrincipal user, PreparedExports prepared) =>
            prepared.Find(token, user.Id()) is { } file
                ? TypedResults.PhysicalFile(file.Path, file.ContentType, file.FileName)
                : ApiProblems.NotFound("This export does not exist or has expired; prepare it again."));
        return api;
    }
}
