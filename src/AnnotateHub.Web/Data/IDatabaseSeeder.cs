namespace AnnotateHub.Web.Data;

/// <summary>
/// What a feature puts into the database on start-up (the first admin, the demo corpus). <see cref="DatabaseInitializer"/>
/// runs every registered seeder after the migrations, in registration order, in one scope (so a seeder may take scoped
/// services such as Identity's managers). Each survives being killed half-way: the next start finds its work undone or
/// done, never half done (decision 0053).
/// </summary>
public interface IDatabaseSeeder
{
    Task SeedAsync(CancellationToken ct);
}
