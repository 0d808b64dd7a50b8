namespace AnnotateHub.Core.Projects;

/// <summary>A user's role in one project. Admins hold no project role but act as supervisors everywhere.</summary>
public enum ProjectRole
{
    /// <summary>Not a member of the project (an admin still acts as a supervisor).</summary>
    None = 0,
    /// <summary>Annotates the documents assigned to them.</summary>
    Annotator = 1,
    /// <summary>Sees all documents and everyone's work, and manages labels, assignments, the mode and exports.</summary>
    Supervisor = 2,
    /// <summary>Sees all documents and everyone's work and curates the gold layer, without managing the team, labels or exports.</summary>
    Curator = 3,
}

/// <summary>Open: annotators see each other's spans live. Blind: annotators see only their own; supervisors see all.</summary>
public enum ProjectMode
{
    /// <summary>Annotators see each other's spans live.</summary>
    Open = 0,
    /// <summary>Annotators see only their own spans; supervisors see all.</summary>
    Blind = 1,
}

/// <summary>Where an annotator is with one assigned document; only the annotator marks it done.</summary>
public enum AssignmentState
{
    /// <summary>Assigned, but the annotator has not opened it yet.</summary>
    NotStarted = 0,
    /// <summary>The annotator has opened it (or reopened it after marking it done).</summary>
    InProgress = 1,
    /// <summary>The annotator marked it done; they cannot change their spans in it until they reopen it.</summary>
    Done = 2,
}

/// <summary>
/// What one user may see and do in one project. Every door (pages, hub, REST API, export) asks these questions,
/// so the rules live in one place.
/// </summary>
public sealed record ProjectPermissions(ProjectRole Role, ProjectMode Mode, bool IsAdmin)
{
    /// <summary>The permissions of a user who is neither a member nor an admin: no role, so nothing is allowed.</summary>
    public static readonly ProjectPermissions NoAccess = new(ProjectRole.None, ProjectMode.Open, false);

    /// <summary>May see that the project exists and open it.</summary>
    public bool IsMember => IsAdmin || Role != ProjectRole.None;

    /// <summary>Sees every document and every annotator's work, edits labels, assignments and the mode, exports.</summary>
    public bool IsSupervisor => IsAdmin || Role == ProjectRole.Supervisor;

    /// <summary>May curate the gold layer: take annotators' spans into gold, reject, edit gold, merge, finish a document.</summary>
    public bool CanCurate => IsSupervisor || Role == ProjectRole.Curator;

    /// <summary>Sees the spans of other annotators: supervisors and curators always, annotators only in an open project.</summary>
    public bool SeesOthers => CanCurate || (Role == ProjectRole.Annotator && Mode == ProjectMode.Open);

    /// <summary>May see a span made by <paramref name="authorId"/>.</summary>
    public bool CanSeeSpanOf(string viewerId, string authorId) => SeesOthers || string.Equals(viewerId, authorId, StringComparison.Ordinal);

    /// <summary>May open a document: supervisors and curators any document of the project, annotators the ones assigned to them.</summary>
    public bool CanOpenDocument(AssignmentState? assignment) => CanCurate || (Role == ProjectRole.Annotator && assignment is not null);

    /// <summary>Why this user may not add or change their own spans in a document, or null when they may.</summary>
    public string? RefusalToAnnotate(AssignmentState? assignment)
    {
        if (IsSupervisor) return null;
        if (Role == ProjectRole.Curator) return "Curators decide the gold layer; they do not add spans of their own.";
        if (Role != ProjectRole.Annotator) return "You are not a member of this project.";
        return assignment switch
        {
            null => "This document is not assigned to you.",
            AssignmentState.Done => "You marked this document done; reopen it to change your spans.",
            _ => null,
        };
    }
}
