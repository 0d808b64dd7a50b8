using AnnotateHub.Web.Components.Shared;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Projects;
using AnnotateHub.Web.Features.Corpus;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Users;
using AnnotateHub.Web.Realtime;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.SignalR;

namespace AnnotateHub.Web.Features;

public static class FeatureServiceExtensions
{
    public static IHostApplicationBuilder AddAnnotateHubFeatures(this IHostApplicationBuilder builder)
    {
        builder.Services.AddAnnotationServices();
        // Run by the database initializer after the migrations, in this order: the demo project is the first admin's.
        builder.Services.AddFirstAdminSeeding(builder.Configuration);
        builder.Services.AddDemoCorpusSeeding(builder.Configuration);
        // After the database initializer (registered before the features): removes what a crashed import staged (decision 0030).
        builder.Services.AddHostedService<Import.ImportBatchCleaner>();
        // Malformed or oversized API requests get RFC 7807 problem details, not an empty 400: binding failures throw, and
        // UseApiBodyLimit's middleware answers them with the reason (decision 0052).
        builder.Services.AddProblemDetails();
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddSingleton<IHubFanOut, HubFanOut>();
        builder.Services.AddHostedService<HubRelay>();
        builder.Services.AddSingleton<HubAccessGuard>();
        builder.Services.AddSingleton<StandingHubFilter>();
        // Rights changes that other processes commit reach this one's caches, circuits and hub connections (decision 0042).
        builder.Services.Configure<AccessOptions>(builder.Configuration.GetSection(AccessOptions.Section));
        builder.Services.AddHostedService<AccessChangeWatcher>();
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
        // After every AddSignalR: calls whose arguments cannot be bound answer with the reason (decision 0051).
        ArgumentReportingJsonProtocol.Register(builder.Services);
        builder.Services.Configure<HubRateLimitOptions>(builder.Configuration.GetSection(HubRateLimitOptions.Section));
        builder.Services.AddSingleton<HubCallLimiter>();
        builder.Services.AddSingleton<HubCallLimitFilter>();
        return builder;
    }

    /// <summary>The REST API under /api (docs/api.md): the sign-in cookie or an API token; every endpoint asks ProjectAccess.</summary>
    public static RouteGroupBuilder MapAnnotateHubApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(Tokens.ApiTokenDefaults.ApiPath).RequireAuthorization(Tokens.ApiTokenDefaults.CookieOrToken);
        api.MapProjectEndpoints();
        api.MapAnnotationEndpoints();
        Suggestions.SuggestionEndpoints.MapSuggestionEndpoints(api);
        Export.ExportEndpoints.MapExportEndpoints(api);
        Import.ImportEndpoints.MapImportEndpoints(api);
        Agreement.AgreementEndpoints.MapAgreementEndpoints(api);
        Operations.MemoryProbeEndpoint.MapMemoryProbe(api);
        // Anything else under /api is a problem-details 404, not the app's HTML page (and not a 405 from the pages' routes).
        api.Map("/{**path}", (HttpRequest request) => ApiProblems.NotFound($"There is no API endpoint for {request.Method} {request.Path}; see docs/api.md."))
            .WithOrder(int.MaxValue);
        return api;
    }

    /// <summary>
    /// Requests to /api carry at most <see cref="AnnotationEndpoints.MaxBodyBytes"/>: a declared larger body is refused
    /// with 413 before it is read, and an undeclared (chunked) one stops being read at the limit. Runs before the
    /// endpoints bind their bodies, which an endpoint filter would be too late for.
    /// </summary>
    public static IApplicationBuilder UseApiBodyLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!context.Request.Path.StartsWithSegments(Tokens.ApiTokenDefaults.ApiPath))
        {
            try
            {
                await next(context);
            }
            catch (BadHttpRequestException e) when (!context.Response.HasStarted)
            {
                // The pages' minimal endpoints (sign-out) bind too; they answer the bare status, as they did before.
                context.Response.StatusCode = e.StatusCode;
            }
            return;
        }
        try
        {
            await LimitBodyAsync(context, next);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            await BindingProblem(e).ExecuteAsync(context);
        }
    });

    /// <summary>A request the endpoint could not bind, as problem details with why: a route value that is not a number,
    /// a body that is not JSON or not of the expected shape (400), a body past the limit (413).</summary>
    private static IResult BindingProblem(BadHttpRequestException e)
    {
        if (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            return TypedResults.Problem($"The request body is larger than {AnnotationEndpoints.MaxBodyBytes / 1024} KiB.", statusCode: e.StatusCode, title: "Too large");
        var detail = e.InnerException switch
        {
            System.Text.Json.JsonException { Path: { Length: > 1 } path } json when json.Message.Contains("could not be converted", StringComparison.Ordinal) =>
                $"The request body has a value of the wrong type at {path} (see docs/api.md for the body's fields and their types).",
            System.Text.Json.JsonException json => $"The request body is not valid JSON ({FirstSentence(json.Message)}).",
            _ => e.Message,
        };
        return TypedResults.Problem(detail, statusCode: e.StatusCode, title: "Invalid request");
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return (end < 0 ? message : message[..end]).TrimEnd('.') + ".";
    }

    private static async Task LimitBodyAsync(HttpContext context, RequestDelegate next)
    {
        // A file upload to the import endpoint may be as large as a browser upload; everything else is small.
        var max = Import.ImportEndpoints.IsImport(context.Request)
            ? Import.ImportLimits.MaxUploadBytes(context.RequestServices.GetRequiredService<IConfiguration>())
            : AnnotationEndpoints.MaxBodyBytes;
        if (context.Request.ContentLength > max)
        {
            var size = max >= 1024 * 1024 ? $"{max / (1024 * 1024)} MB" : $"{max / 1024} KiB";
            await Results.Problem($"The request body is larger than {size}.",
                statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large").ExecuteAsync(context);
            return;
        }
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max;
        }
        await next(context);
    }

    /// <summary>The feature services without the web host (also used by the component tests and the benchmark).</summary>
    public static IServiceCollection AddAnnotationServices(this IServiceCollection services)
    {
        services.AddSingleton<EventBus>();
        services.AddSingleton<AnnotateHub.Web.Data.AccessChangeLog>();
        services.AddSingleton<PresenceTracker>();
        services.AddSingleton<AnnotateHub.Web.Data.InteractiveWrites>();
        services.AddSingleton<DocumentWriter>();
        services.AddSingleton<AnnotationService>();
        services.AddSingleton<LabelService>();
        services.AddSingleton<CorpusService>();
        services.AddSingleton<ProjectAccess>();
        services.AddSingleton<Users.CallerStanding>();
        services.AddSingleton<TeamService>();
        services.AddSingleton<Export.ExportService>();
        services.AddSingleton<TextDocumentImporter>();
        services.AddSingleton<Import.ImportService>();
        services.AddSingleton<Export.PreparedExports>();
        services.AddSingleton<Suggestions.SuggestionService>();
        Agreement.AgreementServiceExtensions.AddAgreement(services);
        services.AddScoped<CircuitConnection>();
        return services;
    }
}
