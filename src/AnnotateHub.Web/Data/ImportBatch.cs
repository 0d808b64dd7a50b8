namespace AnnotateHub.Web.Data;

/// <summary>
/// An import under way (decision 0030). Its new documents are written, a few hundred per transaction, into a hidden
/// project (<see cref="StagingProjectId"/>: the new project itself, or a staging project when importing into an existing
/// one) and made visible by one short final commit. A row left behind means a crash: the clean-up removes what it wrote.
/// </summary>
public sealed class ImportBatch
{
    public int Id { get; set; }
    /// <summary>The project the documents end up in; equals <see cref="StagingProjectId"/> when the import creates it.</summary>
    public int TargetProjectId { get; set; }
    public int StagingProjectId { get; set; }
    public required string ActorId { get; set; }
    /// <summary>Machine and process that runs the import ("host:pid:start ticks"), so start-up can tell a dead one.</summary>
    public required string Owner { get; set; }
    public DateTime StartedAt { get; set; }
    /// <summary>Updated at each committed batch; a batch silent for long is abandoned even if its owner cannot be checked.</summary>
    public DateTime HeartbeatAt { get; set; }
    /// <summary>Accounts the import made for annotators named in the file (JSON array of user ids), removed if it fails.</summary>
    public string? CreatedUserIds { get; set; }
}

public enum StagedSpanKind
{
    Annotation = 1,
    Suggestion = 2,
    Gold = 3,
}

/// <summary>A span of the file for a document the project already had: held here until the final commit adds it.</summary>
public sealed class ImportStagedSpan
{
    public long Id { get; set; }
    public int BatchId { get; set; }
    public int DocumentId { get; set; }
    public StagedSpanKind Kind { get; set; }
    /// <summary>The annotator's user id (annotations), the suggestion's source name, or the gold span's curator's user id.</summary>
    public string? Who { get; set; }
    public int Start { get; set; }
    public int End { get; set; }
    public int LabelId { get; set; }
    public string? Note { get; set; }
    /// <summary>A gold span's provenance as the file gave it (<see cref="GoldAnnotation.Origin"/>, <see cref="GoldAnnotation.Rule"/>,
    /// <see cref="GoldAnnotation.Sources"/>; the curator is <see cref="Who"/>, the note <see cref="Note"/>); null on other spans.</summary>
    public GoldOrigin? Origin { get; set; }
    public string? Rule { get; set; }
    public string? Sources { get; set; }
    /// <summary>An annotation's or suggestion's checked attribute values (canonical JSON, as <see cref="Annotation.Attributes"/>); null for none.</summary>
    public string? Attributes { get; set; }
}
