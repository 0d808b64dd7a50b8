using System.Security.Claims;
using System.Text.Encodings.Web;
using AnnotateHub.Web.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AnnotateHub.Web.Features.Tokens;

/// <summary>
/// Signs in a request that carries a personal API token as <c>Authorization: Bearer ah_…</c>, or, for /hubs/ only,
/// as the <c>access_token</c> query parameter. Requests without a token are left to the other schemes.
/// </summary>
internal sealed class ApiTokenAuthenticationHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> options,
        ILoggerFactory logger,
        UrlEncoder encoder,
        ApiTokenService tokens,
        UserManager<AppUser> users)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string BearerPrefix = "Bearer ";
    private const string QueryParameter = "access_token";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = ReadToken(Request);
        if (token is null) return AuthenticateResult.NoResult();

        var live = await tokens.ValidateTokenAsync(token, Context.RequestAborted);
        if (live is null) return AuthenticateResult.Fail("The API token is not valid, or it was revoked or has expired.");
        var user = await users.FindByIdAsync(live.UserId);
        if (user is null) return AuthenticateResult.Fail("The API token's user no longer exists.");
        if (await users.IsLockedOutAsync(user)) return AuthenticateResult.Fail("The API token's user is locked out.");

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id),
            new(ClaimTypes.Name, user.UserName ?? user.Id),
            // A hub connection outlives this request: its later calls check that this token is still live (CallerStanding).
            new(ApiTokenDefaults.TokenIdClaim, live.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        claims.AddRange((await users.GetRolesAsync(user)).Select(role => new Claim(ClaimTypes.Role, role)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name, ClaimTypes.Name, ClaimTypes.Role));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(HeaderNames.WWWAuthenticate, result.Failure is null ? "Bearer" : "Bearer error=\"invalid_token\"");
        ApiTokenResponses.SkipStatusCodePage(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        ApiTokenResponses.SkipStatusCodePage(Context);
        return Task.CompletedTask;
    }

    /// <summary>The presented token, if any: the Bearer header, else the access_token query parameter on /hubs/ paths.</summary>
    internal static string? ReadToken(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var value = authorization[BearerPrefix.Length..].Trim();
            // Other bearer tokens (none today) are someone else's business.
            return value.StartsWith(ApiTokenService.TokenPrefix, StringComparison.Ordinal) ? value : null;
        }
        // Browsers cannot set headers on WebSockets or server-sent events; query strings end up in logs, so hubs only.
        if (request.Path.StartsWithSegments(ApiTokenDefaults.HubsPath) && request.Query.TryGetValue(QueryParameter, out var query))
        {
            var value = query.ToString();
            return value.StartsWith(ApiTokenService.TokenPrefix, StringComparison.Ordinal) ? value : null;
        }
        return null;
    }
}

internal static class ApiTokenResponses
{
    /// <summary>Requests that programs make: they get a status code, never the sign-in page.</summary>
    public static bool IsProgrammatic(HttpRequest request) =>
        request.Path.StartsWithSegments(ApiTokenDefaults.ApiPath)
        || request.Path.StartsWithSegments(ApiTokenDefaults.HubsPath)
        || request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    /// <summary>The app re-executes bare error statuses as the HTML not-found page; a program wants the status alone.</summary>
    public static void SkipStatusCodePage(HttpContext context)
    {
        if (context.Features.Get<IStatusCodePagesFeature>() is { } feature) feature.Enabled = false;
    }
}
