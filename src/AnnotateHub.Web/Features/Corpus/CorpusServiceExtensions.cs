using AnnotateHub.Web.Data;

namespace AnnotateHub.Web.Features.Corpus;

public static class CorpusServiceExtensions
{
    /// <summary>The demo corpus from the seed folder, imported after the migrations by <see cref="DatabaseInitializer"/>
    /// (decision 0053). Register after the first admin's seeder: the demo project is that admin's.</summary>
    public static IServiceCollection AddDemoCorpusSeeding(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<DemoCorpusOptions>(configuration.GetSection(DemoCorpusOptions.Section));
        services.AddScoped<IDatabaseSeeder, DemoCorpusSeeder>();
        return services;
    }
}
