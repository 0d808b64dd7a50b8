using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AnnotateHub.Web.Data.Configurations;

internal sealed class AccessChangeEntityTypeConfiguration : IEntityTypeConfiguration<AccessChange>
{
    public void Configure(EntityTypeBuilder<AccessChange> b)
    {
        // No foreign keys: a row about a removed user or project must outlive it, and it is pruned after a while anyway.
        b.Property(c => c.UserId).HasMaxLength(450);
        b.Property(c => c.Origin).HasMaxLength(AccessChange.OriginLength);
        b.HasIndex(c => c.At);
    }
}
