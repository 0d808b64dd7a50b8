using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AnnotateHub.Web.Data.Configurations;

internal sealed class SuggestionEntityTypeConfiguration : IEntityTypeConfiguration<Suggestion>
{
    public void Configure(EntityTypeBuilder<Suggestion> b)
    {
        b.HasOne<Document>().WithMany().HasForeignKey(s => s.DocumentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(s => s.Label).WithMany().HasForeignKey(s => s.LabelId).OnDelete(DeleteBehavior.Restrict);
        b.Property(s => s.Source).HasMaxLength(256);
        b.HasIndex(s => new { s.DocumentId, s.Start });
    }
}
