using AnnotateHub.Web.Data;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AnnotateHub.Web.Features.Operations;

/// <summary>
/// Health for load balancers and monitoring (docs/operations.md), anonymous, the body one word ("Healthy", "Unhealthy";
/// the reason goes to the server's log only), answering once start-up (migrations, seeding) is done:
/// <c>GET /health/live</c> 200 while the process serves requests at all (no check: restart it when this fails);
/// <c>GET /health/ready</c> 200 when the database answers a read and, with <c>Redis:Connection</c> set, Redis answers a
/// ping, else 503 (send it no users until it is back); <c>GET /health</c> is <c>/health/ready</c>, as before.
/// </summary>
public static class Health
{
    public const string Path = "/health";
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";

    /// <summary>The tag of the checks that readiness runs (the database, Redis).</summary>
    public const string ReadyTag = "ready";

    public static IEndpointRouteBuilder MapAnnotateHubHealth(this IEndpointRouteBuilder endpoints)
    {
        var ready = new HealthCheckOptions { AllowCachingResponses = false, Predicate = c => c.Tags.Contains(ReadyTag) };
        endpoints.MapHealthChecks(LivePath, new HealthCheckOptions { AllowCachingResponses = false, Predicate = _ => false }).AllowAnonymous();
        endpoints.MapHealthChecks(ReadyPath, ready).AllowAnonymous();
        endpoints.MapHealthChecks(Path, ready).AllowAnonymous();
        return endpoints;
    }
}

/// <summary>Reads one row of a real table: a missing or replaced file (SQLite would create an empty one) fails too.</summary>
public sealed class DatabaseHealthCheck(IDbContextFactory<AnnotateHubDbContext> dbFactory) : IHealthCheck
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Limit);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(timeout.Token);
            await db.Database.SqlQueryRaw<int>("SELECT count(*) AS \"Value\" FROM \"__EFMigrationsHistory\"").SingleAsync(timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The database did not answer a read.", e);
        }
    }
}
