using AnnotateHub.Web.Features.Agreement;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Api;
using AnnotateHub.Web.Features.Claims;
using AnnotateHub.Web.Features.Corpus;
using AnnotateHub.Web.Features.Curation;
using AnnotateHub.Web.Features.Export;
using AnnotateHub.Web.Features.Import;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Operations;
using AnnotateHub.Web.Features.Projects;
using AnnotateHub.Web.Features.ScaleOut;
using AnnotateHub.Web.Features.Suggestions;
using AnnotateHub.Web.Features.Tokens;
using AnnotateHub.Web.Features.Users;
using AnnotateHub.Web.Realtime;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.SignalR;

namespace AnnotateHub.Web.Features;

/// <summary>
/// The features put together: each feature folder has one <c>AddXxx</c> for its services and one <c>MapXxxEndpoints</c>
/// for its part of the REST API (decision 0057); this class only calls them, in order.
/// </summary>
public static class FeatureServiceExtensions
{
    /// <summary>Every feature, the annotation hub and the API's conventions, for the web app.</summary>
    public static IHostApplicationBuilder AddAnnotateHubFeatures(this IHostApplicationBuilder builder)
    {
        builder.Services.AddAnnotationServices();
        // Run by the database initializer after the migrations, in this order: the demo project is the first admin's.
        builder.Services.AddFirstAdminSeeding(builder.Configuration);
        builder.Services.AddDemoCorpusSeeding(builder.Configuration);
        builder.Services.AddApiConventions();
        builder.Services.AddSingleton<IHubFanOut, HubFanOut>();
        builder.Services.AddHostedService<HubRelay>();
        builder.Services.AddSingleton<Curation.CurationHubRelay>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Curation.CurationHubRelay>());
        builder.Services.AddSingleton<HubAccessGuard>();
        builder.Services.AddSingleton<StandingHubFilter>();
        builder.Services.AddScoped<CircuitHandler>(sp => sp.GetRequiredService<CircuitConnection>());
        builder.Services.AddSignalR().AddHubOptions<AnnotationHub>(o =>
        {
            o.MaximumReceiveMessageSize = AnnotationHub.MaxMessageBytes;
            // A program that sends changes without waiting for each answer (a pre-annotator, the load tool) would
            // otherwise wait for each commit in turn; in parallel they join the document writer's next group.
            o.MaximumParallelInvocationsPerClient = AnnotationHub.MaxParallelInvocations;
            o.EnableDetailedErrors = false;
            o.AddFilter<StandingHubFilter>();
            o.AddFilter<HubCallLimitFilter>();
        });
        builder.Services.AddSignalR().AddHubOptions<Curation.CurationHub>(o =>
        {
            o.MaximumReceiveMessageSize = AnnotationHub.MaxMessageBytes;
            o.EnableDetailedErrors = false;
            o.AddFilter<Curation.CurationHubCallLimitFilter>();
        });
        // After every AddSignalR: calls whose arguments cannot be bound answer with the reason (decision 0051).
        ArgumentReportingJsonProtocol.Register(builder.Services);
        builder.Services.Configure<HubRateLimitOptions>(builder.Configuration.GetSection(HubRateLimitOptions.Section));
        builder.Services.AddSingleton<HubCallLimiter>();
        builder.Services.AddSingleton<HubCallLimitFilter>();
        builder.Services.AddApiTokens();
        builder.Services.AddOperations();
        builder.AddScaleOut();
        return builder;
    }

    /// <summary>The feature services without the web host's sign-in, hub and API (also used by the command line, the
    /// component tests and the benchmark). Hosted services registered here run only where a host is started.</summary>
    public static IServiceCollection AddAnnotationServices(this IServiceCollection services)
    {
        services.AddSingleton<EventBus>();
        services.AddSingleton<AnnotateHub.Web.Data.AccessChangeLog>();
        services.AddSingleton<PresenceTracker>();
        services.AddSingleton<AnnotateHub.Web.Data.InteractiveWrites>();
        services.AddScoped<CircuitConnection>();
        // Every open view of a document shares its text, offsets and paragraphs.
        services.AddSingleton<Documents.DocumentTexts>();
        services.AddAnnotations();
        services.AddLabels();
        services.AddCorpus();
        services.AddUsers();
        services.AddExport();
        // Import before Projects: its cleaner starts before the access watcher, as it always has.
        services.AddImport();
        services.AddProjects();
        services.AddSuggestions();
        services.AddAgreement();
        services.AddClaimsBoard();
        services.AddCuration();
        return services;
    }

    /// <summary>The hub, then the REST API under /api (docs/api.md): the sign-in cookie or an API token; the
    /// every endpoint asks ProjectAccess; then /health.</summary>
    public static IEndpointRouteBuilder MapAnnotateHubFeatures(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHub<AnnotationHub>(AnnotationHub.Path);
        endpoints.MapHub<Curation.CurationHub>(Curation.CurationHub.Path);
        endpoints.MapApiGroup()
            .MapApiTokenEndpoints()
            .MapProjectEndpoints()
            .MapAnnotationEndpoints()
            .MapLabelEndpoints()
            .MapSuggestionEndpoints()
            .MapExportEndpoints()
            .MapImportEndpoints()
            .MapAgreementEndpoints()
            .MapClaimsEndpoints()
            .MapOperationsEndpoints()
            .MapApiNotFound();
        endpoints.MapAnnotateHubHealth();
        return endpoints;
    }
}
