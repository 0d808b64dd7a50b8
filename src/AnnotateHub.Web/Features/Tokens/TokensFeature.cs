using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace AnnotateHub.Web.Features.Tokens;

public static class TokensFeature
{
    /// <summary>
    /// The token service, the "ApiToken" scheme next to the Identity cookie (which stays the default for pages), the
    /// <see cref="ApiTokenDefaults.CookieOrToken"/> policy, and 401/403 instead of sign-in redirects for programs.
    /// </summary>
    public static IServiceCollection AddApiTokens(this IServiceCollection services)
    {
        services.AddSingleton<ApiTokenService>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenDefaults.AuthenticationScheme, displayName: null, _ => { });
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiTokenDefaults.CookieOrToken, p => p
                .AddAuthenticationSchemes(IdentityConstants.ApplicationScheme, ApiTokenDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser());

        // PostConfigure: runs after AddAnnotateHubAuthentication has configured the cookie, and keeps whatever redirects it set for pages.
        services.PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, o =>
        {
            var redirectToLogin = o.Events.OnRedirectToLogin;
            var redirectToAccessDenied = o.Events.OnRedirectToAccessDenied;
            o.Events.OnRedirectToLogin = context => ApiTokenResponses.IsProgrammatic(context.Request)
                ? Answer(context.HttpContext, StatusCodes.Status401Unauthorized)
                : redirectToLogin(context);
            o.Events.OnRedirectToAccessDenied = context => ApiTokenResponses.IsProgrammatic(context.Request)
                ? Answer(context.HttpContext, StatusCodes.Status403Forbidden)
                : redirectToAccessDenied(context);
        });
        return services;
    }

    /// <summary><c>GET /api/me</c>: who the cookie or token signs in as; lets a script check its token.</summary>
    public static RouteGroupBuilder MapApiTokenEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/me", (ClaimsPrincipal user) => TypedResults.Ok(new MeResponse(
            user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "",
            user.Identity?.Name ?? "",
            user.FindAll(ClaimTypes.Role).Select(c => c.Value).Distinct().Order(StringComparer.Ordinal).ToList())));
        return api;
    }

    private static Task Answer(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        ApiTokenResponses.SkipStatusCodePage(context);
        return Task.CompletedTask;
    }
}

/// <summary>The body of <c>GET /api/me</c>.</summary>
public sealed record MeResponse(string UserId, string UserName, IReadOnlyList<string> Roles);
