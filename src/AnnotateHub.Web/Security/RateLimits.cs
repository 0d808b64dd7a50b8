using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using AnnotateHub.Web.Features.Tokens;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace AnnotateHub.Web.Security;

/// <summary>The <c>RateLimits</c> section of the configuration (docs/decisions/0011).</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Requests to /api/* per API token, signed-in user, or (anonymous) client address.</summary>
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

    public static IApplicationBuilder UseRequestRateLimits(this IApplicationBuilder app) => app.UseRateLimiter();

    private static FixedWindowRateLimiterOptions Window(WindowLimit limit) => new()
    {
        PermitLimit = limit.PermitLimit,
        Window = TimeSpan.FromSeconds(limit.WindowSeconds),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    // Behind a reverse proxy this is the proxy's address unless ForwardedHeaders:KnownProxies names it (decision 0049).
    private static string ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>Who pays for an API request: the token (by its hash), else the signed-in user, else the address.</summary>
    private static string ApiCaller(HttpContext context)
    {
        if (ApiTokenAuthenticationHandler.ReadToken(context.Request) is { } token)
            return "token:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        if (context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId) return "user:" + userId;
        return "ip:" + ClientAddress(context);
    }
}
