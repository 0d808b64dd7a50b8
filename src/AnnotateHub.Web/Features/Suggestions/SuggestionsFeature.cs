namespace AnnotateHub.Web.Features.Suggestions;

public static class SuggestionsFeature
{
    /// <summary>Pre-annotations waiting for an annotator: list, accept, reject; recognizers that make them.</summary>
    public static IServiceCollection AddSuggestions(this IServiceCollection services) =>
        services.AddSingleton<SuggestionService>().AddSingleton<RecognizerService>();
}
