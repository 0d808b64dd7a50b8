namespace AnnotateHub.Web.Features.Suggestions;

public static class SuggestionsFeature
{
    /// <summary>Pre-annotations waiting for an annotator: list, accept, reject.</summary>
    public static IServiceCollection AddSuggestions(this IServiceCollection services) => services.AddSingleton<SuggestionService>();
}
