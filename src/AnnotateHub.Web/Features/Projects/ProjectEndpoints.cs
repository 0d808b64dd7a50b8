using AnnotateHub.Core.Projects;
using AnnotateHub.Web.Components.Shared;
using AnnotateHub.Web.Features.Corpus;
using System.Security.Claims;

namespace AnnotateHub.Web.Features.Projects;

public sealed record ProjectDto(int Id, string Name, string? Description, string Role, string Mode);

public sealed record DocumentListItemDto(int Id, string Title, string? Outlet, DateOnly? PublishedOn, int Length, string? Assignment);

/// <summary>REST: the projects a user may see and their documents (an annotator's: the assigned ones). See docs/api.md.</summary>
public static class ProjectEndpoints
{
    public static RouteGroupBuilder MapProjectEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/projects", async (ClaimsPrincipal user, ProjectAccess access, CorpusService corpus, CancellationToken ct) =>
        {
            var userId = user.Id();
            var roles = await access.ProjectsOfAsync(userId, ct);
            var projects = await corpus.ListProjectsAsync(roles.Keys.ToList(), ct);
            var result = new List<ProjectDto>();
            foreach (var p in projects)
            {
                var permissions = await access.ForProjectAsync(p.Id, userId, ct);
                result.Add(new ProjectDto(p.Id, p.Name, p.Description, RoleName(roles[p.Id]), ModeName(permissions.Mode)));
            }
            return TypedResults.Ok(result);
        });

        api.MapGet("/projects/{projectId:int}/documents", async Task<IResult> (int projectId, ClaimsPrincipal user, ProjectAccess access, CorpusService corpus, TeamService team, CancellationToken ct) =>
        {
            var userId = user.Id();
            var permissions = await access.ForProjectAsync(projectId, userId, ct);
            if (!permissions.IsMember) return ApiProblems.NotFound($"Project {projectId} does not exist.");
            var mine = await team.AssignmentsOfAsync(projectId, userId, ct);
            var scope = permissions.IsSupervisor ? CorpusScope.Everything : new CorpusScope(mine.Keys.ToHashSet(), userId);
            var rows = await corpus.ListDocumentsAsync(projectId, null, scope, ct);
            return TypedResults.Ok(rows.Select(r => new DocumentListItemDto(r.Id, r.Title, r.Outlet, r.PublishedOn, r.Length,
                mine.TryGetValue(r.Id, out var state) ? StateName(state) : null)).ToList());
        });
        return api;
    }

    public static string RoleName(ProjectRole role) => role switch
    {
        ProjectRole.Supervisor => "supervisor",
        ProjectRole.Annotator => "annotator",
        _ => "none",
    };

    public static string ModeName(ProjectMode mode) => mode == ProjectMode.Blind ? "blind" : "open";

    public static string StateName(AssignmentState state) => state switch
    {
        AssignmentState.NotStarted => "not_started",
        AssignmentState.InProgress => "in_progress",
        _ => "done",
    };
}

/// <summary>Errors of the REST API as RFC 7807 problem details, with a sentence a person can act on.</summary>
public static class ApiProblems
{
    public static IResult NotFound(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");
    public static IResult Forbidden(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
    public static IResult Invalid(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request");
    public static IResult Conflict(string detail, object? current) => TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict",
        extensions: current is null ? null : new Dictionary<string, object?> { ["current"] = current });
}
