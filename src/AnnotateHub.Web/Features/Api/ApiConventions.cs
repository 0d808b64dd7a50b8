using AnnotateHub.Web.Features.Tokens;

namespace AnnotateHub.Web.Features.Api;

/// <summary>What every endpoint under /api shares: problem details for refusals, the group and its catch-all 404.</summary>
public static class ApiConventions
{
    public static IServiceCollection AddApiConventions(this IServiceCollection services)
    {
        // Malformed or oversized API requests get RFC 7807 problem details, not an empty 400: binding failures throw, and
        // UseApiBodyLimit's middleware answers them with the reason (decision 0052).
        services.AddProblemDetails();
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    /// <summary>The group every feature maps its REST endpoints into: the sign-in cookie or an API token.</summary>
    public static RouteGroupBuilder MapApiGroup(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGroup(ApiTokenDefaults.ApiPath).RequireAuthorization(ApiTokenDefaults.CookieOrToken);

    /// <summary>Anything else under /api is a problem-details 404, not the app's HTML page (and not a 405 from the pages' routes).</summary>
    public static RouteGroupBuilder MapApiNotFound(this RouteGroupBuilder api)
    {
        api.Map("/{**path}", (HttpRequest request) => ApiProblems.NotFound($"There is no API endpoint for {request.Method} {request.Path}; see docs/api.md."))
            .WithOrder(int.MaxValue);
        return api;
    }
}
