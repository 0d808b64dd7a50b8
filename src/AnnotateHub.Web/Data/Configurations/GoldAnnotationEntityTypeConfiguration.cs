using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AnnotateHub.Web.Data.Configurations;

internal sealed class GoldAnnotationEntityTypeConfiguration : IEntityTypeConfiguration<GoldAnnotation>
{
    public void Configure(EntityTypeBuilder<GoldAnnotation> b)
    {
        b.HasOne<Document>().WithMany().HasForeignKey(g => g.DocumentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(g => g.Label).WithMany().HasForeignKey(g => g.LabelId).OnDelete(DeleteBehavior.Restrict);
        // No foreign key to the curator: SQLite adds one only by rebuilding the table, outside the migration's
        // transaction (EF warning 20410). A removed curator's gold keeps their id, shown as unknown.
        b.Property(g => g.CuratorId).HasMaxLength(450);
        // Defaults in the database too: the import's bulk insert names only the columns it has.
        b.Property(g => g.Origin).HasConversion<string>().HasMaxLength(20).HasDefaultValue(GoldOrigin.Imported);
        b.Property(g => g.Version).HasDefaultValue(1).IsConcurrencyToken();
        b.Property(g => g.Rule).HasMaxLength(100);
        b.Property(g => g.Sources).HasMaxLength(4000);
        b.Property(g => g.Note).HasMaxLength(4000);
        b.Property(g => g.Attributes).HasMaxLength(16000);
        b.HasIndex(g => new { g.DocumentId, g.Start });
    }
}
