using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Corpus;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;
using AnnotateHub.Web.Realtime;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace AnnotateHub.Web.Features;

public static class FeatureServiceExtensions
{
    public static IHostApplicationBuilder AddAnnotateHubFeatures(this IHostApplicationBuilder builder)
    {
        builder.Services.AddAnnotationServices();
        builder.Services.AddSingleton<IRemoteFanOut, HubFanOut>();
        builder.Services.AddScoped<CircuitHandler>(sp => sp.GetRequiredService<CircuitConnection>());
        builder.Services.AddSignalR().AddHubOptions<AnnotationHub>(o =>
        {
            o.MaximumReceiveMessageSize = AnnotationHub.MaxMessageBytes;
            // A program that sends changes without waiting for each answer (a pre-annotator, the load tool) would
            // otherwise wait for each commit in turn; in parallel they join the document writer's next group.
            o.MaximumParallelInvocationsPerClient = AnnotationHub.MaxParallelInvocations;
            o.EnableDetailedErrors = false;
        });
        return builder;
    }

    /// <summary>The feature services without the web host (also used by the component tests and the benchmark).</summary>
    public static IServiceCollection AddAnnotationServices(this IServiceCollection services)
    {
        services.AddSingleton<DocumentChangeNotifier>();
        services.AddSingleton<PresenceTracker>();
        services.AddSingleton<DocumentWriter>();
        services.AddSingleton<AnnotationService>();
        services.AddSingleton<LabelService>();
        services.AddSingleton<CorpusService>();
        services.AddSingleton<ProjectAccess>();
        services.AddSingleton<TeamService>();
        services.AddSingleton<TextDocumentImporter>();
        services.AddScoped<CircuitConnection>();
        return services;
    }
}
