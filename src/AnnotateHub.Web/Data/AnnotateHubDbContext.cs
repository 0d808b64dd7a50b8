using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Data;

/// <summary>The app's one context: Identity's tables and every entity of Data, each configured by its own
/// <c>Configurations/XxxEntityTypeConfiguration</c> (as dotnet/eShop does). Every feature asks for this type; the app
/// hands out its provider's own, <see cref="SqliteDbContext"/> or <see cref="PostgresDbContext"/>, each with its own
/// migrations from this one model (decision 0066). This type has none.</summary>
public class AnnotateHubDbContext : IdentityDbContext<AppUser>, IDataProtectionKeyContext
{
    public AnnotateHubDbContext(DbContextOptions<AnnotateHubDbContext> options) : base(options)
    {
    }

    /// <summary>For a provider's own context, whose migrations are its own.</summary>
    protected AnnotateHubDbContext(DbContextOptions options) : base(options)
    {
    }

    public DbSet<Project> Projects => Set<Project>();
    public DbSet<Document> Documents => Set<Document>();
    public DbSet<LabelDefinition> Labels => Set<LabelDefinition>();
    public DbSet<Annotation> Annotations => Set<Annotation>();
    public DbSet<DocumentChange> DocumentChanges => Set<DocumentChange>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<ProjectMember> ProjectMembers => Set<ProjectMember>();
    public DbSet<Assignment> Assignments => Set<Assignment>();
    public DbSet<GoldAnnotation> GoldAnnotations => Set<GoldAnnotation>();
    public DbSet<GoldRejection> GoldRejections => Set<GoldRejection>();
    public DbSet<CurationChange> CurationChanges => Set<CurationChange>();
    public DbSet<Suggestion> Suggestions => Set<Suggestion>();
    public DbSet<DocumentLabel> DocumentLabels => Set<DocumentLabel>();
    public DbSet<SuggestionDecision> SuggestionDecisions => Set<SuggestionDecision>();
    public DbSet<ImportBatch> ImportBatches => Set<ImportBatch>();
    public DbSet<ImportStagedSpan> ImportStagedSpans => Set<ImportStagedSpan>();
    public DbSet<AccessChange> AccessChanges => Set<AccessChange>();
    /// <summary>ASP.NET Core's data protection key ring, shared by every instance on this database (sign-in cookies and
    /// antiforgery tokens made by one are read by the others).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AnnotateHubDbContext).Assembly);
    }
}
