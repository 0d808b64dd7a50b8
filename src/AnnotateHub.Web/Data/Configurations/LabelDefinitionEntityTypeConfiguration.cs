using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AnnotateHub.Web.Data.Configurations;

internal sealed class LabelDefinitionEntityTypeConfiguration : IEntityTypeConfiguration<LabelDefinition>
{
    public void Configure(EntityTypeBuilder<LabelDefinition> b)
    {
        b.Property(l => l.Name).HasMaxLength(64);
        b.Property(l => l.Color).HasMaxLength(7);
        b.Property(l => l.Hotkey).HasMaxLength(1);
        b.Property(l => l.Description).HasMaxLength(1000);
        b.HasIndex(l => new { l.ProjectId, l.Name }).IsUnique();
    }
}
