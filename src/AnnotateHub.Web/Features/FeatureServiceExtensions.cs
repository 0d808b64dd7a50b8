using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Corpus;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Realtime;

namespace AnnotateHub.Web.Features;

public static class FeatureServiceExtensions
{
    public static IHostApplicationBuilder AddAnnotateHubFeatures(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DocumentChangeNotifier>();
        builder.Services.AddSingleton<DocumentLocks>();
        builder.Services.AddSingleton<AnnotationService>();
        builder.Services.AddSingleton<LabelService>();
        builder.Services.AddSingleton<CorpusService>();
        builder.Services.AddSingleton<TextDocumentImporter>();
        return builder;
    }
}
