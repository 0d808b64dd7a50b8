using System.Globalization;
using AnnotateHub.Core.Projects;
using AnnotateHub.Web.Components.Shared;
using AnnotateHub.Web.Features.Api;

namespace AnnotateHub.Web.Features.Projects;

/// <summary>
/// The one rule of every <c>/api/projects/{projectId}/...</c> endpoint, as an endpoint filter: members see it,
/// supervisors change it (decision 0057). A caller who is not a member gets the same 404 as for a project that does not
/// exist (no endpoint tells a stranger which projects there are); a member who is not a supervisor, where the endpoint
/// asks for one, gets 403 with the endpoint's own sentence. The handler reads the caller's permissions with
/// <see cref="CallerPermissions(HttpContext)"/> instead of asking again.
/// </summary>
public static class ProjectEndpointAccess
{
    private static readonly object PermissionsKey = new();

    /// <summary>Members of the project (and admins) get through; anyone else gets 404.</summary>
    public static TBuilder RequireProjectMember<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(Filter(supervisorRefusal: null));

    /// <summary>The project's supervisors (and admins) get through; other members get 403 with <paramref name="refusal"/>, anyone else 404.</summary>
    public static TBuilder RequireProjectSupervisor<TBuilder>(this TBuilder builder, string refusal) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(Filter(refusal));

    /// <summary>The caller's permissions in the route's project, as the filter read them.</summary>
    public static ProjectPermissions CallerPermissions(this HttpContext http) =>
        http.Items[PermissionsKey] as ProjectPermissions
        ?? throw new InvalidOperationException("This endpoint has no RequireProjectMember or RequireProjectSupervisor filter.");

    private static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> Filter(string? supervisorRefusal) =>
        async (context, next) =>
        {
            var http = context.HttpContext;
            // The route's {projectId} has been bound by now: a value that is not a number never gets here (400 from binding).
            if (!int.TryParse(http.GetRouteValue("projectId") as string, NumberStyles.Integer, CultureInfo.InvariantCulture, out var projectId))
                return ApiProblems.NotFound("There is no such project.");
            var access = http.RequestServices.GetRequiredService<ProjectAccess>();
            var permissions = await access.ForProjectAsync(projectId, http.User.Id(), http.RequestAborted);
            if (!permissions.IsMember) return ApiProblems.NotFound($"Project {projectId} does not exist.");
            // Supervisor-only endpoints hold every annotator's work (or change the project): in a blind project that is
            // exactly what annotators must not see.
            if (supervisorRefusal is not null && !permissions.IsSupervisor) return ApiProblems.Forbidden(supervisorRefusal);
            http.Items[PermissionsKey] = permissions;
            return await next(context);
        };
}
