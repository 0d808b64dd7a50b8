namespace AnnotateHub.Web.Features.Annotations;

public static class AnnotationsFeature
{
    /// <summary>The one writer of spans and the service every door (pages, hub, REST) changes them through.</summary>
    public static IServiceCollection AddAnnotations(this IServiceCollection services) =>
        services.AddSingleton<DocumentWriter>().AddSingleton<AnnotationService>();
}
