using System.Security.Claims;
using AnnotateHub.Web.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AnnotateHub.Web.Security;

/// <summary>
/// Every request's sign-in cookie is checked against its user's current security stamp (decision 0046), so the cookie
/// of a session that signed out stops working at once. The stamps are cached per user for <see cref="Lifetime"/>.
/// What invalidates an entry: <see cref="Forget"/>, called by sign-out after it renewed the stamp. What changes under
/// it: another process (the command line's <c>users lock</c>, a second instance) renews a stamp in the database; this
/// cache then notices within <see cref="Lifetime"/>, as fast as Identity's own validator (once a minute) does.
/// </summary>
public sealed class SessionStamps(IDbContextFactory<AnnotateHubDbContext> dbFactory, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    // Bumped by every Forget: a lookup that read the database before a sign-out must not store what it read after it.
    private long _generation;

    /// <summary>True if <paramref name="stamp"/> is the user's current security stamp (false for a user that is gone).</summary>
    public async ValueTask<bool> IsCurrentAsync(string userId, string stamp, CancellationToken ct)
    {
        long generation;
        lock (_gate)
        {
            if (_entries.TryGetValue(userId, out var entry) && time.GetUtcNow() - entry.LoadedAt < Lifetime)
                return string.Equals(entry.Stamp, stamp, StringComparison.Ordinal);
            generation = _generation;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var current = await db.Users.Where(u => u.Id == userId).Select(u => u.SecurityStamp).FirstOrDefaultAsync(ct);
        lock (_gate)
        {
            if (_generation == generation) _entries[userId] = new Entry(current, time.GetUtcNow());
        }
        return string.Equals(current, stamp, StringComparison.Ordinal);
    }

    /// <summary>The user's stamp changed in this process: the next request reads it from the database.</summary>
    public void Forget(string userId)
    {
        lock (_gate)
        {
            _entries.Remove(userId);
            _generation++;
        }
    }

    /// <summary>
    /// Runs ahead of Identity's <see cref="SecurityStampValidator"/> on every cookie: an out-of-date stamp rejects the
    /// cookie (and deletes it); a current one goes on to Identity's validator, which still refreshes roles once a minute.
    /// </summary>
    internal static void ValidateEveryRequest(CookieAuthenticationOptions options)
    {
        var next = options.Events.OnValidatePrincipal;
        options.Events.OnValidatePrincipal = async context =>
        {
            var services = context.HttpContext.RequestServices;
            var claims = services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity;
            var principal = context.Principal;
            var userId = principal?.FindFirstValue(claims.UserIdClaimType);
            var stamp = principal?.FindFirstValue(claims.SecurityStampClaimType);
            if (userId is null || stamp is null
                || !await services.GetRequiredService<SessionStamps>().IsCurrentAsync(userId, stamp, context.HttpContext.RequestAborted))
            {
                SignedOutReason.Set(context.HttpContext, "You were signed out: your sessions were ended. Sign in again.");
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
                return;
            }
            await next(context);
        };
    }

    private sealed record Entry(string? Stamp, DateTimeOffset LoadedAt);
}
