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

    /// <summary>Sign-in form posts per client address and user name.</summary>
    public WindowLimit SignIn { get; set; } = new() { PermitLimit = 10, WindowSeconds = 60 };

    /// <summary>Requests to /api/* per API token, signed-in user, or (anonymous) client address.</summary>
    public WindowLimit Api { get; set; } = new() { PermitLimit = 600, WindowSeconds = 60 };
}

public sealed class WindowLimit
{
    public int PermitLimit { get; set; }
    public int WindowSeconds { get; set; }
}

/// <summary>Limits on sign-in posts and on /api/*, with ASP.NET Core's rate limiter; answers 429 with Retry-After.</summary>
public static class RateLimits
{
    public const string SignInPath = "/Account/Login";

    // The sign-in form's user-name field (Login.razor), read before the limiter so the partition can name the user.
    private const string UserNameField = "Input.UserName";
    private static readonly object SignInUserKey = new();

    public static IServiceCollection AddRequestRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<RateLimitOptions>(configuration.GetSection(RateLimitOptions.Section));
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((o, limits) =>
        {
            var signIn = limits.Value.SignIn;
            var api = limits.Value.Api;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (IsSignInPost(context.Request))
                {
                    var user = (context.Items[SignInUserKey] as string ?? "").Trim().ToUpperInvariant();
                    return RateLimitPartition.GetFixedWindowLimiter($"signin|{ClientAddress(context)}|{user}", _ => Window(signIn));
                }
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
                    : (IsSignInPost(rejected.HttpContext.Request) ? signIn : api).WindowSeconds;
                response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                response.ContentType = "text/plain; charset=utf-8";
                var message = IsSignInPost(rejected.HttpContext.Request)
                    ? $"Too many sign-in attempts for this user name from your address. Wait {seconds} seconds, then try again."
                    : $"Too many requests. Wait {seconds} seconds, then try again.";
                await response.WriteAsync(message, ct);
            };
        });
        return services;
    }

    /// <summary>Reads the user name of a sign-in post (the form is buffered; the page reads it again), then applies the limits.</summary>
    public static IApplicationBuilder UseRequestRateLimits(this IApplicationBuilder app)
    {
        app.Use(async (context, next) =>
        {
            if (IsSignInPost(context.Request) && context.Request.HasFormContentType)
            {
                var form = await context.Request.ReadFormAsync(context.RequestAborted);
                context.Items[SignInUserKey] = form[UserNameField].ToString();
            }
            await next(context);
        });
        return app.UseRateLimiter();
    }

    private static bool IsSignInPost(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.Equals(SignInPath, StringComparison.OrdinalIgnoreCase);

    private static FixedWindowRateLimiterOptions Window(WindowLimit limit) => new()
    {
        PermitLimit = limit.PermitLimit,
        Window = TimeSpan.FromSeconds(limit.WindowSeconds),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    // Behind a reverse proxy this is the proxy's address unless forwarded headers are configured (decision 0011).
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
