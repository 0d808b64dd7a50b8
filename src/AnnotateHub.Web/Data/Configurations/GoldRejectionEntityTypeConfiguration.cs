using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AnnotateHub.Web.Data.Configurations;

internal sealed class GoldRejectionEntityTypeConfiguration : IEntityTypeConfiguration<GoldRejection>
{
    public void Configure(EntityTypeBuilder<GoldRejection> b)
    {
        b.HasOne<Document>().WithMany().HasForeignKey(r => r.DocumentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<AppUser>().WithMany().HasForeignKey(r => r.CuratorId).OnDelete(DeleteBehavior.Restrict);
        b.Property(r => r.Note).HasMaxLength(4000);
        b.HasIndex(r => new { r.DocumentId, r.Start });
    }
}
