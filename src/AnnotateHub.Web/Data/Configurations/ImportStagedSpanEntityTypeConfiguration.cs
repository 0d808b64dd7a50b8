using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AnnotateHub.Web.Data.Configurations;

internal sealed class ImportStagedSpanEntityTypeConfiguration : IEntityTypeConfiguration<ImportStagedSpan>
{
    public void Configure(EntityTypeBuilder<ImportStagedSpan> b)
    {
        b.HasOne<ImportBatch>().WithMany().HasForeignKey(s => s.BatchId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Document>().WithMany().HasForeignKey(s => s.DocumentId).OnDelete(DeleteBehavior.Cascade);
        b.Property(s => s.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(s => s.Who).HasMaxLength(450);
        b.Property(s => s.Note).HasMaxLength(4000);
        // As GoldAnnotations holds them, so the final commit copies them as they are.
        b.Property(s => s.Origin).HasConversion<string>().HasMaxLength(20);
        b.Property(s => s.Rule).HasMaxLength(100);
        b.Property(s => s.Sources).HasMaxLength(4000);
        b.HasIndex(s => new { s.BatchId, s.Kind, s.DocumentId });
    }
}
