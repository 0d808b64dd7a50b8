using AnnotateHub.Web.Data;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AnnotateHub.Web.Features.Operations;

/// <summary>
/// <c>GET /health</c> for load balancers and monitoring (docs/operations.md): 200 "Healthy" when the database answers a
/// read, else 503 "Unhealthy". Anonymous, and the body is that one word: the reason goes to the server's log only.
/// It answers once start-up (migrations, seeding) is done, since the server listens only then.
/// </summary>
public static class Health
{
    public const string Path = "/health";

    public static IEndpointConventionBuilder MapAnnotateHubHealth(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapHealthChecks(Path, new HealthCheckOptions { AllowCachingResponses = false }).AllowAnonymous();
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
