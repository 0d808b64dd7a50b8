using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace AnnotateHub.Web.Security;

/// <summary>The <c>ForwardedHeaders</c> section: the reverse proxies whose X-Forwarded-For names the client and whose
/// X-Forwarded-Proto names the scheme the client used (decisions 0049, 0067).</summary>
public sealed class ClientAddressOptions
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Addresses of the proxies in front of the app; empty (the default) trusts no header.</summary>
    public string[] KnownProxies { get; set; } = [];
}

/// <summary>The sign-in limits' registration and the check that refuses ambiguous sign-in forms (decision 0048).</summary>
public static class SignInLimits
{
    public const string SignInPath = "/Account/Login";

    public static IServiceCollection AddSignInLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SignInLimitOptions>(configuration.GetSection(SignInLimitOptions.Section));
        services.AddSingleton<SignInThrottle>();

        var proxies = configuration.GetSection(ClientAddressOptions.Section).Get<ClientAddressOptions>()?.KnownProxies ?? [];
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            // The client's address (per-address limits) and, from the same known proxies only, its scheme: behind a proxy
            // that ends TLS, cookies are Secure and HSTS is sent as for a direct HTTPS request (decision 0067).
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = 1;
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
            foreach (var proxy in proxies) o.KnownProxies.Add(IPAddress.Parse(proxy));
        });
        return services;
    }

    /// <summary>X-Forwarded-For and X-Forwarded-Proto from the configured proxies only; without any, the TCP peer is the
    /// client and the scheme is what Kestrel saw.</summary>
    public static IApplicationBuilder UseClientAddressFromProxy(this IApplicationBuilder app)
    {
        var proxies = app.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ForwardedHeadersOptions>>().Value.KnownProxies;
        return proxies.Count == 0 ? app : app.UseForwardedHeaders();
    }

    /// <summary>
    /// Refuses (400) a sign-in post that gives a field twice: the same name repeated, in another case or with spaces
    /// around it, or in both the query and the form. Which copy the page binds is then nobody's business, and a limit
    /// keyed on one copy could be dodged with the other. The refused post still spends one of the address's attempts.
    /// </summary>
    public static IApplicationBuilder UseSignInFormCheck(this IApplicationBuilder app)
    {
        return app.Use(async (context, next) =>
        {
            if (IsSignInPost(context.Request) && await AmbiguousFieldAsync(context.Request) is { } repeated)
            {
                var field = repeated.Length > 40 ? repeated[..40] + "..." : repeated;
                var throttle = context.RequestServices.GetRequiredService<SignInThrottle>();
                var decision = throttle.CountRefusedPost(SignInThrottle.AddressKey(context.Connection.RemoteIpAddress));
                context.Response.StatusCode = decision.Allowed ? StatusCodes.Status400BadRequest : StatusCodes.Status429TooManyRequests;
                if (!decision.Allowed) context.Response.Headers.RetryAfter = decision.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(decision.Allowed
                    ? $"The sign-in form gives the field {field} more than once. Send each field once."
                    : decision.Message, context.RequestAborted);
                return;
            }
            await next(context);
        });
    }

    public static bool IsSignInPost(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.Equals(SignInPath, StringComparison.OrdinalIgnoreCase);

    /// <summary>The first field name given more than once across the query and the form, if any (cut short for the message).</summary>
    private static async Task<string?> AmbiguousFieldAsync(HttpRequest request)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, values) in request.Query)
        {
            if (values.Count > 1 || !seen.Add(key.Trim())) return key.Trim();
        }
        if (!request.HasFormContentType) return null;
        // Buffered: the page binds the same form afterwards.
        var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
        foreach (var (key, values) in form)
        {
            if (values.Count > 1 || !seen.Add(key.Trim())) return key.Trim();
        }
        foreach (var file in form.Files)
        {
            if (!seen.Add(file.Name.Trim())) return file.Name.Trim();
        }
        return null;
    }
}
