namespace AnnotateHub.Web.Data;

/// <summary>A personal API token. Only its SHA-256 hash is stored; the plaintext is shown once, at creation.</summary>
public sealed class ApiToken
{
    public const int MaxNameLength = 100;
    public const int PrefixLength = 8;

    public int Id { get; set; }
    public required string UserId { get; set; }
    public required string Name { get; set; }
    /// <summary>The first <see cref="PrefixLength"/> characters of the token, so a user can tell tokens apart in lists.</summary>
    public required string Prefix { get; set; }
    /// <summary>SHA-256 of the whole token, lower-case hex.</summary>
    public required string Hash { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    public DateTime? ExpiresAt { get; set; }
}
