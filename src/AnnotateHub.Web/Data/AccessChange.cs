namespace AnnotateHub.Web.Data;

/// <summary>
/// One committed change of what every process caches about a project or a user (decision 0061): a project's team, mode,
/// assignments or label set (<see cref="ProjectId"/>), or a user's account or tokens (<see cref="UserId"/>). Written in the change's own transaction by whichever process made
/// it, and read by every server, which is how a change made elsewhere (the command line, another instance) reaches the
/// caches and open connections of this one (docs/decisions/0042).
/// </summary>
public sealed class AccessChange
{
    public const int OriginLength = 32;

    public long Id { get; set; }
    public int? ProjectId { get; set; }
    public string? UserId { get; set; }
    /// <summary>The process that wrote it (<see cref="AccessChangeLog.Origin"/>): it has told its own listeners already.</summary>
    public required string Origin { get; set; }
    public DateTime At { get; set; }
}

/// <summary>
/// Adds <see cref="AccessChange"/> rows to a change's own context, so they commit (or not) with it. One per host: its
/// <see cref="Origin"/> tells this process's rows from the command line's or another instance's.
/// </summary>
public sealed class AccessChangeLog(TimeProvider clock)
{
    public string Origin { get; } = Guid.NewGuid().ToString("N");

    public void ProjectChanged(AnnotateHubDbContext db, int projectId) =>
        db.AccessChanges.Add(new AccessChange { ProjectId = projectId, Origin = Origin, At = clock.GetUtcNow().UtcDateTime });

    public void UserChanged(AnnotateHubDbContext db, string userId) =>
        db.AccessChanges.Add(new AccessChange { UserId = userId, Origin = Origin, At = clock.GetUtcNow().UtcDateTime });
}
