namespace AnnotateHub.Web.Features.Curation;

public static class CurationFeature
{
    /// <summary>Curation: the gold layer, its decisions, merges, history and the annotators' feedback.</summary>
    public static IServiceCollection AddCuration(this IServiceCollection services) => services.AddSingleton<CurationService>();
}
