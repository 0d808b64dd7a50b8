namespace AnnotateHub.Web.Features.Import;

public static class ImportFeature
{
    /// <summary>The importer, and the cleaner that removes what a crashed import staged (decision 0030).</summary>
    public static IServiceCollection AddImport(this IServiceCollection services)
    {
        services.AddSingleton<ImportService>();
        // After the database initializer (registered before the features); runs only where the host starts (the web app).
        services.AddHostedService<ImportBatchCleaner>();
        return services;
    }
}
