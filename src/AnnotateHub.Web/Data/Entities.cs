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
    /// <summary>Signed in with a password someone else chose or saw (the first admin's, decision 0085): until they set
    /// their own, the pages send them to the "Set a new password" page and /api and the hubs refuse them.</summary>
    public bool MustChangePassword { get; set; }
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
    /// <summary>What annotators say about a whole document (the outlet's stance, the event's date): attribute definitions as
    /// JSON (<see cref="AnnotateHub.Core.Labels.AttributeJson.Definitions"/>); null for none.</summary>
    public string? DocumentAttributes { get; set; }
    /// <summary>When a supervisor archived it: archived projects are listed apart, left out of annotators' queues and
    /// read-only for annotators; null while active.</summary>
    public DateTime? ArchivedAt { get; set; }
    /// <summary>A link to the project's annotation guidelines (http or https), shown beside every document; null for none.</summary>
    public string? GuidelinesUrl { get; set; }
    public List<Document> Documents { get; set; } = [];
    public List<LabelDefinition> Labels { get; set; } = [];
}

public sealed class Document
{
    public int Id { get; set; }
    public int ProjectId { get; set; }
    public Project? Project { get; set; }
    private string _title = "";

    /// <summary>The title; setting it sets <see cref="TitleKey"/>, so every door that names or renames a document keeps
    /// the key in step (EF Core reads and writes the field, so loading a row does not recompute it).</summary>
    public required string Title
    {
        get => _title;
        set
        {
            _title = value;
            TitleKey = AnnotateHub.Core.Text.NaturalSortKey.Of(value);
        }
    }

    /// <summary>The title's natural sort key (<see cref="AnnotateHub.Core.Text.NaturalSortKey"/>), indexed per project; null
    /// only for a row written before the key existed, until the start-up after the migration fills it in.</summary>
    public string? TitleKey { get; set; }
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
    /// <summary>When a curator finished its curation (every unit decided); null while it is annotating or ready.</summary>
    public DateTime? CuratedAt { get; set; }
    public string? CuratedById { get; set; }
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
    /// <summary>The label's attribute definitions as JSON (<see cref="AnnotateHub.Core.Labels.AttributeJson.Definitions"/>);
    /// null when it has none.</summary>
    public string? Attributes { get; set; }
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
    /// <summary>What the span says: its attribute values as one JSON object of canonical strings
    /// (<see cref="AnnotateHub.Core.Labels.AttributeJson.Values"/>); null when it has none.</summary>
    public string? Attributes { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>Optimistic concurrency token, incremented on every change (portable across providers).</summary>
    public int Version { get; set; }
}

/// <summary>One annotator's document-level labels (issue 19): what they say about the whole document, by the project's
/// document attributes; each annotator has their own, so they can be compared.</summary>
public sealed class DocumentLabel
{
    public int DocumentId { get; set; }
    public required string AnnotatorId { get; set; }
    /// <summary>The values, as <see cref="Annotation.Attributes"/> holds a span's.</summary>
    public required string Values { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>Optimistic concurrency token, incremented on every change.</summary>
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
    /// <summary>The change (its <see cref="Sequence"/>) that this one undid, when it is an undo or a revert; a change that some
    /// later one names here has been reverted.</summary>
    public long? RevertsSequence { get; set; }
}

/// <summary>Where a gold span came from (its provenance).</summary>
public enum GoldOrigin
{
    /// <summary>Read from an imported file's gold layer.</summary>
    Imported = 0,
    /// <summary>Every annotator of the document had exactly this span (taken by a merge).</summary>
    Unanimous = 1,
    /// <summary>Proposed by an automatic merge under <see cref="GoldAnnotation.Rule"/>.</summary>
    Merged = 2,
    /// <summary>Decided by a curator (<see cref="GoldAnnotation.CuratorId"/>): taken from a lane, drawn or edited.</summary>
    Adjudicated = 3,
}

/// <summary>
/// A gold span: the adjudicated layer a team trains on. Imported from a file, proposed by an automatic merge, or decided
/// by a curator; it says which (<see cref="Origin"/>, <see cref="Rule"/>, <see cref="CuratorId"/>) and which annotators'
/// spans it came from (<see cref="Sources"/>).
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
    public GoldOrigin Origin { get; set; }
    /// <summary>The merge rule's name (<c>all-agree</c>, <c>vote:2:0.67</c>) for a merged or unanimous span.</summary>
    public string? Rule { get; set; }
    /// <summary>The curator who decided it (adjudicated spans), or who last edited it.</summary>
    public string? CuratorId { get; set; }
    /// <summary>The user names of the annotators whose span it is (same start, end and label), comma-separated, sorted.</summary>
    public string? Sources { get; set; }
    /// <summary>The curator's note, shown to annotators in their feedback.</summary>
    public string? Note { get; set; }
    public DateTime? UpdatedAt { get; set; }
    /// <summary>Optimistic concurrency token, incremented on every change.</summary>
    public int Version { get; set; } = 1;
    /// <summary>What the gold span says (its count, status, stance...), as <see cref="Annotation.Attributes"/> holds a span's:
    /// taken from the lane a curator accepts, agreed by every source of a merged span, or set by the curator; null for none.
    /// Last in the class: the history's snapshots are written in declaration order (<see cref="Features.Curation.MergeWriter"/>).</summary>
    public string? Attributes { get; set; }
}

/// <summary>A curator's explicit "no gold here" over a range of a document: the unit it covers counts as decided.</summary>
public sealed class GoldRejection
{
    public long Id { get; set; }
    public int DocumentId { get; set; }
    public int Start { get; set; }
    public int End { get; set; }
    public required string CuratorId { get; set; }
    public string? Note { get; set; }
    public DateTime At { get; set; }
}

public enum CurationChangeKind
{
    GoldCreated = 1,
    GoldUpdated = 2,
    GoldDeleted = 3,
    Rejected = 4,
    RejectionRemoved = 5,
    Finished = 6,
    Reopened = 7,
    /// <summary>An automatic merge of one document: <see cref="CurationChange.Before"/> holds the proposals it replaced,
    /// <see cref="CurationChange.After"/> the ones it made (JSON arrays): one row per document, however many spans.</summary>
    Merged = 8,
}

/// <summary>
/// Append-only history of a document's curation: every change to a gold span or rejection, who made it and when, with
/// the row before and after (JSON). Undo and revert read it; the curation view shows it per span.
/// </summary>
public sealed class CurationChange
{
    public long Id { get; set; }
    public int DocumentId { get; set; }
    public CurationChangeKind Kind { get; set; }
    /// <summary>The gold span (or rejection) the change is about.</summary>
    public long? TargetId { get; set; }
    public required string UserId { get; set; }
    public DateTime At { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
    /// <summary>Set when this change was undone or reverted (by the change <see cref="RevertedById"/>).</summary>
    public long? RevertedById { get; set; }
    /// <summary>The change this one reverts, if it is a revert or an undo.</summary>
    public long? RevertsId { get; set; }
    /// <summary>The changes one action made together (an accept that replaces a merged span, a merge): undone together.</summary>
    public required string ActionId { get; set; }
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
    /// <summary>The values the recognizer or file filled in, as on <see cref="Annotation.Attributes"/>; an acceptance keeps them.</summary>
    public string? Attributes { get; set; }
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
