namespace AnnotateHub.Web.Security;

/// <summary>The headers every response carries (docs/decisions/0010).</summary>
public static class SecurityHeaders
{
    /// <summary>
    /// Scripts only from our own files (App.razor has no inline script: no import map), styles also inline because
    /// MudBlazor and Blazor set style attributes, images and fonts also as data: URIs (MudBlazor's icons), the circuit's
    /// WebSocket to our own origin, and nothing from any other host.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    /// <summary>Powerful browser features the app never uses; the clipboard stays allowed (copying an API token).</summary>
    public const string PermissionsPolicy =
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()";

    /// <summary>Adds the headers as the response starts, so error pages and early answers (429) carry them too.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpResponse)state).Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = PermissionsPolicy;
            return Task.CompletedTask;
        }, context.Response);
        return next(context);
    });
}
