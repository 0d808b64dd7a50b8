using System.Security.Claims;
using AnnotateHub.Web.Components.Shared;
using AnnotateHub.Web.Features.Projects;

namespace AnnotateHub.Web.Features.Export;

/// <summary>REST: <c>GET /api/projects/{id}/export?format=jsonl&amp;layer=all|annotator:NAME</c>, for the project's supervisors.</summary>
public static class ExportEndpoints
{
    public static readonly IReadOnlyList<string> Formats = ["jsonl"];

    public static RouteGroupBuilder MapExportEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/projects/{projectId:int}/export", async Task<IResult> (int projectId, string? format, string? layer, ClaimsPrincipal user,
            ProjectAccess access, ExportService export, HttpContext http, CancellationToken ct) =>
        {
            var permissions = await access.ForProjectAsync(projectId, user.Id(), ct);
            if (!permissions.IsMember) return ApiProblems.NotFound($"Project {projectId} does not exist.");
            // Exports hold every annotator's work: in a blind project that is exactly what annotators must not see.
            if (!permissions.IsSupervisor) return ApiProblems.Forbidden("Only the project's supervisors can export it.");
            var chosen = (format ?? "jsonl").Trim().ToLowerInvariant();
            if (!Formats.Contains(chosen)) return ApiProblems.Invalid($"Unknown format \"{format}\"; this version exports: {string.Join(", ", Formats)}.");
            var parsed = ExportLayer.Parse(layer);
            if (parsed.Error is not null) return ApiProblems.Invalid(parsed.Error);
            string? annotatorId = null;
            if (parsed.Layer!.Annotator is { } name)
            {
                annotatorId = await export.ResolveAnnotatorAsync(projectId, name, ct);
                if (annotatorId is null) return ApiProblems.Invalid($"\"{name}\" is not a member of this project.");
            }
            http.Response.ContentType = "application/x-ndjson; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"project-{projectId}.jsonl\"";
            await export.WriteJsonlAsync(projectId, annotatorId, http.Response.Body, ct);
            return TypedResults.Empty;
        });
        return api;
    }
}
