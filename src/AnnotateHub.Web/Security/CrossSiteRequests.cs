using AnnotateHub.Web.Features.Tokens;
using Microsoft.AspNetCore.Antiforgery;

namespace AnnotateHub.Web.Security;

/// <summary>
/// Cross-site request forgery (decision 0045). SameSite=Strict does not stop a page on another port of the same host:
/// that is the same site. So a cookie-authenticated POST, PUT, PATCH or DELETE to /api must come from one of our own
/// pages (<c>Sec-Fetch-Site: same-origin</c>, or an <c>Origin</c> equal to ours) or carry an antiforgery token in the
/// <c>RequestVerificationToken</c> header; a cookie request with neither is refused. A request with an API token is
/// exempt (a browser cannot add an Authorization header to a cross-site request without CORS, which we never allow).
/// The hubs (/hubs, /_blazor) refuse a browser's request from another origin: browsers always send Origin on a
/// WebSocket handshake and on a cross-origin fetch, and .NET clients that send neither keep working.
/// Sign-out checks its form's antiforgery token itself (IdentityComponentsEndpointRouteBuilderExtensions).
/// </summary>
public static class CrossSiteRequests
{
    private static readonly PathString BlazorPath = "/_blazor";

    public static IApplicationBuilder UseCrossSiteRequestCheck(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        // context.User is the default scheme's result: the Identity cookie, and only a cookie that is still valid. Only the
        // header exempts: a page on another site can put ?access_token=junk on a hub URL, and the cookie would still count.
        var cookieUser = context.User.Identity?.IsAuthenticated == true
            && !context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
        if (cookieUser && Refuses(context.Request) is { } reason && !await HasValidAntiforgeryHeaderAsync(context))
        {
            ApiTokenResponses.SkipStatusCodePage(context);
            await Results.Problem(reason, statusCode: StatusCodes.Status403Forbidden, title: "Cross-site request refused").ExecuteAsync(context);
            return;
        }
        await next(context);
    });

    /// <summary>Why a cookie-authenticated request is refused, or null if it may go on.</summary>
    internal static string? Refuses(HttpRequest request)
    {
        var path = request.Path;
        if (path.StartsWithSegments(ApiTokenDefaults.ApiPath))
        {
            if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)) return null;
            return Origin(request) switch
            {
                RequestOrigin.Same => null,
                RequestOrigin.Other => "This request came from another site's page. Requests signed in with the cookie are accepted only from AnnotateHub's own pages.",
                _ => "A request signed in with the cookie must come from AnnotateHub's own pages (Origin or Sec-Fetch-Site) or carry an antiforgery token; programs use an API token (Authorization: Bearer).",
            };
        }
        if (path.StartsWithSegments(ApiTokenDefaults.HubsPath) || path.StartsWithSegments(BlazorPath))
        {
            return Origin(request) == RequestOrigin.Other ? "This connection came from another site's page." : null;
        }
        return null;
    }

    private enum RequestOrigin { Unknown, Same, Other }

    /// <summary>
    /// Sec-Fetch-Site first (only a browser sets it, and only it tells same-site from same-origin), else Origin compared by
    /// scheme, host and port with this request's (behind a proxy, forward the scheme and host: decision 0012).
    /// </summary>
    private static RequestOrigin Origin(HttpRequest request)
    {
        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0) return string.Equals(fetchSite, "same-origin", StringComparison.OrdinalIgnoreCase) ? RequestOrigin.Same : RequestOrigin.Other;
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return RequestOrigin.Unknown;
        // "null" (a sandboxed frame, a data: URL, a redirect across origins) is nobody's origin, certainly not ours.
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || !request.Host.HasValue) return RequestOrigin.Other;
        var ours = new Uri($"{request.Scheme}://{request.Host.Value}");
        return Uri.Compare(uri, ours, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
            && uri.AbsolutePath == "/"
            ? RequestOrigin.Same
            : RequestOrigin.Other;
    }

    /// <summary>Only the header: reading the form of a 64 MB upload to look for a field is not worth it.</summary>
    private static async Task<bool> HasValidAntiforgeryHeaderAsync(HttpContext context)
    {
        var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        var headerName = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<AntiforgeryOptions>>().Value.HeaderName;
        if (headerName is null || !context.Request.Headers.ContainsKey(headerName)) return false;
        return await antiforgery.IsRequestValidAsync(context);
    }
}
