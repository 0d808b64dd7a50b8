using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace AnnotateHub.Web.Features.Annotations;

/// <summary>The <c>RateLimits:Hub</c> section: how many annotation changes one user may send through the hub (decision 0050).</summary>
public sealed class HubRateLimitOptions
{
    public const string Section = "RateLimits:Hub";

    /// <summary>Changes a user may send at once, over all their connections, before the steady rate applies.</summary>
    public int BurstLimit { get; set; } = 300;

    /// <summary>Changes per second a user may keep sending, over all their connections (refilled every <see cref="RefillSeconds"/>).</summary>
    public int PerSecond { get; set; } = 100;

    /// <summary>How often the bucket is refilled, with <see cref="PerSecond"/> times this many changes; 1 unless a test needs exact counts.</summary>
    public int RefillSeconds { get; set; } = 1;
}

/// <summary>
/// A token bucket per user for the hub's changes (create, update, delete, undo, revert), shared by every connection of the user, so a
/// loop of creates cannot take the server's writer from everyone else. A refused change answers <c>rate_limited</c>
/// with the reason and changes nothing; reads (join, catch-up, echo) are not counted.
/// </summary>
public sealed class HubCallLimiter : IDisposable
{
    /// <summary>The annotation hub's methods that change something.</summary>
    public static IReadOnlySet<string> ChangeMethods => Changes;

    private static readonly HashSet<string> Changes = new(StringComparer.OrdinalIgnoreCase)
    {
        nameof(AnnotationHub.CreateAnnotation), nameof(AnnotationHub.UpdateAnnotation), nameof(AnnotationHub.DeleteAnnotation),
        nameof(AnnotationHub.Undo), nameof(AnnotationHub.RevertChange),
    };

    private readonly HubRateLimitOptions _options;
    private readonly PartitionedRateLimiter<string> _limiter;

    public HubCallLimiter(IOptions<HubRateLimitOptions> options)
    {
        _options = options.Value;
        var burst = Math.Max(1, _options.BurstLimit);
        var perSecond = Math.Max(1, _options.PerSecond);
        var refillSeconds = Math.Max(1, _options.RefillSeconds);
        _limiter = PartitionedRateLimiter.Create<string, string>(user => RateLimitPartition.GetTokenBucketLimiter(user, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = (int)Math.Min(int.MaxValue, (long)perSecond * refillSeconds),
            ReplenishmentPeriod = TimeSpan.FromSeconds(refillSeconds),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    public static bool IsChange(string method) => Changes.Contains(method);

    /// <summary>Null when the call is not one of <paramref name="changes"/> or its user may send one more change now; else why not.</summary>
    public string? Refusal(HubInvocationContext call, IReadOnlySet<string> changes) =>
        changes.Contains(call.HubMethodName) && call.Context.User?.FindFirstValue(ClaimTypes.NameIdentifier) is { Length: > 0 } userId
            ? Refusal(userId)
            : null;

    /// <summary>Null when the user may send one more change now; else why not, and when to try again.</summary>
    public string? Refusal(string userId)
    {
        using var lease = _limiter.AttemptAcquire(userId);
        if (lease.IsAcquired) return null;
        var seconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
        return string.Create(CultureInfo.InvariantCulture,
            $"Too many changes: at most {_options.PerSecond} a second per user (bursts of {_options.BurstLimit}), over all your connections. Nothing was changed; wait {seconds} s, then send it again.");
    }

    public void Dispose() => _limiter.Dispose();
}

/// <summary>Applies <see cref="HubCallLimiter"/> to the annotation hub's changes before they reach the hub.</summary>
public sealed class HubCallLimitFilter(HubCallLimiter limiter) : IHubFilter
{
    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        return limiter.Refusal(invocationContext, HubCallLimiter.ChangeMethods) is { } refusal
            ? ValueTask.FromResult<object?>(MutationResult.RateLimited(refusal))
            : next(invocationContext);
    }
}
