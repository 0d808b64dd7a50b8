using AnnotateHub.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AnnotateHub.Web.Features.Tokens;

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

internal sealed class ApiTokenEntityTypeConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> b)
    {
        b.HasOne<AppUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(t => t.Name).HasMaxLength(ApiToken.MaxNameLength);
        b.Property(t => t.Prefix).HasMaxLength(ApiToken.PrefixLength);
        b.Property(t => t.Hash).HasMaxLength(64);
        b.HasIndex(t => t.Hash).IsUnique();
        b.HasIndex(t => t.UserId);
    }
}
