using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AnnotateHub.Web.Data.Configurations;

internal sealed class ImportBatchEntityTypeConfiguration : IEntityTypeConfiguration<ImportBatch>
{
    public void Configure(EntityTypeBuilder<ImportBatch> b)
    {
        b.Property(x => x.Owner).HasMaxLength(300);
        b.Property(x => x.ActorId).HasMaxLength(450);
        // No foreign keys to the projects: the clean-up deletes the staging project itself, in bounded steps.
        b.HasIndex(x => x.StagingProjectId);
    }
}
