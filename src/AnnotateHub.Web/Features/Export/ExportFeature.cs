namespace AnnotateHub.Web.Features.Export;

public static class ExportFeature
{
    /// <summary>The dataset writers' service and the files prepared on the Export tab.</summary>
    public static IServiceCollection AddExport(this IServiceCollection services) =>
        services.AddSingleton<ExportService>().AddSingleton<PreparedExports>();
}
