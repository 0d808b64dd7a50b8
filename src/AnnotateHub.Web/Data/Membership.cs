using AnnotateHub.Core.Projects;

namespace AnnotateHub.Web.Data;

/// <summary>A user's role in a project. A user holds at most one role per project, and may hold different roles in different projects.</summary>
public sealed class ProjectMember
{
    public int ProjectId { get; set; }
    public required string UserId { get; set; }
    public ProjectRole Role { get; set; }
    public DateTime AddedAt { get; set; }
}

/// <summary>A document given to an annotator, and how far they are with it.</summary>
public sealed class Assignment
{
    public int DocumentId { get; set; }
    public required string UserId { get; set; }
    /// <summary>The document's project, kept here so a project's assignments are one indexed read.</summary>
    public int ProjectId { get; set; }
    public AssignmentState State { get; set; }
    public DateTime AssignedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? DoneAt { get; set; }
}
