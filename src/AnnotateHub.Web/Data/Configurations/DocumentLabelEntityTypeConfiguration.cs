using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AnnotateHub.Web.Data.Configurations;

internal sealed class DocumentLabelEntityTypeConfiguration : IEntityTypeConfiguration<DocumentLabel>
{
    public void Configure(EntityTypeBuilder<DocumentLabel> b)
    {
        b.HasKey(l => new { l.DocumentId, l.AnnotatorId });
        b.HasOne<Document>().WithMany().HasForeignKey(l => l.DocumentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<AppUser>().WithMany().HasForeignKey(l => l.AnnotatorId).OnDelete(DeleteBehavior.Restrict);
        b.Property(l => l.Values).HasMaxLength(16000);
        b.Property(l => l.Version).IsConcurrencyToken();
    }
}
