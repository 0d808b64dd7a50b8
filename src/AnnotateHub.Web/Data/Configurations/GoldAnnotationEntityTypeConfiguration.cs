using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AnnotateHub.Web.Data.Configurations;

internal sealed class GoldAnnotationEntityTypeConfiguration : IEntityTypeConfiguration<GoldAnnotation>
{
    public void Configure(EntityTypeBuilder<GoldAnnotation> b)
    {
        b.HasOne<Document>().WithMany().HasForeignKey(g => g.DocumentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(g => g.Label).WithMany().HasForeignKey(g => g.LabelId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(g => new { g.DocumentId, g.Start });
    }
}
