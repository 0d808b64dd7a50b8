namespace AnnotateHub.Web.Features.Corpus;

public static class CorpusFeature
{
    /// <summary>Projects' documents: reading and paging them, and importing plain-text files.</summary>
    public static IServiceCollection AddCorpus(this IServiceCollection services) =>
        services.AddSingleton<CorpusService>().AddSingleton<TextDocumentImporter>();
}
