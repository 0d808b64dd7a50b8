using AnnotateHub.Web.Features.Users;
using System.Security.Cryptography;
using System.Text;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Realtime;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Tokens;

public enum ApiTokenStatus
{
    Active,
    Revoked,
    Expired,
}

/// <summary>What a user sees of a token after creation: never the plaintext, never the hash.</summary>
public sealed record ApiTokenView(int Id, string Name, string Prefix, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt, DateTime? ExpiresAt, ApiTokenStatus Status);

/// <summary>A token that may be used now: its id and its owner.</summary>
public sealed record LiveToken(int Id, string UserId);

/// <summary>The one moment the plaintext exists outside the caller's script: right after creation.</summary>
public sealed record CreatedApiToken(ApiTokenView Token, string Plaintext);

/// <summary>Creates, lists, revokes and validates personal API tokens (<c>ah_</c> + 32 random bytes, base64url).</summary>
/// <remarks>A revoke writes an <see cref="AccessChange"/> row in its transaction and tells this process's listeners, so the
/// token's open hub connections end at once here and within a poll elsewhere (docs/decisions/0042).</remarks>
public sealed class ApiTokenService(IDbContextFactory<AnnotateHubDbContext> dbFactory, TimeProvider time,
    AccessChangeLog accessLog, EventBus bus)
{
    public const string TokenPrefix = "ah_";
    private const int RandomBytes = 32;
    // 32 bytes in unpadded base64url are 43 characters.
    public const int TokenLength = 46;
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>Null when the name is acceptable, otherwise what is wrong with it.</summary>
    public static string? NameError(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0) return "Give the token a name, e.g. the script that will use it.";
        if (trimmed.Length > ApiToken.MaxNameLength) return $"The name can have at most {ApiToken.MaxNameLength} characters.";
        return null;
    }

    /// <summary>Creates a token for <paramref name="userId"/>; the returned plaintext is not stored and cannot be shown again.</summary>
    public async Task<CreatedApiToken> CreateAsync(string userId, string name, DateTime? expiresAt = null, CancellationToken ct = default)
    {
        if (NameError(name) is { } error) throw new ArgumentException(error, nameof(name));
        var now = Now();
        if (expiresAt is { } e && e <= now) throw new ArgumentException("The expiry must be in the future.", nameof(expiresAt));

        var plaintext = TokenPrefix + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(RandomBytes));
        var token = new ApiToken
        {
            UserId = userId,
            Name = name.Trim(),
            Prefix = plaintext[..ApiToken.PrefixLength],
            Hash = HashOf(plaintext),
            CreatedAt = now,
            ExpiresAt = expiresAt,
        };
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(ct);
        return new CreatedApiToken(ToView(token, now), plaintext);
    }

    /// <summary>The user's tokens, newest first, revoked and expired ones included.</summary>
    public async Task<IReadOnlyList<ApiTokenView>> ListAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tokens = await db.ApiTokens.AsNoTracking().Where(t => t.UserId == userId)
            .OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id)
            .ToListAsync(ct);
        var now = Now();
        return tokens.Select(t => ToView(t, now)).ToList();
    }

    /// <summary>Revokes one of the user's own tokens; false when it is not theirs, does not exist or was already revoked.</summary>
    public async Task<bool> RevokeAsync(string userId, int tokenId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = Now();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var changed = await db.ApiTokens
            .Where(t => t.Id == tokenId && t.UserId == userId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct);
        if (changed != 1) return false;
        accessLog.UserChanged(db, userId);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        bus.Publish(new UserAccessChangedEvent(userId));
        return true;
    }

    /// <summary>
    /// The id of the token's owner, or null for anything that is not a live token (malformed, unknown, revoked, expired).
    /// Records the use, at most once a minute per token so that busy scripts do not write on every request.
    /// </summary>
    public async Task<string?> ValidateAsync(string? presented, CancellationToken ct = default) =>
        (await ValidateTokenAsync(presented, ct))?.UserId;

    /// <summary>As <see cref="ValidateAsync"/>, with the token's id (for the checks of a connection that outlives the request).</summary>
    public async Task<LiveToken?> ValidateTokenAsync(string? presented, CancellationToken ct = default)
    {
        if (!LooksLikeToken(presented)) return null;
        // The lookup is by hash, so response times say nothing about how much of a guess was right.
        var hash = HashOf(presented);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.ApiTokens.AsNoTracking().Where(t => t.Hash == hash)
            .Select(t => new { t.Id, t.UserId, t.Hash, t.RevokedAt, t.ExpiresAt, t.LastUsedAt })
            .SingleOrDefaultAsync(ct);
        if (token is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(token.Hash), Encoding.ASCII.GetBytes(hash)))
            return null;
        var now = Now();
        if (token.RevokedAt is not null || token.ExpiresAt <= now) return null;

        if (token.LastUsedAt is null || now - token.LastUsedAt >= LastUsedResolution)
        {
            var threshold = now - LastUsedResolution;
            // Conditional, so concurrent requests of one script write once, not once each.
            await db.ApiTokens.Where(t => t.Id == token.Id && (t.LastUsedAt == null || t.LastUsedAt <= threshold))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), ct);
        }
        return new LiveToken(token.Id, token.UserId);
    }

    /// <summary>SHA-256 of the token, lower-case hex. The token is 256 random bits, so a fast hash is enough.</summary>
    internal static string HashOf(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    internal static bool LooksLikeToken([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? value) =>
        value is { Length: TokenLength } && value.StartsWith(TokenPrefix, StringComparison.Ordinal)
        && value.AsSpan(TokenPrefix.Length).IndexOfAnyExcept(Base64UrlAlphabet) < 0;

    private static readonly System.Buffers.SearchValues<char> Base64UrlAlphabet =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private DateTime Now() => time.GetUtcNow().UtcDateTime;

    private static ApiTokenView ToView(ApiToken t, DateTime now) =>
        new(t.Id, t.Name, t.Prefix, t.CreatedAt, t.LastUsedAt, t.RevokedAt, t.ExpiresAt,
            t.RevokedAt is not null ? ApiTokenStatus.Revoked : t.ExpiresAt <= now ? ApiTokenStatus.Expired : ApiTokenStatus.Active);
}
