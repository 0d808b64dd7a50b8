using AnnotateHub.Web.Features.Users;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Realtime;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Projects;

/// <summary>The <c>Access</c> section of the configuration.</summary>
public sealed class AccessOptions
{
    public const string Section = "Access";

    /// <summary>How often each server reads the <see cref="AccessChange"/> rows that other processes wrote.</summary>
    public int PollMilliseconds { get; set; } = 250;

    /// <summary>How long a row is kept: longer than any server can fall behind while it runs.</summary>
    public int KeepMinutes { get; set; } = 60;
}

/// <summary>
/// Brings rights changes that another process made (the command line, another instance) into this one: polls the
/// <see cref="AccessChange"/> rows after the last it saw (one read of the primary key's index), and for each drops what
/// <see cref="ProjectAccess"/> knows and publishes the same in-process event a change made here publishes
/// (<see cref="TeamChangedEvent"/>, <see cref="UserAccessChangedEvent"/>): open circuits, hub connections and caches then
/// re-check as they do for a change made here. Rows this process wrote are skipped: it told its listeners at commit.
/// </summary>
public sealed class AccessChangeWatcher(
    IDbContextFactory<AnnotateHubDbContext> dbFactory, AccessChangeLog log, ProjectAccess access, EventBus bus,
    Microsoft.Extensions.Options.IOptions<AccessOptions> options, TimeProvider clock, ILogger<AccessChangeWatcher> logger) : BackgroundService
{
    private const int Batch = 1000;
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        long? last = null;
        var lastPrune = clock.GetUtcNow();
        var failing = false;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(10, options.Value.PollMilliseconds)), clock);
        do
        {
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(stoppingToken);
                // From now on: what changed before this server started was read fresh by everything it has.
                last ??= await db.AccessChanges.MaxAsync(c => (long?)c.Id, stoppingToken) ?? 0;
                var rows = await db.AccessChanges.AsNoTracking().Where(c => c.Id > last).OrderBy(c => c.Id).Take(Batch)
                    .Select(c => new { c.Id, c.ProjectId, c.UserId, c.Origin }).ToListAsync(stoppingToken);
                if (rows.Count > 0)
                {
                    last = rows[^1].Id;
                    var foreign = rows.Where(r => r.Origin != log.Origin).ToList();
                    // Users first: a locked user's connections end before their projects' re-checks look at them.
                    foreach (var userId in foreign.Select(r => r.UserId).OfType<string>().Distinct(StringComparer.Ordinal))
                    {
                        access.InvalidateUser(userId);
                        bus.Publish(new UserAccessChangedEvent(userId));
                    }
                    foreach (var projectId in foreign.Select(r => r.ProjectId).OfType<int>().Distinct())
                    {
                        access.Invalidate(projectId);
                        bus.Publish(new TeamChangedEvent(projectId));
                    }
                }
                if (clock.GetUtcNow() - lastPrune >= PruneEvery)
                {
                    lastPrune = clock.GetUtcNow();
                    var before = lastPrune.UtcDateTime.AddMinutes(-Math.Max(1, options.Value.KeepMinutes));
                    await db.AccessChanges.Where(c => c.At < before).ExecuteDeleteAsync(stoppingToken);
                }
                if (failing) logger.LogInformation("Reading access changes works again");
                failing = false;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Once per outage, not four times a second; caches still expire by their MaxAge meanwhile.
                if (!failing) logger.LogWarning(ex, "Reading access changes failed; retrying every poll");
                failing = true;
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
