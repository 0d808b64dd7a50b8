using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AnnotateHub.Web.Data.Configurations;

internal sealed class SuggestionDecisionEntityTypeConfiguration : IEntityTypeConfiguration<SuggestionDecision>
{
    public void Configure(EntityTypeBuilder<SuggestionDecision> b)
    {
        b.HasKey(d => new { d.SuggestionId, d.UserId });
        b.HasOne<Suggestion>().WithMany().HasForeignKey(d => d.SuggestionId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<AppUser>().WithMany().HasForeignKey(d => d.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(d => d.Verdict).HasConversion<string>().HasMaxLength(16);
        b.HasIndex(d => d.UserId);
    }
}
