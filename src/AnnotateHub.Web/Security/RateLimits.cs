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

    /// <summary>Sign-in form posts per client address and user name.</summary>
    public WindowLimit SignIn { get; set; } = new() { PermitLimit = 10, WindowSeconds = 60 };

    /// <summary>Requests to /api/* per user (all their API tokens and their cookie together), or per client address
    /// for requests that sign in as nobody.</summary>
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
    private static readonly object TokenOwnerKey = new();

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
            // The token's owner, so every token of a user draws on one budget. The handler keeps its result for the
            // request, so the authorization that follows does not look the token up again.
            if (context.Request.Path.StartsWithSegments(ApiTokenDefaults.ApiPath) && ApiTokenAuthenticationHandler.ReadToken(context.Request) is not null)
            {
                var result = await context.AuthenticateAsync(ApiTokenDefaults.AuthenticationScheme);
                if (result.Principal?.FindFirstValue(ClaimTypes.NameIdentifier) is { } owner) context.Items[TokenOwnerKey] = owner;
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
