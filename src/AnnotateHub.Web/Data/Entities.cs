using Microsoft.AspNetCore.Identity;

namespace AnnotateHub.Web.Data;

/// <summary>The app's site-wide roles (Identity roles). Project roles are <see cref="Core.Projects.ProjectRole"/>.</summary>
public static class AppRoles
{
    /// <summary>Manages users and sees every project.</summary>
    public const string Admin = "Admin";
}

public sealed class AppUser : IdentityUser
{
    public string? DisplayName { get; set; }
}

public sealed class Project
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public required string OwnerId { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>Open or blind; switched by a supervisor.</summary>
    public AnnotateHub.Core.Projects.ProjectMode Mode { get; set; }
    /// <summary>True while an import is still writing into it (a new project, or the staging project of an import into
    /// an existing one): hidden from every query by the model's filter until the import's last short commit (decision 0030).</summary>
    public bool ImportPending { get; set; }
    public List<Document> Documents { get; set; } = [];
    public List<LabelDefinition> Labels { get; set; } = [];
}

public sealed class Document
{
    public int Id { get; set; }
    public int ProjectId { get; set; }
    public Project? Project { get; set; }
    public required string Title { get; set; }
    public string? Outlet { get; set; }
    public DateOnly? PublishedOn { get; set; }
    public string? Url { get; set; }
    public required string Text { get; set; }
    /// <summary>Length of <see cref="Text"/> in code points, the unit of every offset users see.</summary>
    public int Length { get; set; }
    public required string ContentHash { get; set; }
    public string? SourceName { get; set; }
    /// <summary>The document's id in the file it was imported from (the interchange "id"), written back on export.</summary>
    public string? ExternalId { get; set; }
    /// <summary>Metadata of an imported document beyond title, outlet, date, url and source, as a JSON object.</summary>
    public string? ExtraMeta { get; set; }
    public DateTime CreatedAt { get; set; }
}

public sealed class LabelDefinition
{
    public int Id { get; set; }
    public int ProjectId { get; set; }
    public required string Name { get; set; }
    public required string Color { get; set; }
    public string? Hotkey { get; set; }
    public string? Description { get; set; }
    public int SortOrder { get; set; }
}

public sealed class Annotation
{
    public long Id { get; set; }
    public int DocumentId { get; set; }
    public required string AnnotatorId { get; set; }
    public AppUser? Annotator { get; set; }
    /// <summary>Code-point offset, inclusive.</summary>
    public int Start { get; set; }
    /// <summary>Code-point offset, exclusive.</summary>
    public int End { get; set; }
    public int LabelId { get; set; }
    public LabelDefinition? Label { get; set; }
    public string? Note { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>Optimistic concurrency token, incremented on every change (portable across providers).</summary>
    public int Version { get; set; }
}

public enum ChangeKind
{
    AnnotationCreated = 1,
    AnnotationUpdated = 2,
    AnnotationDeleted = 3,
}

/// <summary>Append-only log of a document's changes; <see cref="Sequence"/> counts from 1 per document without gaps.</summary>
public sealed class DocumentChange
{
    public long Id { get; set; }
    public int DocumentId { get; set; }
    public long Sequence { get; set; }
    public ChangeKind Kind { get; set; }
    public long? AnnotationId { get; set; }
    public required string UserId { get; set; }
    public DateTime At { get; set; }
    /// <summary>The annotation as it was after the change (before it, for a delete), as JSON.</summary>
    public required string Payload { get; set; }
}

/// <summary>
/// A gold span: the adjudicated layer. Imported from a file's "label" field today; curation will write it later.
/// </summary>
public sealed class GoldAnnotation
{
    public long Id { get; set; }
    public int DocumentId { get; set; }
    public int Start { get; set; }
    public int End { get; set; }
    public int LabelId { get; set; }
    public LabelDefinition? Label { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// A pre-annotation: a span proposed by a named source (a model, another tool) that each annotator accepts, which
/// makes it their own annotation, or rejects. It is never anyone's annotation until accepted.
/// </summary>
public sealed class Suggestion
{
    public long Id { get; set; }
    public int DocumentId { get; set; }
    /// <summary>Who proposed it: the "annotator" of the imported span, e.g. "ner-model-v2".</summary>
    public required string Source { get; set; }
    public int Start { get; set; }
    public int End { get; set; }
    public int LabelId { get; set; }
    public LabelDefinition? Label { get; set; }
    public DateTime CreatedAt { get; set; }
}

public enum SuggestionVerdict
{
    Accepted = 1,
    Rejected = 2,
}

/// <summary>One annotator's answer to a suggestion; each annotator decides for themselves.</summary>
public sealed class SuggestionDecision
{
    public long SuggestionId { get; set; }
    public required string UserId { get; set; }
    public SuggestionVerdict Verdict { get; set; }
    /// <summary>The annotation an acceptance created.</summary>
    public long? AnnotationId { get; set; }
    public DateTime DecidedAt { get; set; }
}
