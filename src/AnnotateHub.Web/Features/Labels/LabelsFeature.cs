namespace AnnotateHub.Web.Features.Labels;

public static class LabelsFeature
{
    /// <summary>A project's label set: reading, resolving names and ids, editing; document-level labels.</summary>
    public static IServiceCollection AddLabels(this IServiceCollection services) =>
        services.AddSingleton<LabelService>().AddSingleton<DocumentLabelService>();
}
