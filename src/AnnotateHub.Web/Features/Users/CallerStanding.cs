using System.Collections.Concurrent;
using System.Security.Claims;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Tokens;
using AnnotateHub.Web.Realtime;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AnnotateHub.Web.Features.Users;

/// <summary>
/// Whether a signed-in caller may still go on at all, asked on every hub call, every cookie request and every save of a
/// page: the account still exists, is not locked by an admin, its sessions were not ended (the cookie's security stamp
/// is the account's), and a token caller's token is still live. Project rights are <see cref="Projects.ProjectAccess"/>'s.
/// </summary>
/// <remarks>
/// What it read is kept per user and per token until a <see cref="UserAccessChangedEvent"/> for that user drops it:
/// published at once by a change in this process, and by <see cref="Projects.AccessChangeWatcher"/> within a poll for a
/// change another process made (the command line, another instance). <see cref="MaxAge"/> only bounds what a missed
/// signal could cost. Failed sign-ins (a temporary lockout) stop tokens, as they always did, but not the sessions of
/// the account: otherwise anyone could end a user's sessions by mistyping their password five times.
/// </remarks>
public sealed class CallerStanding
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    private sealed record UserFacts(bool Exists, DateTimeOffset? LockoutEnd, bool LockoutEnabled, string? SecurityStamp, DateTimeOffset ReadAt);

    private sealed record TokenFacts(string? UserId, DateTime? RevokedAt, DateTime? ExpiresAt, DateTimeOffset ReadAt);

    private readonly IDbContextFactory<AnnotateHubDbContext> _dbFactory;
    private readonly TimeProvider _clock;
    private readonly string _stampClaim;
    private readonly ConcurrentDictionary<string, UserFacts> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, TokenFacts> _tokens = new();
    // Bumped by a change: a read that started before it must not store what it read.
    private readonly ConcurrentDictionary<string, int> _generations = new(StringComparer.Ordinal);

    public CallerStanding(IDbContextFactory<AnnotateHubDbContext> dbFactory, TimeProvider clock, IOptions<IdentityOptions> identity, EventBus bus)
    {
        _dbFactory = dbFactory;
        _clock = clock;
        _stampClaim = identity.Value.ClaimsIdentity.SecurityStampClaimType;
        // For the life of the app (a singleton): synchronous, so it has run before any listener re-checks.
        bus.SubscribeAll<UserAccessChangedEvent>(changes =>
        {
            foreach (var changed in changes) Invalidate(changed.UserId);
            return Task.CompletedTask;
        });
    }

    /// <summary>Null when the caller may go on; otherwise why not, in words for the caller. <paramref name="fresh"/>
    /// reads the database whatever is cached.</summary>
    public async Task<string?> RefusalAsync(ClaimsPrincipal caller, bool fresh = false, CancellationToken ct = default)
    {
        if (caller.FindFirstValue(ClaimTypes.NameIdentifier) is not { } userId) return "You are not signed in.";
        var now = _clock.GetUtcNow();
        if (caller.FindFirstValue(ApiTokenDefaults.TokenIdClaim) is { } rawToken)
        {
            if (!int.TryParse(rawToken, System.Globalization.CultureInfo.InvariantCulture, out var tokenId)) return "The API token is not valid.";
            var token = await TokenAsync(tokenId, userId, fresh, ct);
            if (token.UserId != userId) return "The API token no longer exists.";
            if (token.RevokedAt is not null) return "The API token was revoked.";
            if (token.ExpiresAt <= now.UtcDateTime) return "The API token has expired.";
        }
        var user = await UserAsync(userId, fresh, ct);
        if (!user.Exists) return "Your account was removed.";
        var locked = user.LockoutEnabled && user.LockoutEnd > now;
        // An admin's lock is indefinite (UserAdminService.LockAsync); a lock by failed sign-ins ends by itself.
        if (locked && user.LockoutEnd == DateTimeOffset.MaxValue) return "Your account was locked by an administrator.";
        if (locked && caller.HasClaim(c => c.Type == ApiTokenDefaults.TokenIdClaim)) return "The API token's user is locked out.";
        if (caller.FindFirstValue(_stampClaim) is { } stamp && stamp != user.SecurityStamp) return "Your sessions were ended; sign in again.";
        return null;
    }

    /// <summary>Forget what is known of a user and their tokens (after a change of their account or tokens).</summary>
    public void Invalidate(string userId)
    {
        _generations.AddOrUpdate(userId, 1, (_, g) => g + 1);
        _users.TryRemove(userId, out _);
        foreach (var (id, token) in _tokens)
        {
            if (token.UserId == userId) _tokens.TryRemove(id, out _);
        }
    }

    private async Task<UserFacts> UserAsync(string userId, bool fresh, CancellationToken ct)
    {
        if (!fresh && _users.TryGetValue(userId, out var known) && Fresh(known.ReadAt)) return known;
        var generation = _generations.GetValueOrDefault(userId);
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var row = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.LockoutEnd, u.LockoutEnabled, u.SecurityStamp }).FirstOrDefaultAsync(ct);
        var facts = new UserFacts(row is not null, row?.LockoutEnd, row?.LockoutEnabled ?? false, row?.SecurityStamp, _clock.GetUtcNow());
        if (_generations.GetValueOrDefault(userId) == generation) _users[userId] = facts;
        return facts;
    }

    private async Task<TokenFacts> TokenAsync(int tokenId, string userId, bool fresh, CancellationToken ct)
    {
        if (!fresh && _tokens.TryGetValue(tokenId, out var known) && Fresh(known.ReadAt)) return known;
        // The generation of the user the caller claims to be: a revoke of one of their tokens bumps it.
        var generation = _generations.GetValueOrDefault(userId);
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var row = await db.ApiTokens.AsNoTracking().Where(t => t.Id == tokenId)
            .Select(t => new { t.UserId, t.RevokedAt, t.ExpiresAt }).FirstOrDefaultAsync(ct);
        var facts = new TokenFacts(row?.UserId, row?.RevokedAt, row?.ExpiresAt, _clock.GetUtcNow());
        if (row is not null && _generations.GetValueOrDefault(userId) == generation) _tokens[tokenId] = facts;
        return facts;
    }

    private bool Fresh(DateTimeOffset readAt) => _clock.GetUtcNow() - readAt < MaxAge;
}
