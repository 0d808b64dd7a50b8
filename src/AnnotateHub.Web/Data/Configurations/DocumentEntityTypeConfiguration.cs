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
    }
}
