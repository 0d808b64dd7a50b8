using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AnnotateHub.Web.Data.Configurations;

internal sealed class DocumentChangeEntityTypeConfiguration : IEntityTypeConfiguration<DocumentChange>
{
    public void Configure(EntityTypeBuilder<DocumentChange> b)
    {
        b.HasOne<Document>().WithMany().HasForeignKey(c => c.DocumentId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => new { c.DocumentId, c.Sequence }).IsUnique();
        b.Property(c => c.Kind).HasConversion<string>().HasMaxLength(32);
        // A span's history reads its changes; an undo asks which of a user's changes were reverted (few rows are reverts).
        b.HasIndex(c => c.AnnotationId);
        b.HasIndex(c => new { c.DocumentId, c.RevertsSequence }).HasFilter("\"RevertsSequence\" IS NOT NULL");
    }
}
