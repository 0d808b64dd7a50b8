using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AnnotateHub.Web.Data.Configurations;

internal sealed class AnnotationEntityTypeConfiguration : IEntityTypeConfiguration<Annotation>
{
    public void Configure(EntityTypeBuilder<Annotation> b)
    {
        b.HasOne<Document>().WithMany().HasForeignKey(a => a.DocumentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(a => a.Annotator).WithMany().HasForeignKey(a => a.AnnotatorId).OnDelete(DeleteBehavior.Restrict);
        // A label in use cannot be deleted: the service says how many spans use it, the database backs it up.
        b.HasOne(a => a.Label).WithMany().HasForeignKey(a => a.LabelId).OnDelete(DeleteBehavior.Restrict);
        b.Property(a => a.Note).HasMaxLength(4000);
        b.Property(a => a.Attributes).HasMaxLength(16000);
        b.Property(a => a.Version).IsConcurrencyToken();
        b.HasIndex(a => new { a.DocumentId, a.Start });
    }
}
