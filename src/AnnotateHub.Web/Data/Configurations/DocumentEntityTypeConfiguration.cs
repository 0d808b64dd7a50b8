using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AnnotateHub.Web.Data.Configurations;

internal sealed class DocumentEntityTypeConfiguration : IEntityTypeConfiguration<Document>
{
    public void Configure(EntityTypeBuilder<Document> b)
    {
        b.Property(d => d.Title).HasMaxLength(500);
        b.Property(d => d.Outlet).HasMaxLength(200);
        b.Property(d => d.Url).HasMaxLength(2000);
        b.Property(d => d.SourceName).HasMaxLength(500);
        b.Property(d => d.ContentHash).HasMaxLength(64);
        b.Property(d => d.ExternalId).HasMaxLength(200);
        b.HasIndex(d => new { d.ProjectId, d.ContentHash }).IsUnique();
        b.Property(d => d.TitleKey).HasMaxLength(AnnotateHub.Core.Text.NaturalSortKey.MaxLength);
        // The project page sorts by title through this (decision 0087); the filtered one finds rows still without a key.
        b.HasIndex(d => new { d.ProjectId, d.TitleKey, d.Id });
        b.HasIndex(d => d.TitleKey, "IX_Documents_TitleKey_Missing").HasFilter("\"TitleKey\" IS NULL");
    }
}
