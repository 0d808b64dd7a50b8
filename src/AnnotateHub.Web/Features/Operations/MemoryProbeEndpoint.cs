using System.Diagnostics;
using System.Runtime;
using System.Security.Claims;
using AnnotateHub.Web.Components.Shared;
using AnnotateHub.Web.Features.Api;
using AnnotateHub.Web.Features.Projects;

namespace AnnotateHub.Web.Features.Operations;

/// <summary>What <c>GET /api/diagnostics/memory</c> answers: the managed heap after a full, compacting collection.</summary>
public sealed record MemoryProbeResult(
    long ManagedBytesBeforeCollect,
    long ManagedBytesAfterFullCollect,
    long HeapSizeBytes,
    long FragmentedBytes,
    long CommittedBytes,
    long WorkingSetBytes,
    long PrivateBytes,
    int Threads,
    int Gen0Collections,
    int Gen1Collections,
    int Gen2Collections,
    bool ServerGc,
    double UptimeSeconds,
    double CollectMilliseconds);

/// <summary>
/// A diagnostic for the soak (tests/AnnotateHub.LoadTest --soak, decision 0037): off unless
/// <see cref="Setting"/> is true, and then for admins only; anyone else gets 404, as if it did not exist.
/// It forces a blocking, compacting gen-2 collection, which pauses the whole server: never turn it on for users.
/// </summary>
public static class MemoryProbeEndpoint
{
    public const string Setting = "Diagnostics:MemoryProbe";
    public const string Path = "/diagnostics/memory";

    // One collection at a time: a second caller waits instead of stacking full collections.
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static RouteGroupBuilder MapMemoryProbe(this RouteGroupBuilder api)
    {
        api.MapGet(Path, async Task<IResult> (ClaimsPrincipal user, IConfiguration configuration, ProjectAccess access, CancellationToken ct) =>
        {
            if (!configuration.GetValue<bool>(Setting) || !await access.IsAdminAsync(user.Id(), ct))
                return ApiProblems.NotFound("Not found.");
            await Gate.WaitAsync(ct);
            try
            {
                return TypedResults.Ok(Measure());
            }
            finally
            {
                Gate.Release();
            }
        });
        return api;
    }

    /// <summary>Collects twice around the finalizers, so objects they release are counted as gone.</summary>
    public static MemoryProbeResult Measure()
    {
        var before = GC.GetTotalMemory(forceFullCollection: false);
        var clock = Stopwatch.StartNew();
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var after = GC.GetTotalMemory(forceFullCollection: false);
        clock.Stop();
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        using var process = Process.GetCurrentProcess();
        return new MemoryProbeResult(before, after, info.HeapSizeBytes, info.FragmentedBytes, info.TotalCommittedBytes,
            process.WorkingSet64, process.PrivateMemorySize64, process.Threads.Count,
            GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GCSettings.IsServerGC,
            Math.Round((DateTime.Now - process.StartTime).TotalSeconds, 1), Math.Round(clock.Elapsed.TotalMilliseconds, 1));
    }
}
