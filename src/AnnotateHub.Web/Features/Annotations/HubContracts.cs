using AnnotateHub.Web.Realtime;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Labels;

namespace AnnotateHub.Web.Features.Annotations;

// The hub's messages, as documented in docs/realtime.md (JSON, camelCase). Offsets in code points, end exclusive.

/// <param name="Attributes">What the span says, by attribute name, each value a canonical string ("10", "injured", "yes",
/// "2020-01-08"); empty when it says nothing.</param>
public sealed record AnnotationDto(
    long Id, int DocumentId, string AnnotatorId, string Annotator, int Start, int End,
    int LabelId, string Label, string? Note, DateTime CreatedAt, DateTime UpdatedAt, int Version,
    IReadOnlyDictionary<string, string>? Attributes = null)
{
    public static AnnotationDto From(AnnotationView a) =>
        new(a.Id, a.DocumentId, a.AnnotatorId, a.AnnotatorName, a.Start, a.End, a.LabelId, a.LabelName, a.Note, a.CreatedAt, a.UpdatedAt, a.Version, a.Values());
}

/// <param name="Reverts">The change this one undid, when it is an undo or a revert.</param>
public sealed record ChangeDto(int DocumentId, long Sequence, string Kind, string UserId, DateTime At, AnnotationDto Annotation, long? Reverts = null)
{
    public static ChangeDto From(DocumentChangeEvent e) =>
        new(e.DocumentId, e.Sequence, KindName(e.Kind), e.UserId, e.At, AnnotationDto.From(e.Annotation), e.Reverts);

    public static string KindName(ChangeKind kind) => kind switch
    {
        ChangeKind.AnnotationCreated => "created",
        ChangeKind.AnnotationUpdated => "updated",
        ChangeKind.AnnotationDeleted => "deleted",
        _ => kind.ToString(),
    };
}

/// <summary>One change of a span, as <c>GetHistory</c> lists them: the span before (null for a creation) and after (null
/// for a deletion), the change it reverts and the one that reverted it, and whether the caller may revert it.</summary>
public sealed record HistoryEntryDto(
    long Sequence, string Kind, string UserId, string User, DateTime At, AnnotationDto? Before, AnnotationDto? After,
    long? Reverts, long? RevertedBy, bool CanRevert)
{
    public static HistoryEntryDto From(SpanHistoryEntry e) =>
        new(e.Sequence, ChangeDto.KindName(e.Kind), e.UserId, e.UserName, e.At,
            e.Before is null ? null : AnnotationDto.From(e.Before), e.After is null ? null : AnnotationDto.From(e.After), e.Reverts, e.RevertedBy, e.CanRevert);
}

/// <param name="Attributes">What the label's spans say: its attribute definitions, in order.</param>
public sealed record LabelDto(int Id, string Name, string Color, string? Hotkey, string? Description, IReadOnlyList<AttributeDto>? Attributes = null)
{
    public static LabelDto From(LabelView l) => new(l.Id, l.Name, l.Color, l.Hotkey, l.Description, l.Attributes.Select(AttributeDto.From).ToList());
}

/// <summary>An attribute definition as programs read and write it: <paramref name="Type"/> is number, choice, text, yesno or
/// date; <paramref name="Choices"/> a choice's values; <paramref name="Min"/> and <paramref name="Max"/> a number's range.</summary>
public sealed record AttributeDto(string Name, string Type, IReadOnlyList<string>? Choices = null, bool Required = false, string? Default = null,
    decimal? Min = null, decimal? Max = null)
{
    public static AttributeDto From(Core.Labels.AttributeDefinition d) =>
        new(d.Name, Core.Labels.AttributeJson.KindName(d.Kind), d.Choices, d.Required, d.Default, d.Min, d.Max);

    /// <summary>The definition, or null when <see cref="Type"/> names no type.</summary>
    public Core.Labels.AttributeDefinition? ToDefinition() =>
        Core.Labels.AttributeJson.ParseKind(Type) is { } kind ? new(Name ?? "", kind, Choices, Required, Default, Min, Max) : null;
}

public sealed record LabelsChangedDto(int ProjectId, IReadOnlyList<LabelDto> Labels);

public sealed record ViewerDto(string UserId, string Name, string Initials, string Activity)
{
    /// <summary>Without <paramref name="showActivity"/> (a blind project's annotators), another viewer's activity reads "here".</summary>
    public static ViewerDto From(Viewer v, bool showActivity = true) => new(v.UserId, v.Name, v.Initials, showActivity ? v.Activity : "here");
}

public sealed record PresenceDto(int DocumentId, IReadOnlyList<ViewerDto> Viewers);

/// <summary>The connection may no longer open the document (removed from the project, or unassigned): it has left the
/// document's stream and receives nothing more of it.</summary>
public sealed record AccessRevokedDto(int DocumentId, string Reason);

/// <summary>The connection's role on a joined document changed (it now receives that role's stream); a client that
/// no longer <see cref="SeesOthers"/> drops the others' spans it holds, e.g. by joining again for a snapshot.</summary>
public sealed record StandingChangedDto(int DocumentId, bool IsSupervisor, bool SeesOthers);

public sealed record JoinResult(
    int DocumentId, int ProjectId, long Sequence, bool Snapshot,
    IReadOnlyList<AnnotationDto> Annotations, IReadOnlyList<ChangeDto> Changes,
    IReadOnlyList<LabelDto> Labels, IReadOnlyList<ViewerDto> Viewers);

/// <param name="Attributes">What the span says, by attribute name (checked against the label; refused whole with every
/// reason); null or absent gives the label's defaults.</param>
public sealed record CreateAnnotationRequest(int DocumentId, int Start, int End, string? Label, int? LabelId, string? Note,
    IReadOnlyDictionary<string, string?>? Attributes = null);

/// <param name="Attributes">The span's values after the change (they replace its values); null or absent keeps them.</param>
public sealed record UpdateAnnotationRequest(long AnnotationId, int ExpectedVersion, string? Label, int? LabelId, string? Note,
    IReadOnlyDictionary<string, string?>? Attributes = null);

public sealed record MutationResult(bool Ok, string Code, string? Error, ChangeDto? Change, AnnotationDto? Current)
{
    public static MutationResult From(AnnotationResult r, int documentId, string userId, DateTime at) => r.Succeeded
        ? new(true, "ok", null, new ChangeDto(documentId, r.Sequence, ChangeDto.KindName(r.Kind), userId, at, AnnotationDto.From(r.Annotation!)), null)
        : new(false, CodeOf(r.Outcome), r.Error, null, r.Annotation is null ? null : AnnotationDto.From(r.Annotation));

    public static MutationResult Invalid(string error) => new(false, "invalid", error, null, null);
    public static MutationResult NotFound(string error) => new(false, "not_found", error, null, null);
    public static MutationResult RateLimited(string error) => new(false, "rate_limited", error, null, null);

    private static string CodeOf(AnnotationOutcome outcome) => outcome switch
    {
        AnnotationOutcome.NotFound => "not_found",
        AnnotationOutcome.Invalid => "invalid",
        AnnotationOutcome.Forbidden => "forbidden",
        AnnotationOutcome.Conflict => "conflict",
        _ => "ok",
    };
}
