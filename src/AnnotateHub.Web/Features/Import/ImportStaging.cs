using System.Diagnostics;
using System.Text.Json;
using AnnotateHub.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Import;

/// <summary>
/// Removes what an import wrote before it failed or its process died (decision 0030): the hidden project's documents a
/// few hundred per transaction (their spans, assignments and log rows go with them by cascade), then the hidden project,
/// the batch row and its staged spans, and the accounts it made that nothing else uses. Never touches a visible project.
/// </summary>
public static class ImportStaging
{
    public const int DeleteBatch = 500;

    /// <summary>A batch whose owner cannot be checked (another machine) is abandoned after this long without a commit.</summary>
    public static readonly TimeSpan SilentFor = TimeSpan.FromMinutes(10);

    private static readonly Lazy<string> ThisProcess = new(() =>
    {
        using var self = Process.GetCurrentProcess();
        return $"{Environment.MachineName}:{Environment.ProcessId}:{self.StartTime.ToUniversalTime().Ticks}";
    });

    /// <summary>"host:pid:start ticks" of this process, stored with each batch it starts.</summary>
    public static string Owner => ThisProcess.Value;

    /// <summary>Removes every batch whose process is gone (same machine) or that has been silent for <see cref="SilentFor"/>.</summary>
    public static async Task<int> RemoveAbandonedAsync(IDbContextFactory<AnnotateHubDbContext> dbFactory, DateTime now, CancellationToken ct = default)
    {
        List<ImportBatch> batches;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            batches = await db.ImportBatches.AsNoTracking().ToListAsync(ct);
        }
        var removed = 0;
        foreach (var batch in batches.Where(b => IsAbandoned(b, now)))
        {
            await RemoveAsync(dbFactory, batch.Id, ct);
            removed++;
        }
        return removed;
    }

    public static bool IsAbandoned(ImportBatch batch, DateTime now)
    {
        var parts = batch.Owner.Split(':');
        if (parts.Length == 3 && parts[0] == Environment.MachineName && int.TryParse(parts[1], out var pid) && long.TryParse(parts[2], out var started))
            return !IsRunning(pid, started);
        return now - batch.HeartbeatAt > SilentFor;
    }

    private static bool IsRunning(int pid, long startedTicks)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            // A recycled pid belongs to a process that started later.
            return process.StartTime.ToUniversalTime().Ticks == startedTicks;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return true; // cannot tell: leave it to the heartbeat rule on another machine, and alone here
        }
    }

    /// <summary>Removes one batch and everything it staged, in bounded transactions.</summary>
    public static async Task RemoveAsync(IDbContextFactory<AnnotateHubDbContext> dbFactory, int batchId, CancellationToken ct = default)
    {
        ImportBatch? batch;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            batch = await db.ImportBatches.AsNoTracking().FirstOrDefaultAsync(b => b.Id == batchId, ct);
        }
        if (batch is null) return;
        var stagingId = batch.StagingProjectId;
        bool hidden;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            hidden = await db.Projects.IgnoreQueryFilters().AnyAsync(p => p.Id == stagingId && p.ImportPending, ct);
        }
        if (hidden)
        {
            // Each step is its own short transaction, so other users' saves go on while a large failed import is removed.
            while (true)
            {
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                var deleted = await db.Documents.Where(d => d.ProjectId == stagingId).OrderBy(d => d.Id).Take(DeleteBatch).ExecuteDeleteAsync(ct);
                if (deleted == 0) break;
            }
        }
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (hidden) await db.Projects.IgnoreQueryFilters().Where(p => p.Id == stagingId && p.ImportPending).ExecuteDeleteAsync(ct);
            await db.ImportBatches.Where(b => b.Id == batchId).ExecuteDeleteAsync(ct);
            await tx.CommitAsync(ct);
        }
        var users = batch.CreatedUserIds is null ? [] : JsonSerializer.Deserialize<List<string>>(batch.CreatedUserIds) ?? [];
        foreach (var userId in users)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            try
            {
                // Only an account nothing else has come to use since (another import may have named the same annotator).
                if (!await db.Annotations.AnyAsync(a => a.AnnotatorId == userId, ct) && !await db.ProjectMembers.AnyAsync(m => m.UserId == userId, ct)
                    && !await db.Projects.IgnoreQueryFilters().AnyAsync(p => p.OwnerId == userId, ct))
                    await db.Users.Where(u => u.Id == userId && u.PasswordHash == null).ExecuteDeleteAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Something came to refer to it meanwhile: an account without a password is harmless, keep it.
            }
            catch (System.Data.Common.DbException)
            {
            }
        }
    }
}

/// <summary>At start, removes the staging a crashed import left (decision 0030). Runs after the migrations.</summary>
public sealed class ImportBatchCleaner(IDbContextFactory<AnnotateHubDbContext> dbFactory, TimeProvider clock, ILogger<ImportBatchCleaner> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var removed = await ImportStaging.RemoveAbandonedAsync(dbFactory, clock.GetUtcNow().UtcDateTime, cancellationToken);
        if (removed > 0) logger.LogWarning("Removed {Count} unfinished import(s) left by a process that stopped; nothing of them was ever visible", removed);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
