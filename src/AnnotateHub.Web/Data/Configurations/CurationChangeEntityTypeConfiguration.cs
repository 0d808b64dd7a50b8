using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AnnotateHub.Web.Data.Configurations;

internal sealed class CurationChangeEntityTypeConfiguration : IEntityTypeConfiguration<CurationChange>
{
    public void Configure(EntityTypeBuilder<CurationChange> b)
    {
        b.HasOne<Document>().WithMany().HasForeignKey(c => c.DocumentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<AppUser>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Restrict);
        b.Property(c => c.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.ActionId).HasMaxLength(32);
        b.HasIndex(c => new { c.DocumentId, c.Id });
        b.HasIndex(c => c.ActionId);
        // A user's undo reads their latest changes first.
        b.HasIndex(c => new { c.UserId, c.Id });
        b.HasIndex(c => new { c.DocumentId, c.TargetId });
    }
}
