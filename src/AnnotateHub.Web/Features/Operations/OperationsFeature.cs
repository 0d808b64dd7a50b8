namespace AnnotateHub.Web.Features.Operations;

public static class OperationsFeature
{
    /// <summary>The database check behind <c>GET /health</c> (mapped outside /api by <see cref="Health.MapAnnotateHubHealth"/>).</summary>
    public static IServiceCollection AddOperations(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [Health.ReadyTag]);
        return services;
    }

    /// <summary>The diagnostics under /api: the memory probe, off unless configured (decision 0037).</summary>
    public static RouteGroupBuilder MapOperationsEndpoints(this RouteGroupBuilder api) => api.MapMemoryProbe();
}
