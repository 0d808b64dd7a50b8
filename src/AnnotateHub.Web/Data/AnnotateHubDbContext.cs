using AnnotateHub.Web.Features.Projects;
using AnnotateHub.Web.Features.Tokens;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AnnotateHub.Web.Data;

public sealed class AnnotateHubDbContext(DbContextOptions<AnnotateHubDbContext> options) : IdentityDbContext<AppUser>(options)
{
    public DbSet<Project> Projects => Set<Project>();
    public DbSet<Document> Documents => Set<Document>();
    public DbSet<LabelDefinition> Labels => Set<LabelDefinition>();
    public DbSet<Annotation> Annotations => Set<Annotation>();
    public DbSet<DocumentChange> DocumentChanges => Set<DocumentChange>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<ProjectMember> ProjectMembers => Set<ProjectMember>();
    public DbSet<Assignment> Assignments => Set<Assignment>();
    public DbSet<GoldAnnotation> GoldAnnotations => Set<GoldAnnotation>();
    public DbSet<Suggestion> Suggestions => Set<Suggestion>();
    public DbSet<SuggestionDecision> SuggestionDecisions => Set<SuggestionDecision>();
    public DbSet<Features.Import.ImportBatch> ImportBatches => Set<Features.Import.ImportBatch>();
    public DbSet<Features.Import.ImportStagedSpan> ImportStagedSpans => Set<Features.Import.ImportStagedSpan>();
    public DbSet<AccessChange> AccessChanges => Set<AccessChange>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AnnotateHubDbContext).Assembly);
    }
}

internal sealed class ProjectEntityTypeConfiguration : IEntityTypeConfiguration<Project>
{
    public void Configure(EntityTypeBuilder<Project> b)
    {
        b.Property(p => p.Name).HasMaxLength(200);
        b.HasIndex(p => p.Name).IsUnique();
        b.Property(p => p.Mode).HasConversion<string>().HasMaxLength(16);
        b.Property(p => p.Description).HasMaxLength(2000);
        // A project an import is still filling is not there for anyone (pages, hub, REST, export, agreement) until it
        // commits; the importer and its clean-up read it with IgnoreQueryFilters (decision 0030).
        b.HasQueryFilter(p => !p.ImportPending);
        b.HasOne<AppUser>().WithMany().HasForeignKey(p => p.OwnerId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(p => p.Documents).WithOne(d => d.Project).HasForeignKey(d => d.ProjectId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(p => p.Labels).WithOne().HasForeignKey(l => l.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }
}

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

internal sealed class AnnotationEntityTypeConfiguration : IEntityTypeConfiguration<Annotation>
{
    public void Configure(EntityTypeBuilder<Annotation> b)
    {
        b.HasOne<Document>().WithMany().HasForeignKey(a => a.DocumentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(a => a.Annotator).WithMany().HasForeignKey(a => a.AnnotatorId).OnDelete(DeleteBehavior.Restrict);
        // A label in use cannot be deleted: the service says how many spans use it, the database backs it up.
        b.HasOne(a => a.Label).WithMany().HasForeignKey(a => a.LabelId).OnDelete(DeleteBehavior.Restrict);
        b.Property(a => a.Note).HasMaxLength(4000);
        b.Property(a => a.Version).IsConcurrencyToken();
        b.HasIndex(a => new { a.DocumentId, a.Start });
    }
}

internal sealed class DocumentChangeEntityTypeConfiguration : IEntityTypeConfiguration<DocumentChange>
{
    public void Configure(EntityTypeBuilder<DocumentChange> b)
    {
        b.HasOne<Document>().WithMany().HasForeignKey(c => c.DocumentId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => new { c.DocumentId, c.Sequence }).IsUnique();
        b.Property(c => c.Kind).HasConversion<string>().HasMaxLength(32);
    }
}

internal sealed class GoldAnnotationEntityTypeConfiguration : IEntityTypeConfiguration<GoldAnnotation>
{
    public void Configure(EntityTypeBuilder<GoldAnnotation> b)
    {
        b.HasOne<Document>().WithMany().HasForeignKey(g => g.DocumentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(g => g.Label).WithMany().HasForeignKey(g => g.LabelId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(g => new { g.DocumentId, g.Start });
    }
}

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
