using Microsoft.AspNetCore.Identity;

namespace AnnotateHub.Web.Data;

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
