using AnnotateHub.Web.Data;

namespace AnnotateHub.Web.Features.Annotations;

/// <summary>An annotation as the UI and programs see it; offsets in code points, end exclusive.</summary>
public sealed record AnnotationView(
    long Id, int DocumentId, string AnnotatorId, string AnnotatorName,
    int Start, int End, int LabelId, string LabelName, string? Note,
    DateTime CreatedAt, DateTime UpdatedAt, int Version);

public enum AnnotationOutcome
{
    Ok,
    NotFound,
    Invalid,
    Forbidden,
    /// <summary>Someone else changed or deleted the annotation first; <see cref="AnnotationResult.Annotation"/> holds what is there now.</summary>
    Conflict,
}

/// <summary>The outcome of a change. On success <see cref="Sequence"/> is the change's number in the document's log.</summary>
public sealed record AnnotationResult(AnnotationOutcome Outcome, AnnotationView? Annotation, string? Error, long Sequence = 0, ChangeKind Kind = default)
{
    public bool Succeeded => Outcome == AnnotationOutcome.Ok;
    public static AnnotationResult Ok(AnnotationView a, long sequence, ChangeKind kind) => new(AnnotationOutcome.Ok, a, null, sequence, kind);
    public static AnnotationResult Fail(AnnotationOutcome outcome, string error, AnnotationView? current = null) => new(outcome, current, error);
}
