using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using AnnotateHub.Web.Features.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace AnnotateHub.Web.Security;

/// <summary>The <c>RateLimits</c> section of the configuration (docs/decisions/0011).</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Requests to /api/* per user (all their API tokens and their cookie together), or per client address
    /// for requests that sign in as nobody.</summary>
    public WindowLimit Api { get; set; } = new() { PermitLimit = 600, WindowSeconds = 60 };
}

public sealed class WindowLimit
{
    public int PermitLimit { get; set; }
    public int WindowSeconds { get; set; }
}

/// <summary>Limits on /api/*, with ASP.NET Core's rate limiter; answers 429 with Retry-After. Sign-in has its own
/// limits, kept by the sign-in page (<see cref="SignInThrottle"/>, decision 0048).</summary>
public static class RateLimits
{
    private static readonly object TokenOwnerKey = new();

    public static IServiceCollection AddRequestRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<RateLimitOptions>(configuration.GetSection(RateLimitOptions.Section));
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((o, limits) =>
        {
            var api = limits.Value.Api;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (context.Request.Path.StartsWithSegments(ApiTokenDefaults.ApiPath))
                {
                    return RateLimitPartition.GetFixedWindowLimiter("api|" + ApiCaller(context), _ => Window(api));
                }
                return RateLimitPartition.GetNoLimiter("");
            });
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (rejected, ct) =>
            {
                var response = rejected.HttpContext.Response;
                var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
                    : api.WindowSeconds;
                response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                response.ContentType = "text/plain; charset=utf-8";
                await response.WriteAsync($"Too many requests. Wait {seconds} seconds, then try again.", ct);
            };
        });
        return services;
    }

    /// <summary>Finds the owner of an API token before the limiter (so every token of a user draws on one budget), then applies the limits.</summary>
    public static IApplicationBuilder UseRequestRateLimits(this IApplicationBuilder app)
    {
        app.Use(async (context, next) =>
        {
            // The handler keeps its result for the request, so the authorization that follows does not look the token up again.
            if (context.Request.Path.StartsWithSegments(ApiTokenDefaults.ApiPath) && ApiTokenAuthenticationHandler.ReadToken(context.Request) is not null)
            {
                var result = await context.AuthenticateAsync(ApiTokenDefaults.AuthenticationScheme);
                if (result.Principal?.FindFirstValue(ClaimTypes.NameIdentifier) is { } owner) context.Items[TokenOwnerKey] = owner;
            }
            await next(context);
        });
        return app.UseRateLimiter();
    }

    private static FixedWindowRateLimiterOptions Window(WindowLimit limit) => new()
    {
        PermitLimit = limit.PermitLimit,
        Window = TimeSpan.FromSeconds(limit.WindowSeconds),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    // Behind a reverse proxy this is the proxy's address unless ForwardedHeaders:KnownProxies names it (decision 0049).
    private static string ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>Who pays for an API request: the user (a token's owner, else the cookie's user), else the address
    /// (anonymous requests, and tokens that are not valid, so guessing tokens costs the guesser's address).</summary>
    private static string ApiCaller(HttpContext context)
    {
        if (context.Items[TokenOwnerKey] is string owner) return "user:" + owner;
        if (ApiTokenAuthenticationHandler.ReadToken(context.Request) is null
            && context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId) return "user:" + userId;
        return "ip:" + ClientAddress(context);
    }
}
